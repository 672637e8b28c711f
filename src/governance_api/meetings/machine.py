"""The meeting (会议) machine: one state, ``recorded``, since a meeting is held once and its record
does not move; what happens after is the 闭环 of its resolutions, the activity
``mark_resolution_done`` on one resolution addressed in the path."""

from governance_api.core.machine import Activity, Item, State, StateMachine, WriteContext
from governance_api.meetings import repository as repo
from governance_api.meetings.permissions import ALL_RECORDERS, MeetingRecorders
from governance_api.meetings.schemas import MeetingResolutionRead, ResolutionDoneBody
from governance_api.models.meetings import GovernanceMeeting, MeetingResolution

Ctx = WriteContext[GovernanceMeeting]


def _mark_done(ctx: Ctx) -> MeetingResolution:
    r: MeetingResolution = ctx.item
    r.done, r.done_note, r.done_by_id, r.done_at = True, ctx.body.note, ctx.actor.user_id, ctx.now
    return r


MEETING_MACHINE = StateMachine[GovernanceMeeting](
    name="meeting",
    label="会议",
    states=(State("recorded", "已记录"),),
    initial="recorded",
    create_roles=ALL_RECORDERS,
    actions=(),
    activities=(
        Activity(
            "mark_resolution_done",
            "决议事项闭环",
            ("recorded",),
            MeetingRecorders(),
            _mark_done,
            body=ResolutionDoneBody,
            result=MeetingResolutionRead,
            item=Item[GovernanceMeeting](
                "resolution",
                lambda session, m, resolution_id: repo.resolution(session, m.id, resolution_id),
                lambda session, m: m.resolutions,
                # Open while not done: done again is 409 (transition_not_allowed) and the first
                # note stands; allowed_activities offers it only while a resolution is still open.
                open=lambda m, r: not r.done,
            ),
        ),
    ),
)
