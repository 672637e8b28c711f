"""Read models of meetings for a given caller: labels and ``allowed_activities`` from the machine."""

from governance_api.core.actor import Actor
from governance_api.meetings.machine import MEETING_MACHINE as MACHINE
from governance_api.meetings.schemas import (
    GovernanceMeetingRead,
    MeetingAgendaItemRead,
    MeetingAttendeeRead,
    MeetingResolutionRead,
)
from governance_api.meetings.vocab import GovernanceMeetingKind
from governance_api.models.meetings import GovernanceMeeting


def to_read(m: GovernanceMeeting, actor: Actor) -> GovernanceMeetingRead:
    kind = GovernanceMeetingKind(m.kind)
    return GovernanceMeetingRead(
        **MACHINE.record_fields(m, actor),
        kind=kind,
        kind_label=kind.label,
        org_unit_id=m.org_unit_id,
        held_at=m.held_at,
        chair_user_id=m.chair_user_id,
        created_by_id=m.created_by_id,
        legal_adviser_present=m.legal_adviser_present,
        attendees=[MeetingAttendeeRead.model_validate(a) for a in m.attendees],
        agenda=[MeetingAgendaItemRead.model_validate(a) for a in m.agenda],
        minutes=m.minutes,
        resolutions=[MeetingResolutionRead.model_validate(r) for r in m.resolutions],
    )
