"""Major decisions (重大决策事项前置法制审核): catalog and lifecycle 清单→动议→共识→报备→法制审核→闭环.

HTTP only: parse, pick the caller, call one service function, return. Writes on a decision take the
raw JSON body and let the service validate it after scope, state and role (API.md's order)."""

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Response
from pydantic import BaseModel

from governance_api.core import errors
from governance_api.core.action_routes import ActivityRoute, add_action_routes, add_activity_routes
from governance_api.core.deps import CurrentActor, ReadSession, WriteSession
from governance_api.core.http import IfMatch, RawBody, set_etag
from governance_api.core.openapi import inline_body, raw_body
from governance_api.core.pagination import Page, Paging
from governance_api.core.problems import responses
from governance_api.core.routing import domain_router
from governance_api.core.validators import Time
from governance_api.decisions import catalog, service
from governance_api.decisions.machine import DECISION_MACHINE
from governance_api.decisions.schemas import (
    BallotRead,
    CatalogCode,
    CatalogEntryCreate,
    CatalogEntryRead,
    CatalogEntryUpdate,
    ConditionRead,
    DecisionCreate,
    DecisionRead,
    DecisionState,
    FilingRead,
    HistoryRead,
    LegalOpinionRead,
    MeetingRead,
    NoteRead,
    TallyRead,
)

router = domain_router("decisions")
READ_ERRORS = responses(errors.NotFound)


# --- catalog ---------------------------------------------------------------------------------


@router.get("/decision-catalog", response_model=Page[CatalogEntryRead], responses=responses())
def list_catalog(
    actor: CurrentActor, session: ReadSession, page: Paging, active: bool | None = None
) -> Page[CatalogEntryRead]:
    """The catalog of matters that count as major decisions (重大决策事项清单)."""
    items, cursor = catalog.list_entries(session, actor, page, active)
    return Page(items=items, next_cursor=cursor)


@router.post(
    "/decision-catalog",
    status_code=201,
    response_model=CatalogEntryRead,
    responses=responses(errors.Forbidden, errors.NotFound, errors.Duplicate, errors.IdempotencyKeyReuse),
    openapi_extra=raw_body(CatalogEntryCreate),
)
def create_catalog_entry(
    body: RawBody, response: Response, actor: CurrentActor, session: WriteSession
) -> CatalogEntryRead:
    """Add an entry (司法所 only). Departments outside your scope are 404."""
    entry = catalog.create_entry(session, actor, body)
    set_etag(response, entry.version)
    return entry


@router.get("/decision-catalog/{code}", response_model=CatalogEntryRead, responses=READ_ERRORS)
def get_catalog_entry(
    code: CatalogCode, response: Response, actor: CurrentActor, session: ReadSession
) -> CatalogEntryRead:
    entry = catalog.get_entry(session, actor, code)
    set_etag(response, entry.version)
    return entry


@router.get("/decision-catalog/{code}/versions", response_model=Page[CatalogEntryRead], responses=READ_ERRORS)
def list_catalog_versions(code: CatalogCode, actor: CurrentActor, session: ReadSession) -> Page[CatalogEntryRead]:
    """Every version of an entry, oldest first (an item keeps the version it was listed under)."""
    return Page(items=catalog.list_versions(session, actor, code), next_cursor=None)


@router.patch(
    "/decision-catalog/{code}",
    response_model=CatalogEntryRead,
    responses=responses(errors.Forbidden, errors.NotFound, errors.VersionConflict),
    openapi_extra=raw_body(CatalogEntryUpdate),
)
def update_catalog_entry(
    code: CatalogCode,
    body: RawBody,
    response: Response,
    actor: CurrentActor,
    session: WriteSession,
    expected: IfMatch,
) -> CatalogEntryRead:
    """Edit or deactivate (``active: false``) an entry (司法所 only): a change makes a new version.
    ``departments`` replaces the departments under your street(s) and keeps other streets'."""
    entry = catalog.update_entry(session, actor, code, body, expected)
    set_etag(response, entry.version)
    return entry


# --- decisions -------------------------------------------------------------------------------


@router.get("/decisions", response_model=Page[DecisionRead], responses=responses())
def list_decisions(
    actor: CurrentActor,
    session: ReadSession,
    page: Paging,
    state: DecisionState | None = None,
    catalog_code: Annotated[str | None, Query(max_length=64)] = None,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit's subtree")] = None,
    created_from: Time | None = None,
    created_to: Time | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in title or description")] = None,
    typical_case: Annotated[bool | None, Query(description="true: only typical cases (典型案例)")] = None,
) -> Page[DecisionRead]:
    return service.list_decisions(
        session,
        actor,
        page,
        state=state,
        catalog_code=catalog_code,
        org_unit_id=org_unit_id,
        created_from=created_from,
        created_to=created_to,
        q=q,
        typical_case=typical_case,
    )


@router.post(
    "/decisions",
    status_code=201,
    response_model=DecisionRead,
    responses=responses(
        errors.NotFound, errors.Forbidden, errors.GuardFailed, errors.NotAMajorDecision, errors.IdempotencyKeyReuse
    ),
    openapi_extra=inline_body(DecisionCreate),
)
def create_decision(response: Response, actor: CurrentActor, session: WriteSession, body: RawBody) -> DecisionRead:
    """List a matter (列入清单) for a community under a catalog entry."""
    decision = service.create_decision(session, actor, body)
    set_etag(response, decision.version)
    response.headers["Location"] = f"/api/v1/decisions/{decision.id}"
    return decision


@router.get("/decisions/{item_id}", response_model=DecisionRead, responses=READ_ERRORS)
def get_decision(item_id: uuid.UUID, response: Response, actor: CurrentActor, session: ReadSession) -> DecisionRead:
    decision = service.get_decision(session, actor, item_id)
    set_etag(response, decision.version)
    return decision


@router.get("/decisions/{item_id}/history", response_model=Page[HistoryRead], responses=READ_ERRORS)
def decision_history(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> Page[HistoryRead]:
    return service.history(session, actor, item_id)


@router.get("/decisions/{item_id}/tally", response_model=TallyRead, responses=READ_ERRORS)
def decision_tally(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> TallyRead:
    """The consensus rule evaluated on what was recorded: totals, each threshold, ``satisfied``,
    ``unmet`` and a plain-Chinese explanation."""
    return service.get_tally(session, actor, item_id)


def _sub_list(path: str, model: type[BaseModel], fetch: Callable[..., Page[Any]], doc: str) -> None:
    def endpoint(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> Page[Any]:
        return fetch(session, actor, item_id)

    endpoint.__doc__ = doc
    router.add_api_route(
        f"/decisions/{{item_id}}/{path}",
        endpoint,
        methods=["GET"],
        response_model=Page[model],  # type: ignore[valid-type]
        responses=READ_ERRORS,
        name=f"list_decision_{path.replace('-', '_')}",
    )


_sub_list("ballots", BallotRead, service.list_ballots, "Ballots (表决票) of the current consultation round.")
_sub_list("meetings", MeetingRead, service.list_meetings, "Meetings (协商议事会议 / 居民会议), every round.")
_sub_list("filings", FilingRead, service.list_filings, "Filings (报备) and the review-result filing.")
_sub_list("legal-opinions", LegalOpinionRead, service.list_opinions, "Legal opinions (法制审核意见).")
_sub_list("conditions", ConditionRead, service.list_conditions, "Review conditions set by the approval.")
_sub_list("progress", NoteRead, lambda s, a, i: service.list_notes(s, a, i, "progress"), "Progress notes (进展).")
_sub_list("publicity", NoteRead, lambda s, a, i: service.list_notes(s, a, i, "publicity"), "Publicity records (公示).")

# Where each activity of the machine is served (its states, roles, body and guards come from the machine).
ACTIVITY_ROUTES = {
    "record_ballot": ActivityRoute("ballots"),
    "record_meeting": ActivityRoute("meetings"),
    "respond_to_filing": ActivityRoute("filings/{filing_id}/response", status_code=200),
    "give_legal_opinion": ActivityRoute("legal-opinions"),
    "mark_condition_met": ActivityRoute("conditions/{condition_id}/met", status_code=200),
    "record_progress": ActivityRoute("progress"),
    "record_publicity": ActivityRoute("publicity"),
    "mark_typical_case": ActivityRoute("typical-case", status_code=200),
}
add_activity_routes(router, DECISION_MACHINE, "decisions", DecisionRead, ACTIVITY_ROUTES, service.record)
add_action_routes(router, DECISION_MACHINE, "decisions", DecisionRead, service.perform)
