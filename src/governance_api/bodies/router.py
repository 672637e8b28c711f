"""Working bodies (依法治理工作小组 / 工作专班, DOMAIN.md §4.1) and their members. HTTP only: one
service call per route; member writes are the machine's activities, generated from it."""

import uuid
from typing import Annotated

from fastapi import Query, Response

from governance_api.bodies import service
from governance_api.bodies.machine import BODY_MACHINE
from governance_api.bodies.schemas import MemberRead, WorkingBodyCreate, WorkingBodyHistoryRead, WorkingBodyRead
from governance_api.bodies.vocab import BodyKind
from governance_api.core import errors
from governance_api.core.action_routes import ActivityRoute, add_activity_routes
from governance_api.core.deps import CurrentActor, ReadSession, WriteSession
from governance_api.core.http import RawBody, set_etag
from governance_api.core.openapi import raw_body
from governance_api.core.pagination import Page, Paging
from governance_api.core.problems import responses
from governance_api.core.routing import domain_router

router = domain_router("bodies")
READ_ERRORS = responses(errors.NotFound)


@router.get("/working-bodies", response_model=Page[WorkingBodyRead], responses=responses())
def list_bodies(
    actor: CurrentActor,
    session: ReadSession,
    page: Paging,
    kind: BodyKind | None = None,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit's subtree")] = None,
) -> Page[WorkingBodyRead]:
    return service.list_bodies(session, actor, page, kind, org_unit_id)


@router.post(
    "/working-bodies",
    status_code=201,
    response_model=WorkingBodyRead,
    responses=responses(errors.NotFound, errors.Forbidden, errors.Duplicate, errors.IdempotencyKeyReuse),
    openapi_extra=raw_body(WorkingBodyCreate),
    name="create",  # operationIds strip the tag's word; "body" is not "bodies" less an s
)
def create_body(response: Response, actor: CurrentActor, session: WriteSession, body: RawBody) -> WorkingBodyRead:
    """Set up a community's 依法治理工作小组 (its secretary) or a street's 工作专班 (the 司法所 or the
    political-legal secretary). A second one of the kind on the unit is 409 ``duplicate``."""
    created = service.create_body(session, actor, body)
    set_etag(response, created.version)
    response.headers["Location"] = f"/api/v1/working-bodies/{created.id}"
    return created


@router.get("/working-bodies/{item_id}", response_model=WorkingBodyRead, responses=READ_ERRORS, name="get")
def get_body(item_id: uuid.UUID, response: Response, actor: CurrentActor, session: ReadSession) -> WorkingBodyRead:
    """The body with every membership, current and ended."""
    found = service.get_body(session, actor, item_id)
    set_etag(response, found.version)
    return found


@router.get(
    "/working-bodies/{item_id}/members", response_model=Page[MemberRead], responses=READ_ERRORS, name="list_members"
)
def list_body_members(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> Page[MemberRead]:
    """Every membership (成员), current and ended, by from_date."""
    return service.list_members(session, actor, item_id)


@router.get(
    "/working-bodies/{item_id}/history",
    response_model=Page[WorkingBodyHistoryRead],
    responses=READ_ERRORS,
    name="history",
)
def body_history(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> Page[WorkingBodyHistoryRead]:
    return service.history(session, actor, item_id)


# Where each activity of the machine is served (its roles, body and checks come from the machine).
ACTIVITY_ROUTES = {
    "add_member": ActivityRoute("members"),
    "end_member": ActivityRoute("members/{member_id}/end", status_code=200),
}
add_activity_routes(router, BODY_MACHINE, "working-bodies", WorkingBodyRead, ACTIVITY_ROUTES, service.record)
