"""Every query of the annual evaluation, the scope in SQL. The year's figures are read here from the
other records' own tables (disputes and decisions with their history, meetings, patrols): read,
never written."""

import datetime as dt
import uuid
from collections import Counter
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select, true
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.scope import within_roles
from governance_api.models.decisions import Decision
from governance_api.models.disputes import Dispute, MediationSession
from governance_api.models.evaluations import Evaluation
from governance_api.models.meetings import GovernanceMeeting, MeetingResolution
from governance_api.models.org import OrgUnit
from governance_api.models.patrols import Patrol, PatrolFinding
from governance_api.models.records import TransitionRecord
from governance_api.roles import STAFF_ROLES


def visible(actor: Actor) -> ColumnElement[bool]:
    """The staff over the community (DOMAIN §4: residents and the other outside roles see none)."""
    return true() if actor.is_admin else within_roles(actor, Evaluation.scope_path, STAFF_ROLES)


def get_visible(session: Session, actor: Actor, evaluation_id: uuid.UUID, *, lock: bool = False) -> Evaluation | None:
    stmt = select(Evaluation).where(Evaluation.id == evaluation_id, visible(actor))
    if lock:
        stmt = stmt.with_for_update(of=Evaluation)
    return session.scalar(stmt)


def of_year(session: Session, community_id: uuid.UUID, year: int) -> Evaluation | None:
    """The community's evaluation of ``year``, whoever may see it (uniqueness is not a matter of scope)."""
    return session.scalar(select(Evaluation).where(Evaluation.org_unit_id == community_id, Evaluation.year == year))


def list_query(actor: Actor, *, state: str | None, year: int | None, under_path: str | None) -> Select[Evaluation]:
    stmt = select(Evaluation).where(visible(actor))
    if state is not None:
        stmt = stmt.where(Evaluation.state == state)
    if year is not None:
        stmt = stmt.where(Evaluation.year == year)
    if under_path is not None:
        stmt = stmt.where(Evaluation.scope_path.startswith(under_path, autoescape=True))
    return stmt


def unit(session: Session, unit_id: uuid.UUID) -> OrgUnit | None:
    return session.get(OrgUnit, unit_id)


# ---- the year's figures (DOMAIN §5) ------------------------------------------------------------


def created_between(
    session: Session,
    model: type[Dispute] | type[Decision],
    community_id: uuid.UUID,
    start: dt.datetime,
    end: dt.datetime,
) -> Counter[str]:
    """Records of the community created in [start, end), by channel (disputes) or catalog entry."""
    key = Dispute.channel if model is Dispute else Decision.catalog_code
    unit_col = Dispute.community_id if model is Dispute else Decision.org_unit_id
    stmt = (
        select(key, func.count())
        .where(unit_col == community_id, model.created_at >= start, model.created_at < end)
        .group_by(key)
    )
    return Counter({str(k): int(n) for k, n in session.execute(stmt)})


def steps_between(
    session: Session, machine: str, community_id: uuid.UUID, start: dt.datetime, end: dt.datetime
) -> Counter[tuple[str, str | None, str]]:
    """(action, from_state, to_state) → how many times it was taken in [start, end) on the
    community's disputes or decisions (``machine``: the history's aggregate type)."""
    table: Any = Dispute if machine == "dispute" else Decision
    unit_col = Dispute.community_id if machine == "dispute" else Decision.org_unit_id
    stmt = (
        select(TransitionRecord.action, TransitionRecord.from_state, TransitionRecord.to_state, func.count())
        .join(table, table.id == TransitionRecord.aggregate_id)
        .where(
            TransitionRecord.aggregate_type == machine,
            unit_col == community_id,
            TransitionRecord.at >= start,
            TransitionRecord.at < end,
        )
        .group_by(TransitionRecord.action, TransitionRecord.from_state, TransitionRecord.to_state)
    )
    return Counter({(a, f, t): int(n) for a, f, t, n in session.execute(stmt)})


def sessions_between(session: Session, community_id: uuid.UUID, start: dt.datetime, end: dt.datetime) -> int:
    stmt = (
        select(func.count())
        .select_from(MediationSession)
        .join(Dispute, Dispute.id == MediationSession.dispute_id)
        .where(Dispute.community_id == community_id, MediationSession.held_at >= start, MediationSession.held_at < end)
    )
    return int(session.scalar(stmt) or 0)


def meetings_between(
    session: Session, community_id: uuid.UUID, start: dt.datetime, end: dt.datetime
) -> Counter[tuple[str, bool]]:
    """The community's own meetings held in [start, end), by (kind, legal adviser present)."""
    m = GovernanceMeeting
    stmt = (
        select(m.kind, m.legal_adviser_present, func.count())
        .where(m.org_unit_id == community_id, m.held_at >= start, m.held_at < end)
        .group_by(m.kind, m.legal_adviser_present)
    )
    return Counter({(str(k), bool(p)): int(n) for k, p, n in session.execute(stmt)})


def resolutions_between(
    session: Session, community_id: uuid.UUID, start: dt.datetime, end: dt.datetime, today: dt.date
) -> tuple[int, int, int]:
    """(recorded, done, open past their due day) among the resolutions of those meetings."""
    m, r = GovernanceMeeting, MeetingResolution
    past_due = case((and_(r.done.is_(False), r.due_on < today), 1), else_=0)
    stmt = (
        select(
            func.count(), func.coalesce(func.sum(case((r.done, 1), else_=0)), 0), func.coalesce(func.sum(past_due), 0)
        )
        .select_from(r)
        .join(m, m.id == r.meeting_id)
        .where(m.org_unit_id == community_id, m.held_at >= start, m.held_at < end)
    )
    recorded, done, overdue = session.execute(stmt).one()
    return int(recorded), int(done), int(overdue)


def grids_of(session: Session, community_id: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(OrgUnit).where(OrgUnit.parent_id == community_id, OrgUnit.kind == "grid")
    return int(session.scalar(stmt) or 0)


def patrolled_grid_days(session: Session, community_id: uuid.UUID, first: dt.date, last: dt.date) -> int:
    """Grid-days of the community in [first, last] with at least one patrol (DOMAIN §4.3)."""
    days = (
        select(Patrol.grid_id, Patrol.patrol_date)
        .where(Patrol.community_id == community_id, Patrol.patrol_date >= first, Patrol.patrol_date <= last)
        .distinct()
        .subquery()
    )
    return int(session.scalar(select(func.count()).select_from(days)) or 0)


def findings_between(
    session: Session, community_id: uuid.UUID, first: dt.date, last: dt.date
) -> Counter[tuple[str, bool]]:
    """Findings of the community's patrols in [first, last], by (kind, reported as a dispute)."""
    f = PatrolFinding
    reported = f.dispute_id.is_not(None)
    stmt = (
        select(f.kind, reported, func.count())
        .join(Patrol, Patrol.id == f.patrol_id)
        .where(Patrol.community_id == community_id, Patrol.patrol_date >= first, Patrol.patrol_date <= last)
        .group_by(f.kind, reported)
    )
    return Counter({(str(k), bool(r)): int(n) for k, r, n in session.execute(stmt)})


def approvals_between(session: Session, community_id: uuid.UUID, start: dt.datetime, end: dt.datetime) -> Counter[str]:
    """The community's decisions approved in [start, end), by conclusion (approved, or approved with
    conditions): a decision is approved once, and its conclusion is kept on it."""
    stmt = (
        select(Decision.review_conclusion, func.count())
        .join(TransitionRecord, TransitionRecord.aggregate_id == Decision.id)
        .where(
            TransitionRecord.aggregate_type == "decision",
            TransitionRecord.action == "approve",
            Decision.org_unit_id == community_id,
            TransitionRecord.at >= start,
            TransitionRecord.at < end,
        )
        .group_by(Decision.review_conclusion)
    )
    return Counter({str(c): int(n) for c, n in session.execute(stmt)})
