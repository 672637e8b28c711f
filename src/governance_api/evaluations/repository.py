"""Every query of the annual evaluation, the scope in SQL. The year's figures are read here from the
disputes' and decisions' own tables and their history (read, never written)."""

import datetime as dt
import uuid
from collections import Counter
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.scope import within_roles
from governance_api.models.decisions import Decision
from governance_api.models.disputes import Dispute, MediationSession
from governance_api.models.evaluations import Evaluation
from governance_api.models.org import OrgUnit
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
