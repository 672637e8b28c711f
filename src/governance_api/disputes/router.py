"""Disputes (矛盾纠纷): intake, 三查三问 screening, mediation and the escalation ladder. HTTP only: parse,
pick the caller, call one service function, set the ETag.

Bodies of creates and sub-record writes are read raw and validated by the service, after scope,
state and role (API.md's order of checks); their schemas are published inline in OpenAPI."""

import uuid
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from governance_api.core import errors
from governance_api.core.action_routes import ActivityRoute, add_action_routes, add_activity_routes
from governance_api.core.deps import CurrentActor, Reads, ReadSession, WriteSession, get_settings
from governance_api.core.http import RawBody, set_etag
from governance_api.core.openapi import inline_body
from governance_api.core.pagination import Page, Paging
from governance_api.core.problems import WRITE_PROBLEMS, responses
from governance_api.core.routing import domain_router
from governance_api.core.validators import Time
from governance_api.disputes import service
from governance_api.disputes.machine import DISPUTE_MACHINE
from governance_api.disputes.reads import (
    AgreementRead,
    CategoryRead,
    DisposalReportRead,
    DisputeListItem,
    DisputeRead,
    DisputeState,
    EscalationRead,
    HistoryItem,
    JudicialConfirmationRead,
    PublicDisputeStatus,
    ScreeningRead,
    SessionRead,
)
from governance_api.disputes.repository import DisputeFilters
from governance_api.disputes.schemas import CategoryCreate, DisputeCreate
from governance_api.disputes.vocab import Channel, Level, RiskLevel
from governance_api.settings import Settings

Limits = Annotated[Settings, Depends(get_settings)]
READ_ERRORS = responses(errors.NotFound)
WRITE_ERRORS = responses(*WRITE_PROBLEMS)

router = domain_router("disputes")

DisputeId = Annotated[uuid.UUID, Path(description="The dispute's id")]


@router.post(
    "/disputes",
    status_code=201,
    response_model=DisputeRead,
    responses=WRITE_ERRORS,
    openapi_extra=inline_body(DisputeCreate),
)
def create_dispute(
    response: Response, actor: CurrentActor, session: WriteSession, settings: Limits, body: RawBody
) -> DisputeRead:
    """Report a dispute (信息收集). Its unit is the grid when ``grid_id`` is given, else the community."""
    read = service.create_dispute(session, actor, body, settings.dispute_time_limits)
    set_etag(response, read.version)
    response.headers["Location"] = f"/api/v1/disputes/{read.id}"
    return read


@router.get("/disputes", response_model=Page[DisputeListItem], responses=READ_ERRORS)
async def list_disputes(
    actor: CurrentActor,
    reads: Reads,
    settings: Limits,
    page: Paging,
    state: DisputeState | None = None,
    level: Level | None = None,
    channel: Channel | None = None,
    category: Annotated[str | None, Query(max_length=64)] = None,
    risk_level: RiskLevel | None = None,
    overdue: bool | None = None,
    org_unit_id: uuid.UUID | None = None,
    created_from: Time | None = None,
    created_to: Time | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
) -> Page[DisputeListItem]:
    """Disputes the caller may see, newest first. ``overdue``: at the current level beyond its time limit."""
    filters = DisputeFilters(
        state=state,
        level=level.value if level else None,
        channel=channel.value if channel else None,
        category=category,
        risk_level=risk_level.value if risk_level else None,
        overdue=overdue,
        created_from=created_from,
        created_to=created_to,
        q=q,
    )
    query = service.ListQuery(filters, org_unit_id)
    return await service.read_page(reads, actor, query, page, settings.dispute_time_limits)


@router.get("/disputes/{item_id}", response_model=DisputeRead, responses=READ_ERRORS)
async def get_dispute(
    item_id: DisputeId, response: Response, actor: CurrentActor, reads: Reads, settings: Limits
) -> DisputeRead:
    """One dispute; parties unmasked (and the read audited) for its handlers and the 司法所."""
    read = await service.read_dispute(reads, actor, item_id, settings.dispute_time_limits)
    set_etag(response, read.version)
    return read


@router.get("/disputes/{item_id}/history", response_model=Page[HistoryItem], responses=READ_ERRORS)
def dispute_history(item_id: DisputeId, actor: CurrentActor, session: ReadSession) -> Page[HistoryItem]:
    """Every action taken, oldest first, with the level before and after."""
    return service.history(session, actor, item_id)


@router.get("/disputes/{item_id}/escalations", response_model=Page[EscalationRead], responses=READ_ERRORS)
def dispute_escalations(item_id: DisputeId, actor: CurrentActor, session: ReadSession) -> Page[EscalationRead]:
    """The 联动化解申请表 filed for the dispute, each with the 司法所's review."""
    return service.escalations(session, actor, item_id)


@router.get("/disputes/{item_id}/screening", response_model=ScreeningRead, responses=READ_ERRORS)
def get_screening(item_id: DisputeId, response: Response, actor: CurrentActor, session: ReadSession) -> ScreeningRead:
    read = service.get_screening(session, actor, item_id)
    set_etag(response, read.version)
    return read


@router.get("/disputes/{item_id}/sessions", response_model=Page[SessionRead], responses=READ_ERRORS)
def list_sessions(item_id: DisputeId, actor: CurrentActor, session: ReadSession) -> Page[SessionRead]:
    return service.list_sessions(session, actor, item_id)


@router.get("/disputes/{item_id}/agreement", response_model=AgreementRead, responses=READ_ERRORS)
def get_agreement(item_id: DisputeId, actor: CurrentActor, session: ReadSession) -> AgreementRead:
    """The current agreement (the latest reached)."""
    return service.get_agreement(session, actor, item_id)


@router.get("/disputes/{item_id}/judicial-confirmation", response_model=JudicialConfirmationRead, responses=READ_ERRORS)
def get_judicial_confirmation(
    item_id: DisputeId, actor: CurrentActor, session: ReadSession
) -> JudicialConfirmationRead:
    return service.get_judicial_confirmation(session, actor, item_id)


@router.get("/disputes/{item_id}/disposal-report", response_model=DisposalReportRead, responses=READ_ERRORS)
def get_disposal_report(item_id: DisputeId, actor: CurrentActor, session: ReadSession) -> DisposalReportRead:
    return service.get_disposal_report(session, actor, item_id)


@router.get("/dispute-categories", response_model=Page[CategoryRead], responses=responses())
def list_categories(actor: CurrentActor, session: ReadSession) -> Page[CategoryRead]:
    """The category list (the nine defaults and those the 司法所 added)."""
    return service.list_categories(session)


@router.post(
    "/dispute-categories",
    status_code=201,
    response_model=CategoryRead,
    responses=responses(errors.Forbidden, errors.Duplicate, errors.IdempotencyKeyReuse),
    openapi_extra=inline_body(CategoryCreate),
)
def create_category(actor: CurrentActor, session: WriteSession, body: RawBody) -> CategoryRead:
    """Add a category (judicial_officer)."""
    return service.create_category(session, actor, body)


@router.get(
    "/public/disputes/{tracking_code}", response_model=PublicDisputeStatus, responses=responses(errors.NotFound)
)
def public_dispute_status(
    tracking_code: Annotated[str, Path(min_length=1, max_length=32)], session: ReadSession
) -> PublicDisputeStatus:
    """No login: a dispute's state and level by its 解纷码, nothing else."""
    return service.public_status(session, tracking_code)


# Where each activity of the machine is served (its states, roles, body and guards come from the machine).
ACTIVITY_ROUTES = {
    "save_screening": ActivityRoute("screening", method="PUT", status_code=200),
    "record_session": ActivityRoute("sessions"),
    "record_judicial_confirmation": ActivityRoute("judicial-confirmation"),
    "file_disposal_report": ActivityRoute("disposal-report"),
}
add_activity_routes(router, DISPUTE_MACHINE, "disputes", DisputeRead, ACTIVITY_ROUTES, service.record)
add_action_routes(router, DISPUTE_MACHINE, "disputes", DisputeRead, service.perform)
