"""Pydantic models in and out for disputes. Inputs forbid unknown fields and bound every string;
fields that a guard of DOMAIN.md §3.3 names are optional here and checked by the machine's guards."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from governance_api.core.history import HistoryEntry
from governance_api.core.schemas import ALLOWED_ACTIONS, ALLOWED_ACTIVITIES, Input, RecordRead, Target, example
from governance_api.core.validators import (
    Code,
    GuardText,
    IdNumber,
    LongText,
    MobilePhone,
    PastDay,
    PastTime,
    ShortText,
    says_something,
)
from governance_api.core.vocab import Late
from governance_api.disputes.vocab import (
    AgreementForm,
    AgreementStatus,
    Channel,
    EscalationDecision,
    EscalationLevel,
    Level,
    Outcome,
    PartyRole,
    RiskLevel,
    Route,
    Track,
)

if TYPE_CHECKING:
    from governance_api.core.machine import StateMachine

Name = Annotated[str, says_something(100)]
ExternalId = Annotated[str, says_something(100)]
TermText = Annotated[str, says_something(2000)]


# ---- intake -------------------------------------------------------------------------------------


class PartyIn(Input):
    """A party (当事人); phone and ID number are optional personal data."""

    name: Name
    role: PartyRole
    phone: MobilePhone | None = None
    id_number: IdNumber | None = None


class DisputeCreate(Input):
    """信息收集: a dispute reported by a grid worker, the community, the police, a resident or a feed."""

    model_config = example(
        community_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        channel="walk_in",
        category="neighbor",
        title="楼上装修噪音扰民",
        description="2号楼502室反映楼上夜间装修噪音",
        parties=[{"name": "张三", "role": "applicant", "phone": "13812345678"}, {"name": "李四", "role": "respondent"}],
    )

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
    model_config = example(code="pet_nuisance", name="宠物扰民")

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
    model_config = example(background="相邻两户, 楼上装修", demands="停止夜间施工", risk_level="low")

    pass


class CompleteScreeningBody(ScreeningFields):
    """The checklist's remaining answers (or none when the saved screening is complete)."""

    model_config = example(
        background="相邻两户, 楼上装修",
        demands="停止夜间施工",
        risks="情绪激动, 暂无激化风险",
        asked_party="已问本人",
        asked_neighbors="已问同楼层邻居",
        asked_related_parties="已问物业",
        risk_level="low",
        track="people_mediation",
    )


# ---- action bodies ------------------------------------------------------------------------------


class TermIn(Input):
    description: TermText
    due_on: dt.date


class RecordAgreementBody(Input):
    """调解协议: ``oral`` needs ``content``; ``written`` (调解协议书) needs ``facts``, ``terms`` each
    with a due date, ``signed_by_parties: true`` and ``signed_on`` (the day it takes effect)."""

    model_config = example(
        form="written",
        facts="楼上装修夜间施工影响休息",
        terms=[{"description": "晚上八点后停止施工", "due_on": "2026-12-01"}],
        signed_by_parties=True,
        signed_on="2026-11-20",
    )

    form: AgreementForm
    content: GuardText | None = None
    facts: GuardText | None = None
    terms: list[TermIn] | None = Field(default=None, max_length=50)
    signed_by_parties: bool | None = None
    signed_on: PastDay | None = None


class ConfirmFulfillmentBody(Input):
    model_config = example(note="回访确认已停止夜间施工")

    note: GuardText | None = None


class ReportBreachBody(Input):
    model_config = example(note="回访发现仍有夜间施工")

    note: GuardText | None = None


class RequestEscalationBody(Input):
    """联动化解申请表."""

    model_config = example(
        summary="漏水纠纷涉及维修资金", reason="居民区调解未果, 双方对立", requested_level="street_joint"
    )

    summary: GuardText | None = None
    reason: GuardText | None = None
    requested_level: EscalationLevel | None = None


class ApproveEscalationBody(Input):
    """The level the 司法所 sends the dispute to; the application's requested level when left out."""

    model_config = example(level="street_joint")

    level: EscalationLevel | None = None


class DenyEscalationBody(Input):
    model_config = example(reason="事实清楚、争议标的小, 由居民区继续调解")

    reason: GuardText | None = None


class FormTaskForceBody(Input):
    model_config = example(
        lead_user_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        department_ids=["3fa85f64-5717-4562-b3fc-2c963f66afa7", "3fa85f64-5717-4562-b3fc-2c963f66afa8"],
    )

    lead_user_id: uuid.UUID | None = None
    department_ids: list[uuid.UUID] | None = Field(default=None, max_length=20)


class ReferBody(Input):
    model_config = example(route="litigation", reason="涉及房屋质量鉴定, 引导诉讼解决")

    route: Route | None = None
    reason: GuardText | None = None


class WithdrawBody(Input):
    model_config = example(reason="当事人已自行和解")

    reason: GuardText | None = None


# ---- sub-resources in ---------------------------------------------------------------------------


class SessionCreate(Input):
    """调解记录."""

    model_config = example(
        held_at="2026-11-20T10:00:00Z",
        participants=["张三", "李四", "调解员王五"],
        notes="释明相邻关系规定, 双方同意调整施工时间",
        outcome="agreed",
    )

    held_at: PastTime
    participants: list[Name] = Field(min_length=1, max_length=50)
    notes: LongText
    outcome: Outcome


class JudicialConfirmationCreate(Input):
    """司法确认申请: filed with ``court`` on ``applied_on`` (at most 30 days after ``signed_on``)."""

    model_config = example(court="上海市浦东新区人民法院", applied_on="2026-11-25")

    court: ShortText
    applied_on: PastDay


class DisposalReportCreate(Input):
    """矛盾纠纷处置报告."""

    model_config = example(content="专班会商形成处置方案, 各部门分工落实, 已化解")

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
