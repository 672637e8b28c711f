"""Request bodies and read models of governance meetings (会议): the create body with its attendees,
agenda items and resolutions, the 闭环 of a resolution, and the reads."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from governance_api.core.history import HistoryEntry
from governance_api.core.schemas import ALLOWED_ACTIONS, ALLOWED_ACTIVITIES, Input, RecordRead, Target, example
from governance_api.core.validators import Day, LongText, PastTime, ShortText
from governance_api.core.vocab import Late
from governance_api.meetings.vocab import GovernanceMeetingKind

if TYPE_CHECKING:
    from governance_api.core.machine import StateMachine


def _machine() -> "StateMachine[Any]":
    from governance_api.meetings.machine import MEETING_MACHINE  # the machine imports these schemas

    return MEETING_MACHINE


MeetingState = Annotated[str, Late("MeetingState", lambda: _machine().state_labels)]
MeetingAction = Annotated[str, Late("MeetingAction", lambda: _machine().action_labels)]
MeetingActivity = Annotated[str, Late("MeetingActivity", lambda: _machine().activity_labels)]
MeetingHistoryAction = Annotated[str, Late("MeetingHistoryAction", lambda: _machine().history_labels)]


# --- bodies ----------------------------------------------------------------------------------


class MeetingTarget(Target):
    """The unit and kind of a create, read before the body is validated (scope and role first)."""

    org_unit_id: uuid.UUID
    kind: GovernanceMeetingKind


class MeetingAttendeeInput(Input):
    user_id: uuid.UUID | None = Field(default=None, description="the attendee's user, when they have one")
    name: ShortText
    capacity: ShortText = Field(description="in which capacity they attended (居委会主任, 业委会主任, 法律顾问, …)")


class MeetingAgendaItemInput(Input):
    subject: ShortText
    decision_id: uuid.UUID | None = Field(
        default=None, description="the decision discussed: one the recorder sees, under the meeting's unit"
    )
    dispute_id: uuid.UUID | None = Field(
        default=None, description="the dispute discussed: one the recorder sees, under the meeting's unit"
    )


class MeetingResolutionInput(Input):
    text: LongText
    responsible_unit_id: uuid.UUID | None = Field(default=None, description="the unit charged with it (分工)")
    due_on: Day | None = Field(default=None, description="due day (Shanghai)")


class GovernanceMeetingCreate(Input):
    model_config = example(
        kind="governance_meeting",
        org_unit_id="6f1c2d3e-0000-4000-8000-000000000001",
        held_at="2027-03-05T14:00:00+08:00",
        chair_user_id="6f1c2d3e-0000-4000-8000-000000000002",
        attendees=[{"name": "王主任", "capacity": "居委会主任"}, {"name": "李律师", "capacity": "法律顾问"}],
        legal_adviser_present=True,
        agenda=[{"subject": "3号楼加装电梯进展"}],
        minutes="会议分析了近期矛盾纠纷和风险隐患……",
        resolutions=[{"text": "居委会协调3号楼低层住户意见", "due_on": "2027-03-31"}],
    )

    kind: GovernanceMeetingKind
    org_unit_id: uuid.UUID = Field(description="the community holding it (the street for a 联席会商)")
    held_at: PastTime = Field(description="when it was held (not in the future)")
    chair_user_id: uuid.UUID = Field(description="who chaired it (主持人)")
    attendees: list[MeetingAttendeeInput] = Field(default_factory=list, max_length=200)
    legal_adviser_present: bool = Field(description="whether the community's legal adviser attended")
    agenda: list[MeetingAgendaItemInput] = Field(min_length=1, max_length=50)
    minutes: LongText = Field(description="会议纪要")
    resolutions: list[MeetingResolutionInput] = Field(default_factory=list, max_length=50)


class ResolutionDoneBody(Input):
    model_config = example(note="已召开协调会, 低层住户同意方案")

    note: LongText = Field(description="how it was carried out (闭环说明)")


# --- reads -----------------------------------------------------------------------------------


class MeetingAttendeeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: uuid.UUID | None
    name: str
    capacity: str


class MeetingAgendaItemRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    subject: str
    decision_id: uuid.UUID | None
    dispute_id: uuid.UUID | None


class MeetingResolutionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    text: str
    responsible_unit_id: uuid.UUID | None
    due_on: dt.date | None
    done: bool = Field(description="marked done (闭环)")
    done_note: str | None
    done_by_id: uuid.UUID | None
    done_at: dt.datetime | None
    meeting_version: int | None = Field(
        default=None, description="the meeting's version after this write (for the next If-Match); null in a meeting"
    )


class GovernanceMeetingRead(RecordRead):
    state: MeetingState
    allowed_actions: list[MeetingAction] = Field(description=ALLOWED_ACTIONS)
    allowed_activities: list[MeetingActivity] = Field(description=ALLOWED_ACTIVITIES)
    kind: GovernanceMeetingKind
    kind_label: str = Field(description="zh label of the kind")
    org_unit_id: uuid.UUID
    held_at: dt.datetime
    chair_user_id: uuid.UUID
    created_by_id: uuid.UUID | None
    legal_adviser_present: bool
    attendees: list[MeetingAttendeeRead]
    agenda: list[MeetingAgendaItemRead]
    minutes: str
    resolutions: list[MeetingResolutionRead]


class MeetingHistoryRead(HistoryEntry):
    action: MeetingHistoryAction
    from_state: MeetingState | None
    to_state: MeetingState
