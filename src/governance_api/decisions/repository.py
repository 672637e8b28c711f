"""Every query of the decisions package. Scope lives here: a decision outside the caller's scope is
never loaded (404). Flushes, never commits."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.scope import under_any
from governance_api.core.validators import SHANGHAI
from governance_api.models.decisions import (
    Ballot,
    CatalogEntry,
    CatalogVersion,
    Decision,
    DecisionNote,
    Filing,
    LegalOpinion,
    Meeting,
    ResidentsMeetingRule,
    ReviewCondition,
)
from governance_api.models.org import OrgUnit
from governance_api.roles import Role

# Roles that see a community's decisions by scope (a role on a unit covers its subtree). Residents
# and integration clients see none (DOMAIN.md §1); department officers see those filed to them.
SCOPE_ROLES = tuple(r for r in Role if r not in (Role.admin, Role.resident, Role.integration_client))
FILING_ROLES = (Role.leader_in_charge, Role.liaison_leader, Role.department_officer, Role.rule_of_law_leader)


def visible(actor: Actor) -> ColumnElement[bool]:
    """The scope clause: by role over the community, or as the target of one of its filings."""
    if actor.is_admin:
        return true()
    by_filing = [
        and_(Filing.target_role == role.value, under_any(Filing.target_path, actor.paths([role])))
        for role in FILING_ROLES
        if actor.paths([role])
    ]
    clauses = [under_any(Decision.scope_path, actor.paths(SCOPE_ROLES))]
    if by_filing:
        clauses.append(exists().where(Filing.decision_id == Decision.id, or_(*by_filing)))
    return or_(*clauses)


def get_decision(session: Session, actor: Actor, decision_id: uuid.UUID, *, lock: bool = False) -> Decision | None:
    stmt = select(Decision).where(Decision.id == decision_id, visible(actor))
    if lock:
        stmt = stmt.with_for_update(of=Decision)
    return session.scalar(stmt)


def decisions_query(
    actor: Actor,
    *,
    state: str | None,
    catalog_code: str | None,
    under_path: str | None,
    created_from: dt.datetime | None,
    created_to: dt.datetime | None,
    q: str | None,
    typical_case: bool | None,
) -> Select[Decision]:
    stmt = select(Decision).where(visible(actor))
    if state:
        stmt = stmt.where(Decision.state == state)
    if catalog_code:
        stmt = stmt.where(Decision.catalog_code == catalog_code)
    if under_path:
        stmt = stmt.where(Decision.scope_path.startswith(under_path, autoescape=True))
    if created_from:
        stmt = stmt.where(Decision.created_at >= created_from)
    if created_to:
        stmt = stmt.where(Decision.created_at < created_to)
    if q:
        text = q.lower()
        stmt = stmt.where(
            or_(
                func.lower(Decision.title).contains(text, autoescape=True),
                func.lower(Decision.description).contains(text, autoescape=True),
            )
        )
    if typical_case is not None:
        stmt = stmt.where(Decision.typical_case.is_(typical_case))
    return stmt


# --- catalog ---------------------------------------------------------------------------------


def catalog_entry(session: Session, code: str, *, lock: bool = False) -> CatalogEntry | None:
    stmt = select(CatalogEntry).where(CatalogEntry.code == code)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def catalog_query(active: bool | None) -> Select[CatalogEntry]:
    stmt = select(CatalogEntry)
    if active is not None:
        stmt = stmt.where(CatalogEntry.active.is_(active))
    return stmt


def catalog_snapshot(session: Session, code: str, version: int) -> CatalogVersion:
    snap = session.scalar(select(CatalogVersion).where(CatalogVersion.code == code, CatalogVersion.version == version))
    assert snap is not None, f"catalog {code}@{version} has no snapshot"
    return snap


def catalog_versions(session: Session, code: str) -> list[CatalogVersion]:
    stmt = select(CatalogVersion).where(CatalogVersion.code == code).order_by(CatalogVersion.version)
    return list(session.scalars(stmt))


# --- sub-records -----------------------------------------------------------------------------


def ballots(session: Session, decision: Decision, *, current_only: bool = True) -> list[Ballot]:
    stmt = select(Ballot).where(Ballot.decision_id == decision.id)
    if current_only:
        stmt = stmt.where(Ballot.round == decision.consultation_round)
    return list(session.scalars(stmt.order_by(Ballot.created_at, Ballot.unit_ref)))


def ballot_for_unit(session: Session, decision: Decision, unit_ref: str) -> Ballot | None:
    return session.scalar(
        select(Ballot).where(
            Ballot.decision_id == decision.id, Ballot.round == decision.consultation_round, Ballot.unit_ref == unit_ref
        )
    )


def meetings(session: Session, decision: Decision, *, current_only: bool = True) -> list[Meeting]:
    stmt = select(Meeting).where(Meeting.decision_id == decision.id)
    if current_only:
        stmt = stmt.where(Meeting.round == decision.consultation_round)
    return list(session.scalars(stmt.order_by(Meeting.held_at, Meeting.created_at)))


def filings(session: Session, decision_id: uuid.UUID) -> list[Filing]:
    stmt = select(Filing).where(Filing.decision_id == decision_id).order_by(Filing.round, Filing.created_at)
    return list(session.scalars(stmt))


def current_filings(session: Session, decision: Decision) -> list[Filing]:
    stmt = select(Filing).where(
        Filing.decision_id == decision.id, Filing.round == decision.filing_round, Filing.stage == "decision"
    )
    return list(session.scalars(stmt))


def filing(session: Session, decision_id: uuid.UUID, filing_id: uuid.UUID) -> Filing | None:
    return session.scalar(select(Filing).where(Filing.id == filing_id, Filing.decision_id == decision_id))


def opinions(session: Session, decision_id: uuid.UUID, round_: int | None = None) -> list[LegalOpinion]:
    stmt = select(LegalOpinion).where(LegalOpinion.decision_id == decision_id)
    if round_ is not None:
        stmt = stmt.where(LegalOpinion.round == round_)
    return list(session.scalars(stmt.order_by(LegalOpinion.created_at)))


def conditions(session: Session, decision_id: uuid.UUID) -> list[ReviewCondition]:
    return conditions_of(session, [decision_id]).get(decision_id, [])


def conditions_of(session: Session, decision_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[ReviewCondition]]:
    """The review conditions of several decisions in one query (a list page's), each in order."""
    if not decision_ids:
        return {}
    stmt = select(ReviewCondition).where(ReviewCondition.decision_id.in_(decision_ids))
    found: dict[uuid.UUID, list[ReviewCondition]] = {}
    for c in session.scalars(stmt.order_by(ReviewCondition.created_at, ReviewCondition.position)):
        found.setdefault(c.decision_id, []).append(c)
    return found


def condition(session: Session, decision_id: uuid.UUID, condition_id: uuid.UUID) -> ReviewCondition | None:
    return session.scalar(
        select(ReviewCondition).where(ReviewCondition.id == condition_id, ReviewCondition.decision_id == decision_id)
    )


def notes(session: Session, decision_id: uuid.UUID, kind: str) -> list[DecisionNote]:
    stmt = select(DecisionNote).where(DecisionNote.decision_id == decision_id, DecisionNote.kind == kind)
    return list(session.scalars(stmt.order_by(DecisionNote.created_at)))


def meeting_rule_on(session: Session, held_at: dt.datetime) -> ResidentsMeetingRule | None:
    """The residents-meeting rule in force on the Shanghai calendar day the meeting was held."""
    day = held_at.astimezone(SHANGHAI).date()
    stmt = (
        select(ResidentsMeetingRule)
        .where(ResidentsMeetingRule.effective_from <= day)
        .order_by(ResidentsMeetingRule.effective_from.desc())
        .limit(1)
    )
    return session.scalar(stmt)


# --- org units -------------------------------------------------------------------------------


def units(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, OrgUnit]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(OrgUnit).where(OrgUnit.id.in_(list(ids))))}


def unit(session: Session, unit_id: uuid.UUID) -> OrgUnit | None:
    return session.get(OrgUnit, unit_id)


def add(session: Session, *rows: object) -> None:
    session.add_all(rows)
    session.flush()
