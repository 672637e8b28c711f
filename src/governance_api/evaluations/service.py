"""Use cases of the annual evaluation (总结评估). Each write is one transaction, committed once; every
action loads the evaluation within the caller's scope, locked, and goes through the engine."""

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.action_routes import Command
from governance_api.core.actor import Actor
from governance_api.core.history import history_of
from governance_api.core.pagination import Page, PageParams, paginate
from governance_api.core.schemas import parse, peek
from governance_api.core.transitions import record_creation, take_action
from governance_api.core.validators import today_in_shanghai
from governance_api.evaluations import repository as repo
from governance_api.evaluations.machine import EVALUATION_MACHINE as MACHINE
from governance_api.evaluations.schemas import EvaluationCreate, EvaluationRead, EvaluationTarget, HistoryRead
from governance_api.evaluations.views import to_read
from governance_api.models.evaluations import Evaluation
from governance_api.roles import OrgKind


def _visible(session: Session, actor: Actor, evaluation_id: uuid.UUID, *, lock: bool = False) -> Evaluation:
    e = repo.get_visible(session, actor, evaluation_id, lock=lock)
    if e is None:
        raise errors.NotFound("no such evaluation")
    return e


def get_evaluation(session: Session, actor: Actor, evaluation_id: uuid.UUID) -> EvaluationRead:
    return to_read(_visible(session, actor, evaluation_id), actor)


def list_evaluations(
    session: Session,
    actor: Actor,
    page: PageParams,
    *,
    state: str | None = None,
    year: int | None = None,
    org_unit_id: uuid.UUID | None = None,
) -> Page[EvaluationRead]:
    under = None
    if org_unit_id is not None:
        root = repo.unit(session, org_unit_id)
        under = root.path if root is not None else "/nothing/"  # an unknown unit matches nothing
    stmt = repo.list_query(actor, state=state, year=year, under_path=under)
    rows, cursor = paginate(session, stmt, Evaluation.created_at, Evaluation.id, page)
    return Page(items=[to_read(e, actor) for e in rows], next_cursor=cursor)


def history(session: Session, actor: Actor, evaluation_id: uuid.UUID) -> Page[HistoryRead]:
    _visible(session, actor, evaluation_id)
    return Page.whole([HistoryRead.of(r) for r in history_of(session, MACHINE.name, evaluation_id)])


def create_evaluation(session: Session, actor: Actor, raw: Any) -> EvaluationRead:
    """Open a community's evaluation of a year: its secretary (to start the self-assessment) or the
    司法所 (to call for it). The community is read first: outside every grant 404, in scope but
    without the role 403, then the body; one per community and year (409 ``duplicate``)."""
    target = peek(EvaluationTarget, raw)
    if target is not None:
        unit = repo.unit(session, target.community_id)
        if unit is None or not actor.reaches(unit.path):
            raise errors.NotFound("no such community")
        if not actor.holds_any(MACHINE.create_roles, unit.path):
            raise errors.Forbidden("only the community's secretary or the 司法所 open an evaluation")
    data = parse(EvaluationCreate, raw)
    community = repo.unit(session, data.community_id)
    if community is None or not actor.reaches(community.path):
        raise errors.NotFound("no such community")
    if community.kind != OrgKind.community:
        raise errors.ValidationFailed.one("body.community_id", "not a community (居民区)")
    if data.year > today_in_shanghai().year:
        raise errors.ValidationFailed.one("body.year", "a year still to come cannot be evaluated")
    if (existing := repo.of_year(session, community.id, data.year)) is not None:
        raise errors.Duplicate(f"the community's evaluation of {data.year} exists", str(existing.id))
    e = Evaluation(
        id=uuid.uuid4(),
        org_unit_id=community.id,
        scope_path=community.path,
        created_by_id=actor.user_id,
        year=data.year,
        commendations=[],
        criticisms=[],
    )
    try:
        record_creation(session, MACHINE, e, actor)
    except IntegrityError as exc:  # a concurrent create of the same community and year won the race
        session.rollback()
        if (existing := repo.of_year(session, data.community_id, data.year)) is not None:
            raise errors.Duplicate(f"the community's evaluation of {data.year} exists", str(existing.id)) from exc
        raise
    read = to_read(e, actor)
    session.commit()
    return read


def perform(cmd: Command) -> EvaluationRead:
    """One action of the evaluation machine."""
    e = _visible(cmd.session, cmd.actor, cmd.aggregate_id, lock=True)
    take_action(cmd.session, MACHINE, e, cmd.actor, cmd.code, cmd.body, cmd.if_match)
    cmd.session.commit()
    return to_read(e, cmd.actor)
