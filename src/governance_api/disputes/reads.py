"""Read models of disputes (what the API answers), built by ``views.py``."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from governance_api.core.history import HistoryEntry
from governance_api.core.schemas import ALLOWED_ACTIONS, ALLOWED_ACTIVITIES, RecordRead
from governance_api.core.vocab import Late
from governance_api.disputes.vocab import (
    AgreementForm,
    AgreementStatus,
    Channel,
    EscalationDecision,
    Level,
    Outcome,
    PartyRole,
    RiskLevel,
    Route,
    Track,
)

if TYPE_CHECKING:
    from governance_api.core.machine import StateMachine


class PartyRead(BaseModel):
    name: str
    role: PartyRole
    phone: str | None
    id_number: str | None


class PartyBrief(BaseModel):
    """A party in a list: never the ID number, the phone always masked."""

    name: str
    role: PartyRole
    phone: str | None


class TaskForceRead(BaseModel):
    lead_user_id: uuid.UUID
    department_ids: list[uuid.UUID]
    formed_at: dt.datetime


def _machine() -> "StateMachine[Any]":
    from governance_api.disputes.machine import DISPUTE_MACHINE  # the machine imports these schemas

    return DISPUTE_MACHINE


DisputeState = Annotated[str, Late("DisputeState", lambda: _machine().state_labels)]
DisputeAction = Annotated[str, Late("DisputeAction", lambda: _machine().action_labels)]
DisputeActivity = Annotated[str, Late("DisputeActivity", lambda: _machine().activity_labels)]
DisputeHistoryAction = Annotated[str, Late("DisputeHistoryAction", lambda: _machine().history_labels)]


class DisputeBase(RecordRead):
    state: DisputeState
    allowed_actions: list[DisputeAction] = Field(description=ALLOWED_ACTIONS)
    allowed_activities: list[DisputeActivity] = Field(description=ALLOWED_ACTIVITIES)
    community_id: uuid.UUID
    grid_id: uuid.UUID | None = Field(description="the 微网格 when reported for one")
    org_unit_id: uuid.UUID = Field(description="the unit the dispute belongs to (the grid, else the community)")
    channel: Channel
    category: str = Field(description="a code of GET /dispute-categories (extensible by the 司法所)")
    title: str
    level: Level = Field(description="where on the ladder it is handled now")
    level_label: str = Field(description="zh label of the level")
    level_entered_at: dt.datetime = Field(
        description="when it reached its current level (the time limit runs from here)"
    )
    level_deadline: dt.datetime = Field(description="the current level's time limit")
    overdue: bool = Field(description="not terminal and past the current level's time limit")
    track: Track | None = Field(description="set by screening")
    risk_level: RiskLevel | None = Field(description="set by screening")
    group_dispute: bool = Field(description="群体性 (from screening)")
    multi_department: bool = Field(description="涉及多个部门 (from screening)")
    early_warning: bool = Field(description="a high or critical risk was found (预警)")
    tracking_code: str = Field(description="解纷码: the reporter's code for GET /public/disputes/{tracking_code}")
    external_id: str | None = Field(description="the feed's own id (unique per channel)")
    referral_route: Route | None = Field(description="where it was referred (state referred)")
    patrol_finding_id: uuid.UUID | None = Field(
        description="the grid patrol finding (微网格巡查, 矛盾纠纷线索) it was reported from, "
        "GET /patrols/{id} lists it; null for any other intake"
    )


class DisputeListItem(DisputeBase):
    parties: list[PartyBrief]


class DisputeRead(DisputeBase):
    description: str
    parties: list[PartyRead] = Field(description="phone and ID numbers masked unless personal_data_masked is false")
    personal_data_masked: bool = Field(description="whether the caller sees masked personal data")
    task_force: TaskForceRead | None = Field(description="the 矛盾化解专班, once formed")


class PublicDisputeStatus(BaseModel):
    """What the 解纷码 reveals without login: where the dispute stands, nothing else."""

    tracking_code: str
    state: DisputeState
    state_label: str
    level: Level
    level_label: str


class CategoryRead(BaseModel):
    code: str
    name: str
    builtin: bool


class ScreeningRead(BaseModel):
    dispute_id: uuid.UUID
    version: int = Field(description="the dispute's version")
    background: str | None
    demands: str | None
    risks: str | None
    asked_party: str | None
    asked_neighbors: str | None
    asked_related_parties: str | None
    risk_level: RiskLevel | None
    track: Track | None
    group_dispute: bool
    multi_department: bool
    complete: bool = Field(description="every 三查三问 answer, a risk level and a track are given")
    missing: list[str] = Field(description="what complete_screening would still need")


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    level: Level = Field(description="the level it was held at")
    held_at: dt.datetime
    participants: list[str]
    notes: str
    outcome: Outcome
    recorded_by_id: uuid.UUID
    created_at: dt.datetime


class TermRead(BaseModel):
    description: str
    due_on: dt.date


class AgreementRead(BaseModel):
    id: uuid.UUID
    level: Level = Field(description="the level it was reached at")
    form: AgreementForm
    content: str | None
    facts: str | None
    terms: list[TermRead]
    signed_by_parties: bool
    signed_on: dt.date | None
    effective_on: dt.date = Field(
        description="the day it took effect: signed_on when written, else the day it was recorded (Asia/Shanghai)"
    )
    judicial_confirmation_deadline: dt.date | None = Field(
        description="the last day to apply for 司法确认 (30 days from effect; people's mediation, written only)"
    )
    status: AgreementStatus
    recorded_by_id: uuid.UUID
    created_at: dt.datetime


class JudicialConfirmationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agreement_id: uuid.UUID
    court: str
    applied_on: dt.date
    recorded_by_id: uuid.UUID
    created_at: dt.datetime


class DisposalReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    content: str
    recorded_by_id: uuid.UUID
    created_at: dt.datetime


class EscalationRead(BaseModel):
    """A 联动化解申请表 with the 司法所's review (``decision`` null while pending)."""

    id: uuid.UUID
    from_level: Level = Field(description="the level it was filed from")
    summary: str
    reason: str
    requested_level: Level
    applied_by_id: uuid.UUID
    applied_at: dt.datetime
    decision: EscalationDecision | None = Field(description="the 司法所's review; null while pending")
    approved_level: Level | None = Field(description="the level the 司法所 sent it to")
    decided_by_id: uuid.UUID | None
    decided_at: dt.datetime | None
    decision_reason: str | None


class HistoryItem(HistoryEntry):
    action: DisputeHistoryAction
    from_state: DisputeState | None
    to_state: DisputeState
    level_before: Level | None
    level_after: Level | None


def as_dict(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")
