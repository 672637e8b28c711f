"""Every query on grid patrols. Visibility (DOMAIN.md §1, §4) is a SQL clause: the staff roles over
the patrol's grid see it, nobody else does (a patrol is not reported by a resident, and no one sees
it for having written it once the grant is gone)."""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, select, true
from sqlalchemy.orm import Session, joinedload, raiseload

from governance_api.core.actor import Actor
from governance_api.core.scope import within_roles
from governance_api.models.org import OrgUnit
from governance_api.models.patrols import Patrol, PatrolFinding
from governance_api.patrols.vocab import FindingKind
from governance_api.roles import STAFF_ROLES


def visible(actor: Actor) -> ColumnElement[bool]:
    return true() if actor.is_admin else within_roles(actor, Patrol.scope_path, STAFF_ROLES)


def get_unit(session: Session, unit_id: uuid.UUID) -> OrgUnit | None:
    return session.get(OrgUnit, unit_id)


def get_visible(session: Session, actor: Actor, patrol_id: uuid.UUID, *, lock: bool = False) -> Patrol | None:
    """One patrol with its findings: in one query for a read; for a write, the patrol locked first
    and its findings read by a second statement once the lock is held. (On PostgreSQL a joined row
    of ``FOR UPDATE OF patrols`` comes from the snapshot taken before the wait: a concurrent report
    would still look open.)"""
    stmt = select(Patrol).where(Patrol.id == patrol_id, visible(actor))
    if lock:
        return session.execute(stmt.with_for_update(of=Patrol)).scalar_one_or_none()  # findings: selectin
    return session.execute(stmt.options(joinedload(Patrol.findings))).unique().scalar_one_or_none()


def finding(session: Session, patrol: Patrol, finding_id: uuid.UUID) -> PatrolFinding | None:
    """A finding of ``patrol`` (already loaded with it)."""
    return next((f for f in patrol.findings if f.id == finding_id), None)


def findings(session: Session, patrol: Patrol) -> Sequence[PatrolFinding]:
    return patrol.findings


@dataclass(frozen=True)
class PatrolFilters:
    grid_id: uuid.UUID | None = None
    community_id: uuid.UUID | None = None
    org_unit_path: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    nil_report: bool | None = None


def list_query(actor: Actor, f: PatrolFilters) -> Select[Any]:
    stmt = select(Patrol).where(visible(actor))
    if f.grid_id is not None:
        stmt = stmt.where(Patrol.grid_id == f.grid_id)
    if f.community_id is not None:
        stmt = stmt.where(Patrol.community_id == f.community_id)
    if f.org_unit_path is not None:
        stmt = stmt.where(Patrol.scope_path.startswith(f.org_unit_path, autoescape=True))
    if f.date_from is not None:
        stmt = stmt.where(Patrol.patrol_date >= f.date_from)
    if f.date_to is not None:
        stmt = stmt.where(Patrol.patrol_date <= f.date_to)
    if f.nil_report is not None:
        stmt = stmt.where(Patrol.nil_report == f.nil_report)
    # A row shows counts, not the findings (``finding_counts``, one query per page).
    return stmt.options(raiseload(Patrol.findings))


@dataclass(frozen=True)
class Counts:
    """A list row's findings: how many, how many became disputes, how many clues are still open."""

    findings: int = 0
    reported: int = 0
    open_clues: int = 0


def finding_counts(session: Session, patrol_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Counts]:
    """The ``Counts`` of each patrol of a page, in one query."""
    if not patrol_ids:
        return {}
    open_clue = and_(PatrolFinding.kind == FindingKind.dispute_clue.value, PatrolFinding.dispute_id.is_(None))
    stmt = (
        select(
            PatrolFinding.patrol_id,
            func.count(),
            func.count(PatrolFinding.dispute_id),
            func.sum(case((open_clue, 1), else_=0)),
        )
        .where(PatrolFinding.patrol_id.in_(patrol_ids))
        .group_by(PatrolFinding.patrol_id)
    )
    return {pid: Counts(int(n), int(r), int(o or 0)) for pid, n, r, o in session.execute(stmt)}


def add(session: Session, patrol: Patrol) -> None:
    session.add(patrol)
