"""Every query of the meetings package. Scope lives here: a meeting outside the caller's scope is
never loaded (404). The decisions and disputes an agenda links are looked up with those domains' own
visibility clauses, so a link can name only a record the recorder sees. Flushes, never commits."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, exists, select, true
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.scope import within_roles
from governance_api.decisions.repository import visible as decision_visible
from governance_api.disputes.visibility import visible as dispute_visible
from governance_api.models.decisions import Decision
from governance_api.models.disputes import Dispute
from governance_api.models.meetings import GovernanceMeeting, MeetingAgendaItem, MeetingResolution
from governance_api.models.org import OrgUnit, User
from governance_api.roles import STAFF_ROLES


def visible(actor: Actor) -> ColumnElement[bool]:
    if actor.is_admin:
        return true()
    return within_roles(actor, GovernanceMeeting.scope_path, STAFF_ROLES)


def get_meeting(
    session: Session, actor: Actor, meeting_id: uuid.UUID, *, lock: bool = False
) -> GovernanceMeeting | None:
    stmt = select(GovernanceMeeting).where(GovernanceMeeting.id == meeting_id, visible(actor))
    if lock:
        stmt = stmt.with_for_update(of=GovernanceMeeting)
    # The three collections load by ``selectin`` (one IN query each), not joined: joining all three
    # would multiply their rows (attendees × agenda × resolutions, up to 500,000 for one meeting).
    return session.scalar(stmt)


def meetings_query(
    actor: Actor,
    *,
    kind: str | None,
    unit: OrgUnit | None,
    decision_id: uuid.UUID | None,
    dispute_id: uuid.UUID | None,
    held_from: dt.datetime | None,
    held_to: dt.datetime | None,
) -> Select[GovernanceMeeting]:
    stmt = select(GovernanceMeeting).where(visible(actor))
    if kind:
        stmt = stmt.where(GovernanceMeeting.kind == kind)
    if unit is not None:
        stmt = stmt.where(GovernanceMeeting.scope_path.startswith(unit.path, autoescape=True))
    if decision_id is not None:
        stmt = stmt.where(
            exists().where(
                MeetingAgendaItem.meeting_id == GovernanceMeeting.id, MeetingAgendaItem.decision_id == decision_id
            )
        )
    if dispute_id is not None:
        stmt = stmt.where(
            exists().where(
                MeetingAgendaItem.meeting_id == GovernanceMeeting.id, MeetingAgendaItem.dispute_id == dispute_id
            )
        )
    if held_from:
        stmt = stmt.where(GovernanceMeeting.held_at >= held_from)
    if held_to:
        stmt = stmt.where(GovernanceMeeting.held_at < held_to)
    return stmt


def unit(session: Session, unit_id: uuid.UUID) -> OrgUnit | None:
    return session.get(OrgUnit, unit_id)


def units_under(session: Session, ids: Sequence[uuid.UUID], root_path: str) -> set[uuid.UUID]:
    """Which of ``ids`` are units under ``root_path``."""
    if not ids:
        return set()
    stmt = select(OrgUnit.id).where(OrgUnit.id.in_(ids), OrgUnit.path.startswith(root_path, autoescape=True))
    return set(session.scalars(stmt))


def active_users(session: Session, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    if not ids:
        return set()
    return set(session.scalars(select(User.id).where(User.id.in_(ids), User.active)))


def linkable_decisions(session: Session, actor: Actor, ids: Sequence[uuid.UUID], under: str) -> set[uuid.UUID]:
    """Which of ``ids`` are decisions the caller sees, under the meeting's unit ``under``."""
    if not ids:
        return set()
    stmt = select(Decision.id).where(
        Decision.id.in_(ids), decision_visible(actor), Decision.scope_path.startswith(under, autoescape=True)
    )
    return set(session.scalars(stmt))


def linkable_disputes(session: Session, actor: Actor, ids: Sequence[uuid.UUID], under: str) -> set[uuid.UUID]:
    """Which of ``ids`` are disputes the caller sees, under the meeting's unit ``under``."""
    if not ids:
        return set()
    stmt = select(Dispute.id).where(
        Dispute.id.in_(ids), dispute_visible(actor), Dispute.scope_path.startswith(under, autoescape=True)
    )
    return set(session.scalars(stmt))


def resolution(session: Session, meeting_id: uuid.UUID, resolution_id: uuid.UUID) -> MeetingResolution | None:
    return session.scalar(
        select(MeetingResolution).where(
            MeetingResolution.id == resolution_id, MeetingResolution.meeting_id == meeting_id
        )
    )
