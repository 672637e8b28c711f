"""Major decisions (重大决策事项前置法制审核): catalog and lifecycle 清单→动议→共识→报备→法制审核→闭环.

HTTP only: parse, pick the caller, call one service function, return. Writes on a decision take the
raw JSON body and let the service validate it after scope, state and role (API.md's order)."""

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from governance_api.core import errors
from governance_api.core.action_routes import add_action_routes
from governance_api.core.deps import CurrentActor, ReadSession, WriteSession
from governance_api.core.http import IfMatch, RawBody, set_etag
from governance_api.core.pagination import Page, Paging
from governance_api.core.problems import WRITE_PROBLEMS, responses
from governance_api.decisions import catalog, service
from governance_api.decisions.machine import DECISION_MACHINE
from governance_api.decisions.schemas import (
    BallotCreate,
    BallotRead,
    CatalogCode,
    CatalogEntryCreate,
    CatalogEntryRead,
    CatalogEntryUpdate,
    ConditionRead,
    DecisionCreate,
    DecisionRead,
    FilingRead,
    FilingResponseBody,
    HistoryRead,
    LegalOpinionCreate,
    LegalOpinionRead,
    MeetingCreate,
    MeetingRead,
    NoteBody,
    NoteRead,
    ProgressCreate,
    PublicityCreate,
    TallyRead,
    TypicalCaseBody,
)

router = APIRouter(tags=["decisions"])
READ_ERRORS = responses(errors.NotFound)
WRITE_ERRORS = responses(*WRITE_PROBLEMS)


def _body(model: type[BaseModel]) -> dict[str, Any]:
    """Document a body the service validates itself (inline schema: these models have no $defs)."""
    schema = model.model_json_schema()
    assert "$defs" not in schema, model.__name__
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


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
)
def create_catalog_entry(
    body: CatalogEntryCreate, response: Response, actor: CurrentActor, session: WriteSession
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
)
def update_catalog_entry(
    code: CatalogCode,
    body: CatalogEntryUpdate,
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
    state: Annotated[str | None, Query(max_length=40)] = None,
    catalog_code: Annotated[str | None, Query(max_length=64)] = None,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit's subtree")] = None,
    created_from: dt.datetime | None = None,
    created_to: dt.datetime | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in title or description")] = None,
    typical_case: Annotated[bool | None, Query(description="true: only typical cases (典型案例)")] = None,
) -> Page[DecisionRead]:
    items, cursor = service.list_decisions(
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
    return Page(items=items, next_cursor=cursor)


@router.post(
    "/decisions",
    status_code=201,
    response_model=DecisionRead,
    responses=responses(
        errors.NotFound, errors.Forbidden, errors.GuardFailed, errors.NotAMajorDecision, errors.IdempotencyKeyReuse
    ),
    openapi_extra=_body(DecisionCreate),
)
def create_decision(response: Response, actor: CurrentActor, session: WriteSession, body: RawBody) -> DecisionRead:
    """List a matter (列入清单) for a community under a catalog entry."""
    decision = service.create_decision(session, actor, body)
    set_etag(response, decision.version)
    return decision


@router.get("/decisions/{item_id}", response_model=DecisionRead, responses=READ_ERRORS)
def get_decision(item_id: uuid.UUID, response: Response, actor: CurrentActor, session: ReadSession) -> DecisionRead:
    decision = service.get_decision(session, actor, item_id)
    set_etag(response, decision.version)
    return decision


@router.get("/decisions/{item_id}/history", response_model=Page[HistoryRead], responses=READ_ERRORS)
def decision_history(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> Page[HistoryRead]:
    return Page(items=service.history(session, actor, item_id), next_cursor=None)


@router.get("/decisions/{item_id}/tally", response_model=TallyRead, responses=READ_ERRORS)
def decision_tally(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> TallyRead:
    """The consensus rule evaluated on what was recorded: totals, each threshold, ``satisfied``,
    ``unmet`` and a plain-Chinese explanation."""
    return service.get_tally(session, actor, item_id)


def _sub_list(path: str, model: type[BaseModel], fetch: Callable[..., list[Any]], doc: str) -> None:
    def endpoint(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> Page[Any]:
        return Page(items=fetch(session, actor, item_id), next_cursor=None)

    endpoint.__doc__ = doc
    router.add_api_route(
        f"/decisions/{{item_id}}/{path}",
        endpoint,
        methods=["GET"],
        response_model=Page[model],  # type: ignore[valid-type]
        responses=READ_ERRORS,
        name=f"list_decision_{path.replace('-', '_')}",
    )


def _sub_post(path: str, model: type[BaseModel], body: type[BaseModel], add: Callable[..., Any], doc: str) -> None:
    def endpoint(
        item_id: uuid.UUID, actor: CurrentActor, session: WriteSession, expected: IfMatch, raw: RawBody
    ) -> Any:
        return add(session, actor, item_id, raw, expected)

    endpoint.__doc__ = doc
    router.add_api_route(
        f"/decisions/{{item_id}}/{path}",
        endpoint,
        methods=["POST"],
        status_code=201,
        response_model=model,
        responses=WRITE_ERRORS,
        openapi_extra=_body(body),
        name=f"add_decision_{path.replace('-', '_')}",
    )


_sub_list("ballots", BallotRead, service.list_ballots, "Ballots (表决票) of the current consultation round.")
_sub_post(
    "ballots",
    BallotRead,
    BallotCreate,
    service.add_ballot,
    "Record one unit's ballot while consulting (secretary, staff, owners committee). A second ballot for a unit is"
    " 409 duplicate; ballots over the scope totals, or an owner's units with different choices, are 422.",
)
_sub_list("meetings", MeetingRead, service.list_meetings, "Meetings (协商议事会议 / 居民会议), every round.")
_sub_post(
    "meetings", MeetingRead, MeetingCreate, service.add_meeting, "Record a meeting while consulting (secretary, staff)."
)
_sub_list("filings", FilingRead, service.list_filings, "Filings (报备) and the review-result filing.")
_sub_list("legal-opinions", LegalOpinionRead, service.list_opinions, "Legal opinions (法制审核意见).")
_sub_post(
    "legal-opinions",
    LegalOpinionRead,
    LegalOpinionCreate,
    service.add_opinion,
    "Give a legal opinion in legal_review (legal adviser, 司法所, or an officer of a department filed to).",
)
_sub_list("conditions", ConditionRead, service.list_conditions, "Review conditions set by the approval.")
_sub_list("progress", NoteRead, lambda s, a, i: service.list_notes(s, a, i, "progress"), "Progress notes (进展).")
_sub_post(
    "progress",
    NoteRead,
    ProgressCreate,
    lambda s, a, i, raw, e: service.add_note(s, a, i, "progress", raw, e),
    "Record progress while implementing (secretary, staff).",
)
_sub_list("publicity", NoteRead, lambda s, a, i: service.list_notes(s, a, i, "publicity"), "Publicity records (公示).")
_sub_post(
    "publicity",
    NoteRead,
    PublicityCreate,
    lambda s, a, i, raw, e: service.add_note(s, a, i, "publicity", raw, e),
    "Record a publicity (公示) while implementing (secretary, staff).",
)


@router.post(
    "/decisions/{item_id}/filings/{filing_id}/response",
    response_model=FilingRead,
    responses=WRITE_ERRORS,
    openapi_extra=_body(FilingResponseBody),
)
def respond_to_filing(
    item_id: uuid.UUID,
    filing_id: uuid.UUID,
    actor: CurrentActor,
    session: WriteSession,
    expected: IfMatch,
    raw: RawBody,
) -> FilingRead:
    """Answer a filing (``acknowledged`` / ``objection``) as a holder of its role on its unit."""
    return service.respond_to_filing(session, actor, item_id, filing_id, raw, expected)


@router.post(
    "/decisions/{item_id}/conditions/{condition_id}/met",
    response_model=ConditionRead,
    responses=WRITE_ERRORS,
    openapi_extra=_body(NoteBody),
)
def mark_condition_met(
    item_id: uuid.UUID,
    condition_id: uuid.UUID,
    actor: CurrentActor,
    session: WriteSession,
    expected: IfMatch,
    raw: RawBody,
) -> ConditionRead:
    """Mark a review condition met while implementing (community secretary; ``note`` required)."""
    return service.mark_condition_met(session, actor, item_id, condition_id, raw, expected)


@router.post(
    "/decisions/{item_id}/typical-case",
    response_model=DecisionRead,
    responses=WRITE_ERRORS,
    openapi_extra=_body(TypicalCaseBody),
)
def mark_typical_case(
    item_id: uuid.UUID, response: Response, actor: CurrentActor, session: WriteSession, expected: IfMatch, raw: RawBody
) -> DecisionRead:
    """Mark a closed decision a typical case (典型案例; 司法所, ``note`` required). List them with
    ``GET /decisions?typical_case=true``."""
    decision = service.mark_typical_case(session, actor, item_id, raw, expected)
    set_etag(response, decision.version)
    return decision


add_action_routes(router, DECISION_MACHINE, "decisions", DecisionRead, service.perform)
