"""Grid patrols (微网格巡查): log, read, list, history, and a 矛盾纠纷线索 turned into a dispute. HTTP
only: parse, call one service function, set headers."""

import uuid
from typing import Annotated

from fastapi import Path, Response

from governance_api.core import errors
from governance_api.core.action_routes import ActivityRoute, add_activity_routes
from governance_api.core.deps import CurrentActor, ReadSession, WriteSession
from governance_api.core.http import RawBody, set_etag
from governance_api.core.openapi import raw_body
from governance_api.core.pagination import Page, Paging
from governance_api.core.problems import WRITE_PROBLEMS, responses
from governance_api.core.routing import domain_router
from governance_api.core.validators import Day
from governance_api.patrols import service
from governance_api.patrols.machine import PATROL_MACHINE
from governance_api.patrols.repository import PatrolFilters
from governance_api.patrols.schemas import FindingRead, PatrolCreate, PatrolHistoryItem, PatrolListItem, PatrolRead

READ_ERRORS = responses(errors.NotFound)

router = domain_router("patrols")

PatrolId = Annotated[uuid.UUID, Path(description="The patrol's id")]


@router.post(
    "/patrols",
    status_code=201,
    response_model=PatrolRead,
    responses=responses(*WRITE_PROBLEMS),
    openapi_extra=raw_body(PatrolCreate),
)
def create_patrol(response: Response, actor: CurrentActor, session: WriteSession, body: RawBody) -> PatrolRead:
    """Log a patrol of a grid (grid_worker of the grid): a nil report or its findings."""
    read = service.create_patrol(session, actor, body)
    set_etag(response, read.version)
    response.headers["Location"] = f"/api/v1/patrols/{read.id}"
    return read


@router.get("/patrols", response_model=Page[PatrolListItem], responses=READ_ERRORS)
def list_patrols(
    actor: CurrentActor,
    session: ReadSession,
    page: Paging,
    grid_id: uuid.UUID | None = None,
    org_unit_id: uuid.UUID | None = None,
    patrol_date_from: Day | None = None,
    patrol_date_to: Day | None = None,
    nil_report: bool | None = None,
) -> Page[PatrolListItem]:
    """Patrols the caller may see, newest first. ``org_unit_id``: a street, area, community or grid
    (its whole subtree); ``patrol_date_from``/``_to``: Shanghai days, both included."""
    filters = PatrolFilters(grid_id=grid_id, date_from=patrol_date_from, date_to=patrol_date_to, nil_report=nil_report)
    return service.list_patrols(session, actor, filters, org_unit_id, page)


@router.get("/patrols/{item_id}", response_model=PatrolRead, responses=READ_ERRORS)
def get_patrol(item_id: PatrolId, response: Response, actor: CurrentActor, session: ReadSession) -> PatrolRead:
    """One patrol with its findings (each with the dispute it became, once reported)."""
    read = service.get_patrol(session, actor, item_id)
    set_etag(response, read.version)
    return read


@router.get("/patrols/{item_id}/findings", response_model=Page[FindingRead], responses=READ_ERRORS)
def list_findings(item_id: PatrolId, actor: CurrentActor, session: ReadSession) -> Page[FindingRead]:
    """The patrol's findings, in the order recorded, each with the dispute it became once reported."""
    return service.findings(session, actor, item_id)


@router.get("/patrols/{item_id}/history", response_model=Page[PatrolHistoryItem], responses=READ_ERRORS)
def patrol_history(item_id: PatrolId, actor: CurrentActor, session: ReadSession) -> Page[PatrolHistoryItem]:
    """Its creation and every finding turned into a dispute, oldest first."""
    return service.history(session, actor, item_id)


# Where the machine's activity is served (its states, roles and body come from the machine).
ACTIVITY_ROUTES = {"report_finding": ActivityRoute("findings/{finding_id}/report")}
add_activity_routes(router, PATROL_MACHINE, "patrols", PatrolRead, ACTIVITY_ROUTES, service.record)
