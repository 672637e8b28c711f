import uuid
from typing import Annotated

from fastapi import Query

from governance_api.core.deps import CurrentActor, ReadSession, WriteSession
from governance_api.core.errors import Duplicate, Forbidden, NotFound
from governance_api.core.http import RawBody
from governance_api.core.openapi import raw_body
from governance_api.core.pagination import Page, Paging
from governance_api.core.problems import responses
from governance_api.core.routing import domain_router
from governance_api.org import service
from governance_api.org.schemas import OrgUnitCreate, OrgUnitRead, OrgUnitUpdate, UserCreate, UserRead, UserUpdate
from governance_api.roles import OrgKind

router = domain_router("org")


@router.post(
    "/org-units",
    status_code=201,
    response_model=OrgUnitRead,
    responses=responses(Forbidden, NotFound, Duplicate),
    openapi_extra=raw_body(OrgUnitCreate),
)
def create_org_unit(body: RawBody, actor: CurrentActor, session: WriteSession) -> OrgUnitRead:
    """Add a unit to the org tree (admin)."""
    return service.create_unit(session, actor, body)


@router.get("/org-units", response_model=Page[OrgUnitRead], responses=responses())
def list_org_units(
    actor: CurrentActor,
    session: ReadSession,
    page: Paging,
    kind: OrgKind | None = None,
    parent_id: uuid.UUID | None = None,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit's subtree")] = None,
) -> Page[OrgUnitRead]:
    items, cursor = service.list_units(session, page, kind, parent_id, org_unit_id)
    return Page(items=items, next_cursor=cursor)


@router.get("/org-units/{unit_id}", response_model=OrgUnitRead, responses=responses(NotFound))
def get_org_unit(unit_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> OrgUnitRead:
    return service.get_unit(session, unit_id)


@router.patch(
    "/org-units/{unit_id}",
    response_model=OrgUnitRead,
    responses=responses(Forbidden, NotFound),
    openapi_extra=raw_body(OrgUnitUpdate),
)
def update_org_unit(unit_id: uuid.UUID, body: RawBody, actor: CurrentActor, session: WriteSession) -> OrgUnitRead:
    """Rename or deactivate a unit (admin). Units never move: records keep their scope."""
    return service.update_unit(session, actor, unit_id, body)


@router.post(
    "/users",
    status_code=201,
    response_model=UserRead,
    responses=responses(Forbidden, Duplicate),
    openapi_extra=raw_body(UserCreate),
)
def create_user(body: RawBody, actor: CurrentActor, session: WriteSession) -> UserRead:
    """Create a user with its (role, org unit) assignments (admin)."""
    return service.create_user(session, actor, body)


@router.get("/users", response_model=Page[UserRead], responses=responses(Forbidden))
def list_users(actor: CurrentActor, session: ReadSession, page: Paging) -> Page[UserRead]:
    items, cursor = service.list_users(session, actor, page)
    return Page(items=items, next_cursor=cursor)


@router.get("/users/{user_id}", response_model=UserRead, responses=responses(Forbidden, NotFound))
def get_user(user_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> UserRead:
    return service.get_user(session, actor, user_id)


@router.patch(
    "/users/{user_id}",
    response_model=UserRead,
    responses=responses(Forbidden, NotFound),
    openapi_extra=raw_body(UserUpdate),
)
def update_user(user_id: uuid.UUID, body: RawBody, actor: CurrentActor, session: WriteSession) -> UserRead:
    """Change a user's profile, password, active flag or role assignments (admin)."""
    return service.update_user(session, actor, user_id, body)
