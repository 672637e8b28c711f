"""Use cases of grid patrols (微网格巡查): log a patrol, read and list them, and the machine's
activity (a 矛盾纠纷线索 turned into a dispute). One transaction per call; writes commit once."""

import dataclasses
import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.action_routes import Command
from governance_api.core.actor import Actor
from governance_api.core.history import history_of
from governance_api.core.pagination import Page, PageParams, paginate
from governance_api.core.schemas import parse, peek
from governance_api.core.transitions import do_activity, record_creation
from governance_api.core.validators import SHANGHAI
from governance_api.models.base import utcnow
from governance_api.models.patrols import Patrol, PatrolFinding
from governance_api.patrols import repository as repo
from governance_api.patrols import views
from governance_api.patrols.machine import CREATE_ROLES, PATROL_MACHINE
from governance_api.patrols.schemas import (
    FindingRead,
    PatrolCreate,
    PatrolHistoryItem,
    PatrolListItem,
    PatrolRead,
    PatrolTarget,
)
from governance_api.roles import OrgKind


def _load(session: Session, actor: Actor, patrol_id: uuid.UUID, *, lock: bool = False) -> Patrol:
    patrol = repo.get_visible(session, actor, patrol_id, lock=lock)
    if patrol is None:
        raise errors.NotFound("no such patrol")
    return patrol


def _consistent(body: PatrolCreate) -> None:
    """The rules between fields (422, each naming its field): times in order and on the patrol's
    day, and either a nil report (无异常) or findings, never both, never neither."""
    problems: list[errors.FieldError] = []
    if body.ended_at < body.started_at:
        problems.append(errors.FieldError("body.ended_at", "must not be before started_at"))
    if body.started_at.astimezone(SHANGHAI).date() != body.patrol_date:
        problems.append(errors.FieldError("body.started_at", "must fall on patrol_date (Asia/Shanghai)"))
    if body.nil_report and body.findings:
        problems.append(errors.FieldError("body.findings", "a nil report (无异常报告) has no findings"))
    if not body.nil_report and not body.findings:
        problems.append(errors.FieldError("body.findings", "give at least one finding, or nil_report true"))
    if problems:
        raise errors.ValidationFailed(problems)


def create_patrol(session: Session, actor: Actor, raw: Any) -> PatrolRead:
    """巡查记录: scope of the grid (404), the grid worker's role (403), then the body (422)."""
    target = peek(PatrolTarget, raw)
    if target is None:
        parse(PatrolCreate, raw)  # answers 422 with every field error
        raise errors.ValidationFailed.one("body.grid_id", "not a valid id")
    grid = repo.get_unit(session, target.grid_id)
    if grid is None or not actor.reaches(grid.path):
        raise errors.NotFound("no such grid in your scope")
    if not actor.holds_any(CREATE_ROLES, grid.path):
        raise errors.Forbidden("only the grid's grid worker logs its patrols")
    if grid.kind != OrgKind.grid or grid.parent_id is None:
        raise errors.ValidationFailed.one("body.grid_id", "not a grid (微网格)")
    body = parse(PatrolCreate, raw)
    _consistent(body)
    patrol = Patrol(
        id=uuid.uuid4(),
        grid_id=grid.id,
        community_id=grid.parent_id,
        org_unit_id=grid.id,
        scope_path=grid.path,
        created_by_id=actor.user_id,
        patrol_date=body.patrol_date,
        started_at=body.started_at,
        ended_at=body.ended_at,
        nil_report=body.nil_report,
        created_at=utcnow(),
        findings=[
            PatrolFinding(id=uuid.uuid4(), seq=i, kind=f.kind.value, description=f.description)
            for i, f in enumerate(body.findings)
        ],
    )
    record_creation(session, PATROL_MACHINE, patrol, actor)
    read = views.patrol_read(patrol, actor)
    session.commit()
    return read


def get_patrol(session: Session, actor: Actor, patrol_id: uuid.UUID) -> PatrolRead:
    return views.patrol_read(_load(session, actor, patrol_id), actor)


def findings(session: Session, actor: Actor, patrol_id: uuid.UUID) -> Page[FindingRead]:
    patrol = _load(session, actor, patrol_id)
    return Page.whole([FindingRead.model_validate(f) for f in patrol.findings])


def history(session: Session, actor: Actor, patrol_id: uuid.UUID) -> Page[PatrolHistoryItem]:
    patrol = _load(session, actor, patrol_id)
    return Page.whole([views.history_item(r) for r in history_of(session, PATROL_MACHINE.name, patrol.id)])


def list_patrols(
    session: Session,
    actor: Actor,
    filters: repo.PatrolFilters,
    org_unit_id: uuid.UUID | None,
    params: PageParams,
) -> Page[PatrolListItem]:
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise errors.ValidationFailed.one("query.patrol_date_to", "must not be before patrol_date_from")
    if org_unit_id is not None:
        unit = repo.get_unit(session, org_unit_id)
        if unit is None:
            return Page(items=[], next_cursor=None)
        narrowed = _unit_filter(unit.kind, unit.id, unit.path)
        if filters.grid_id is not None and narrowed.get("grid_id", filters.grid_id) != filters.grid_id:
            return Page(items=[], next_cursor=None)  # two different grids: no patrol is in both
        filters = dataclasses.replace(filters, **narrowed)
    rows, cursor = paginate(session, repo.list_query(actor, filters), Patrol.created_at, Patrol.id, params)
    counts = repo.finding_counts(session, [p.id for p in rows])
    return Page(items=[views.list_item(p, actor, counts.get(p.id, repo.Counts())) for p in rows], next_cursor=cursor)


def _unit_filter(kind: str, unit_id: uuid.UUID, path: str) -> dict[str, Any]:
    """Patrols under a unit: a community's by its id, a grid's by its own, any other unit's (a street,
    an area) by its subtree path — the narrowest equal column first (an index in list order)."""
    if kind == OrgKind.community:
        return {"community_id": unit_id}
    if kind == OrgKind.grid:
        return {"grid_id": unit_id}
    return {"org_unit_path": path}


def record(cmd: Command) -> BaseModel:
    """The machine's activity: a 矛盾纠纷线索 turned into a dispute, both written in this transaction."""
    patrol = _load(cmd.session, cmd.actor, cmd.aggregate_id, lock=True)
    _, written = do_activity(
        cmd.session, PATROL_MACHINE, patrol, cmd.actor, cmd.code, cmd.body, cmd.if_match, cmd.item_id
    )
    activity = PATROL_MACHINE.activity(cmd.code)
    assert activity is not None and activity.result is not None  # do_activity answered 404 otherwise
    read = activity.result.model_validate(written)
    cmd.session.commit()
    return read
