"""Pydantic models in and out for disputes. Inputs forbid unknown fields and bound every string;
fields that a guard of DOMAIN.md §3.3 names are optional here and checked by the machine's guards."""

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from governance_api.core.history import HistoryEntry
from governance_api.core.schemas import Input, Target
from governance_api.core.validators import (
    Code,
    GuardText,
    IdNumber,
    LongText,
    MobilePhone,
    PastDay,
    PastTime,
    ShortText,
)
from governance_api.disputes.vocab import (
    AgreementForm,
    Channel,
    EscalationLevel,
    Outcome,
    PartyRole,
    RiskLevel,
    Route,
    Track,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
TermText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


# ---- intake -------------------------------------------------------------------------------------


class PartyIn(Input):
    """A party (当事人); phone and ID number are optional personal data."""

    name: Name
    role: PartyRole
    phone: MobilePhone | None = None
    id_number: IdNumber | None = None


class DisputeCreate(Input):
    """信息收集: a dispute reported by a grid worker, the community, the police, a resident or a feed."""

    community_id: uuid.UUID
    grid_id: uuid.UUID | None = None
    channel: Channel
    category: Code
    title: ShortText
    description: LongText
    parties: list[PartyIn] = Field(default_factory=list, max_length=20)
    external_id: ExternalId | None = None


class DisputeTarget(Target):
    """The units a create names, read first so scope (404) and role (403) answer before the body."""

    community_id: uuid.UUID
    grid_id: uuid.UUID | None = None


class CategoryCreate(Input):
    code: Code
    name: Name


# ---- screening (三查三问) -------------------------------------------------------------------------


class ScreeningFields(Input):
    """查背景/查诉求/查风险, 问本人/问邻居/问关联方, and the 研判 result. Saved progressively: fields
    left out keep their saved value; ``null`` clears one."""

    background: GuardText | None = None
    demands: GuardText | None = None
    risks: GuardText | None = None
    asked_party: GuardText | None = None
    asked_neighbors: GuardText | None = None
    asked_related_parties: GuardText | None = None
    risk_level: RiskLevel | None = None
    track: Track | None = None
    group_dispute: bool | None = None
    multi_department: bool | None = None


class ScreeningUpdate(ScreeningFields):
    pass


class CompleteScreeningBody(ScreeningFields):
    """The checklist's remaining answers (or none when the saved screening is complete)."""


# ---- action bodies ------------------------------------------------------------------------------


class TermIn(Input):
    description: TermText
    due_on: dt.date


class RecordAgreementBody(Input):
    """调解协议: ``oral`` needs ``content``; ``written`` (调解协议书) needs ``facts``, ``terms`` each
    with a due date, ``signed_by_parties: true`` and ``signed_on`` (the day it takes effect)."""

    form: AgreementForm
    content: GuardText | None = None
    facts: GuardText | None = None
    terms: list[TermIn] | None = Field(default=None, max_length=50)
    signed_by_parties: bool | None = None
    signed_on: PastDay | None = None


class ConfirmFulfillmentBody(Input):
    note: GuardText | None = None


class ReportBreachBody(Input):
    note: GuardText | None = None


class RequestEscalationBody(Input):
    """联动化解申请表."""

    summary: GuardText | None = None
    reason: GuardText | None = None
    requested_level: EscalationLevel | None = None


class ApproveEscalationBody(Input):
    """The level the 司法所 sends the dispute to; the application's requested level when left out."""

    level: EscalationLevel | None = None


class DenyEscalationBody(Input):
    reason: GuardText | None = None


class FormTaskForceBody(Input):
    lead_user_id: uuid.UUID | None = None
    department_ids: list[uuid.UUID] | None = Field(default=None, max_length=20)


class ReferBody(Input):
    route: Route | None = None
    reason: GuardText | None = None


class WithdrawBody(Input):
    reason: GuardText | None = None


# ---- sub-resources in ---------------------------------------------------------------------------


class SessionCreate(Input):
    """调解记录."""

    held_at: PastTime
    participants: list[Name] = Field(min_length=1, max_length=50)
    notes: LongText
    outcome: Outcome


class JudicialConfirmationCreate(Input):
    """司法确认申请: filed with ``court`` on ``applied_on`` (at most 30 days after ``signed_on``)."""

    court: ShortText
    applied_on: PastDay


class DisposalReportCreate(Input):
    """矛盾纠纷处置报告."""

    content: LongText


# ---- out ----------------------------------------------------------------------------------------


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


class DisputeBase(BaseModel):
    id: uuid.UUID
    state: str
    state_label: str
    version: int
    allowed_actions: list[str]
    allowed_activities: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    community_id: uuid.UUID
    grid_id: uuid.UUID | None
    org_unit_id: uuid.UUID
    channel: Channel
    category: str
    title: str
    level: str
    level_label: str
    level_entered_at: dt.datetime
    level_deadline: dt.datetime
    overdue: bool
    track: Track | None
    risk_level: RiskLevel | None
    group_dispute: bool
    multi_department: bool
    early_warning: bool
    tracking_code: str
    external_id: str | None
    referral_route: Route | None


class DisputeListItem(DisputeBase):
    parties: list[PartyBrief]


class DisputeRead(DisputeBase):
    description: str
    parties: list[PartyRead]
    personal_data_masked: bool
    task_force: TaskForceRead | None


class PublicDisputeStatus(BaseModel):
    """What the 解纷码 reveals without login: where the dispute stands, nothing else."""

    tracking_code: str
    state: str
    state_label: str
    level: str
    level_label: str


class CategoryRead(BaseModel):
    code: str
    name: str
    builtin: bool


class ScreeningRead(BaseModel):
    dispute_id: uuid.UUID
    version: int
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
    complete: bool
    missing: list[str]


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    level: str
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
    level: str
    form: AgreementForm
    content: str | None
    facts: str | None
    terms: list[TermRead]
    signed_by_parties: bool
    signed_on: dt.date | None
    effective_on: dt.date
    judicial_confirmation_deadline: dt.date | None
    status: str
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
    from_level: str
    summary: str
    reason: str
    requested_level: str
    applied_by_id: uuid.UUID
    applied_at: dt.datetime
    decision: str | None
    approved_level: str | None
    decided_by_id: uuid.UUID | None
    decided_at: dt.datetime | None
    decision_reason: str | None


class HistoryItem(HistoryEntry):
    level_before: str | None
    level_after: str | None


def as_dict(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")
