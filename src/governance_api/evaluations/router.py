"""The annual evaluation (总结评估). HTTP only: parse, call one service function, set headers."""

import uuid
from typing import Annotated

from fastapi import Query, Response

from governance_api.core import errors
from governance_api.core.action_routes import add_action_routes
from governance_api.core.deps import CurrentActor, ReadSession, WriteSession
from governance_api.core.http import RawBody, set_etag
from governance_api.core.openapi import raw_body
from governance_api.core.pagination import Page, Paging
from governance_api.core.problems import responses
from governance_api.core.routing import domain_router
from governance_api.evaluations import service
from governance_api.evaluations.machine import EVALUATION_MACHINE
from governance_api.evaluations.schemas import EvaluationCreate, EvaluationRead, EvaluationState, HistoryRead

router = domain_router("evaluations")
READ_ERRORS = responses(errors.NotFound)


@router.get("/evaluations", response_model=Page[EvaluationRead], responses=responses())
def list_evaluations(
    actor: CurrentActor,
    session: ReadSession,
    page: Paging,
    state: EvaluationState | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit's subtree")] = None,
) -> Page[EvaluationRead]:
    """Evaluations the caller may see, newest first."""
    return service.list_evaluations(session, actor, page, state=state, year=year, org_unit_id=org_unit_id)


@router.post(
    "/evaluations",
    status_code=201,
    response_model=EvaluationRead,
    responses=responses(errors.NotFound, errors.Forbidden, errors.Duplicate, errors.IdempotencyKeyReuse),
    openapi_extra=raw_body(EvaluationCreate),
)
def create_evaluation(response: Response, actor: CurrentActor, session: WriteSession, body: RawBody) -> EvaluationRead:
    """Open a community's evaluation of a year (its secretary or the 司法所); one per community and year."""
    evaluation = service.create_evaluation(session, actor, body)
    set_etag(response, evaluation.version)
    response.headers["Location"] = f"/api/v1/evaluations/{evaluation.id}"
    return evaluation


@router.get("/evaluations/{item_id}", response_model=EvaluationRead, responses=READ_ERRORS)
def get_evaluation(item_id: uuid.UUID, response: Response, actor: CurrentActor, session: ReadSession) -> EvaluationRead:
    evaluation = service.get_evaluation(session, actor, item_id)
    set_etag(response, evaluation.version)
    return evaluation


@router.get("/evaluations/{item_id}/history", response_model=Page[HistoryRead], responses=READ_ERRORS)
def evaluation_history(item_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> Page[HistoryRead]:
    """Every action taken, oldest first (a return's reason in ``comment``)."""
    return service.history(session, actor, item_id)


add_action_routes(router, EVALUATION_MACHINE, "evaluations", EvaluationRead, service.perform)
