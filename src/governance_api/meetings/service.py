"""Use cases of governance meetings (会议). Each write is one transaction committed once at the end:
a create checks the unit's scope and the recorder's role before the body (API.md's order), then the
names the body gives (chair, attendees, linked records, responsible units); the 闭环 of a resolution
goes through the machine's one admission path (``core.transitions``)."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.action_routes import Command
from governance_api.core.actor import Actor
from governance_api.core.history import history_of
from governance_api.core.pagination import Page, PageParams, paginate
from governance_api.core.schemas import parse, peek
from governance_api.core.scope import street_path
from governance_api.core.transitions import do_activity, record_creation
from governance_api.meetings import repository as repo
from governance_api.meetings.machine import MEETING_MACHINE as MACHINE
from governance_api.meetings.permissions import recorders_at
from governance_api.meetings.schemas import (
    GovernanceMeetingCreate,
    GovernanceMeetingRead,
    MeetingHistoryRead,
    MeetingResolutionRead,
    MeetingTarget,
)
from governance_api.meetings.views import to_read
from governance_api.meetings.vocab import HELD_BY
from governance_api.models.meetings import GovernanceMeeting, MeetingAgendaItem, MeetingAttendee, MeetingResolution
from governance_api.models.org import OrgUnit


def _visible(session: Session, actor: Actor, meeting_id: uuid.UUID, *, lock: bool = False) -> GovernanceMeeting:
    m = repo.get_meeting(session, actor, meeting_id, lock=lock)
    if m is None:
        raise errors.NotFound("no such meeting")
    return m


def get_meeting(session: Session, actor: Actor, meeting_id: uuid.UUID) -> GovernanceMeetingRead:
    return to_read(_visible(session, actor, meeting_id), actor)


def list_meetings(
    session: Session,
    actor: Actor,
    page: PageParams,
    *,
    kind: str | None = None,
    org_unit_id: uuid.UUID | None = None,
    decision_id: uuid.UUID | None = None,
    dispute_id: uuid.UUID | None = None,
    held_from: dt.datetime | None = None,
    held_to: dt.datetime | None = None,
) -> Page[GovernanceMeetingRead]:
    unit = None
    if org_unit_id is not None:
        # An unknown unit matches nothing (like the other lists), not every meeting.
        unit = repo.unit(session, org_unit_id) or OrgUnit(path="/nothing/")
    stmt = repo.meetings_query(
        actor,
        kind=kind,
        unit=unit,
        decision_id=decision_id,
        dispute_id=dispute_id,
        held_from=held_from,
        held_to=held_to,
    )
    rows, cursor = paginate(session, stmt, GovernanceMeeting.created_at, GovernanceMeeting.id, page)
    return Page(items=[to_read(m, actor) for m in rows], next_cursor=cursor)


def history(session: Session, actor: Actor, meeting_id: uuid.UUID) -> Page[MeetingHistoryRead]:
    m = _visible(session, actor, meeting_id)
    return Page.whole([MeetingHistoryRead.of(r) for r in history_of(session, MACHINE.name, m.id)])


def list_resolutions(session: Session, actor: Actor, meeting_id: uuid.UUID) -> Page[MeetingResolutionRead]:
    m = _visible(session, actor, meeting_id)
    return Page.whole([MeetingResolutionRead.model_validate(r) for r in m.resolutions])


def _unit_in_scope(session: Session, actor: Actor, unit_id: uuid.UUID) -> OrgUnit:
    unit = repo.unit(session, unit_id)
    if unit is None or not actor.reaches(unit.path):
        raise errors.NotFound("no such org unit")
    return unit


def create_meeting(session: Session, actor: Actor, raw: Any) -> GovernanceMeetingRead:
    """Record a meeting held (会议记录). Scope is the unit (404 outside it); the role is decided by the
    unit: a community's secretary or staff, the street's 司法所, political-legal secretary or leader
    in charge (403). The kind must fit the unit (422)."""
    target = peek(MeetingTarget, raw)
    if target is not None:
        unit = _unit_in_scope(session, actor, target.org_unit_id)
        if not actor.holds_any(recorders_at(unit.kind), unit.path):
            raise errors.Forbidden("your roles may not record this unit's meetings")
    data = parse(GovernanceMeetingCreate, raw)
    unit = _unit_in_scope(session, actor, data.org_unit_id)
    if not actor.holds_any(recorders_at(unit.kind), unit.path):
        raise errors.Forbidden("your roles may not record this unit's meetings")
    held_by = HELD_BY[data.kind]
    if unit.kind != held_by:
        raise errors.ValidationFailed.one("body.org_unit_id", f"a {data.kind.label} is held by a {held_by.label}")
    _check_names(session, actor, data, unit)
    m = GovernanceMeeting(
        id=uuid.uuid4(),
        org_unit_id=unit.id,
        scope_path=unit.path,
        created_by_id=actor.user_id,
        kind=data.kind.value,
        held_at=data.held_at,
        chair_user_id=data.chair_user_id,
        legal_adviser_present=data.legal_adviser_present,
        minutes=data.minutes,
        attendees=[
            MeetingAttendee(seq=i, user_id=a.user_id, name=a.name, capacity=a.capacity)
            for i, a in enumerate(data.attendees)
        ],
        agenda=[
            MeetingAgendaItem(seq=i, subject=a.subject, decision_id=a.decision_id, dispute_id=a.dispute_id)
            for i, a in enumerate(data.agenda)
        ],
        resolutions=[
            MeetingResolution(
                seq=i, text=r.text, responsible_unit_id=r.responsible_unit_id, due_on=r.due_on, done=False
            )
            for i, r in enumerate(data.resolutions)
        ],
    )
    record_creation(session, MACHINE, m, actor)
    session.commit()
    return to_read(m, actor)


def _check_names(session: Session, actor: Actor, data: GovernanceMeetingCreate, unit: OrgUnit) -> None:
    """Every record the body names exists and may be named, else 404 (API.md: naming what the caller
    may not see is 404, as an unknown id). Linked decisions and disputes: ones the recorder sees,
    under the meeting's unit (a community's meeting discusses its own matters; a street's, any of the
    street's). Responsible units: units of the meeting's street (a department, a community, …)."""
    people = {data.chair_user_id} | {a.user_id for a in data.attendees if a.user_id is not None}
    if missing := people - repo.active_users(session, list(people)):
        raise errors.NotFound(f"no such user: {', '.join(sorted(map(str, missing)))}")
    decisions = {a.decision_id for a in data.agenda if a.decision_id is not None}
    if missing := decisions - repo.linkable_decisions(session, actor, list(decisions), unit.path):
        raise errors.NotFound(f"no such decision: {', '.join(sorted(map(str, missing)))}")
    disputes = {a.dispute_id for a in data.agenda if a.dispute_id is not None}
    if missing := disputes - repo.linkable_disputes(session, actor, list(disputes), unit.path):
        raise errors.NotFound(f"no such dispute: {', '.join(sorted(map(str, missing)))}")
    units = {r.responsible_unit_id for r in data.resolutions if r.responsible_unit_id is not None}
    if missing := units - repo.units_under(session, list(units), street_path(unit.path)):
        raise errors.NotFound(f"no such org unit: {', '.join(sorted(map(str, missing)))}")


def record(cmd: Command) -> MeetingResolutionRead:
    """One activity of the meeting machine: a resolution marked done (闭环). Its read carries the
    meeting's new version (``meeting_version``) for the next If-Match."""
    m = _visible(cmd.session, cmd.actor, cmd.aggregate_id, lock=True)
    _, written = do_activity(cmd.session, MACHINE, m, cmd.actor, cmd.code, cmd.body, cmd.if_match, cmd.item_id)
    read = MeetingResolutionRead.model_validate(written)
    read.meeting_version = m.version
    cmd.session.commit()
    return read
