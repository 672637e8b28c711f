"""Buildings of a community (楼栋, DOMAIN.md §4.6). HTTP only: one service call per route."""

import uuid
from typing import Annotated

from fastapi import Query, Response

from governance_api.buildings import service
from governance_api.buildings.schemas import BuildingCreate, BuildingHistoryRead, BuildingRead
from governance_api.core import errors
from governance_api.core.deps import CurrentActor, ReadSession, WriteSession
from governance_api.core.http import RawBody, set_etag
from governance_api.core.openapi import raw_body
from governance_api.core.pagination import Page, Paging
from governance_api.core.problems import responses
from governance_api.core.routing import domain_router

router = domain_router("buildings")
READ_ERRORS = responses(errors.NotFound)


@router.get("/buildings", response_model=Page[BuildingRead], responses=responses())
def list_buildings(
    actor: CurrentActor,
    session: ReadSession,
    page: Paging,
    community_id: Annotated[uuid.UUID | None, Query(description="Only this community's buildings")] = None,
) -> Page[BuildingRead]:
    return service.list_buildings(session, actor, page, community_id)


@router.post(
    "/buildings",
    status_code=201,
    response_model=BuildingRead,
    responses=responses(errors.NotFound, errors.Forbidden, errors.Duplicate, errors.IdempotencyKeyReuse),
    openapi_extra=raw_body(BuildingCreate),
)
def create_building(response: Response, actor: CurrentActor, session: WriteSession, body: RawBody) -> BuildingRead:
    """Register a building (登记楼栋) of a community: its secretary or staff. A code already
    registered there is 409 ``duplicate`` with ``existing_id``."""
    building = service.create_building(session, actor, body)
    set_etag(response, building.version)
    response.headers["Location"] = f"/api/v1/buildings/{building.id}"
    return building


@router.get("/buildings/{item_id}", response_model=BuildingRead, responses=READ_ERRORS)
def get_building(item_id: uuid.UUID, response: Response, actor: CurrentActor, session: ReadSession) -> BuildingRead:
    building = service.get_building(session, actor, item_id)
    set_etag(response, building.version)
    return building


@router.get("/buildings/{item_id}/history", response_model=Page[BuildingHistoryRead], responses=READ_ERRORS)
def building_history(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> Page[BuildingHistoryRead]:
    return service.history(session, actor, item_id)
