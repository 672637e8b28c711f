"""Governance meetings (会议, DOMAIN §4.2): 依法治理工作例会, 民情分析会, 居民议事会, 治理难题联席会商.

HTTP only: pick the caller, call one service function, set headers. The create takes the raw JSON
body and the service validates it after scope and role (API.md's order)."""

import uuid
from typing import Annotated

from fastapi import Query, Response

from governance_api.core import errors
from governance_api.core.action_routes import ActivityRoute, add_activity_routes
from governance_api.core.deps import CurrentActor, ReadSession, WriteSession
from governance_api.core.http import RawBody, set_etag
from governance_api.core.openapi import raw_body
from governance_api.core.pagination import Page, Paging
from governance_api.core.problems import responses
from governance_api.core.routing import domain_router
from governance_api.core.validators import Time
from governance_api.meetings import service
from governance_api.meetings.machine import MEETING_MACHINE
from governance_api.meetings.schemas import (
    GovernanceMeetingCreate,
    GovernanceMeetingRead,
    MeetingHistoryRead,
    MeetingResolutionRead,
)
from governance_api.meetings.vocab import GovernanceMeetingKind

router = domain_router("meetings")
READ_ERRORS = responses(errors.NotFound)


@router.get("/meetings", response_model=Page[GovernanceMeetingRead], responses=responses())
def list_meetings(
    actor: CurrentActor,
    session: ReadSession,
    page: Paging,
    kind: GovernanceMeetingKind | None = None,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit's subtree")] = None,
    decision_id: Annotated[uuid.UUID | None, Query(description="Only meetings whose agenda discussed it")] = None,
    dispute_id: Annotated[uuid.UUID | None, Query(description="Only meetings whose agenda discussed it")] = None,
    held_from: Annotated[Time | None, Query(description="Held at or after")] = None,
    held_to: Annotated[Time | None, Query(description="Held before")] = None,
) -> Page[GovernanceMeetingRead]:
    """Meetings in the caller's scope, newest recorded first."""
    return service.list_meetings(
        session,
        actor,
        page,
        kind=kind,
        org_unit_id=org_unit_id,
        decision_id=decision_id,
        dispute_id=dispute_id,
        held_from=held_from,
        held_to=held_to,
    )


@router.post(
    "/meetings",
    status_code=201,
    response_model=GovernanceMeetingRead,
    responses=responses(errors.NotFound, errors.Forbidden, errors.IdempotencyKeyReuse),
    openapi_extra=raw_body(GovernanceMeetingCreate),
)
def create_meeting(
    response: Response, actor: CurrentActor, session: WriteSession, body: RawBody
) -> GovernanceMeetingRead:
    """Record a meeting held: a community's by its secretary or staff, the street's 联席会商 by the
    司法所, the political-legal secretary or a leader in charge."""
    meeting = service.create_meeting(session, actor, body)
    set_etag(response, meeting.version)
    response.headers["Location"] = f"/api/v1/meetings/{meeting.id}"
    return meeting


@router.get("/meetings/{item_id}", response_model=GovernanceMeetingRead, responses=READ_ERRORS)
def get_meeting(
    item_id: uuid.UUID, response: Response, actor: CurrentActor, session: ReadSession
) -> GovernanceMeetingRead:
    meeting = service.get_meeting(session, actor, item_id)
    set_etag(response, meeting.version)
    return meeting


@router.get("/meetings/{item_id}/history", response_model=Page[MeetingHistoryRead], responses=READ_ERRORS)
def meeting_history(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> Page[MeetingHistoryRead]:
    return service.history(session, actor, item_id)


@router.get("/meetings/{item_id}/resolutions", response_model=Page[MeetingResolutionRead], responses=READ_ERRORS)
def list_meeting_resolutions(
    item_id: uuid.UUID, actor: CurrentActor, session: ReadSession
) -> Page[MeetingResolutionRead]:
    """The meeting's resolutions (决议事项), in the order recorded, with their 闭环."""
    return service.list_resolutions(session, actor, item_id)


ACTIVITY_ROUTES = {
    "mark_resolution_done": ActivityRoute("resolutions/{resolution_id}/done", status_code=200),
}
add_activity_routes(router, MEETING_MACHINE, "meetings", GovernanceMeetingRead, ACTIVITY_ROUTES, service.record)
