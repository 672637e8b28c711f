"""Pydantic in/out models of the decisions API. Inputs forbid unknown fields and bound every string;
fields a guard names (plan, scope, reason, summary, note, conditions …) are optional here and
checked by the machine's guards, so a missing one answers 409 ``guard_failed``."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from governance_api.core.history import HistoryEntry
from governance_api.core.schemas import ALLOWED_ACTIONS, ALLOWED_ACTIVITIES, Input, RecordRead, Target, Unset, example
from governance_api.core.validators import GuardText, LongText, PastTime, ShortText, decimal_text, says_something
from governance_api.core.vocab import Late
from governance_api.decisions.vocab import (
    BallotChoice,
    Category,
    ConsensusRule,
    FilingAnswer,
    FilingStage,
    MeetingKind,
    NoteKind,
    OpinionConclusion,
    ReviewConclusion,
)
from governance_api.roles import Role

if TYPE_CHECKING:
    from governance_api.core.machine import StateMachine

CatalogCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_]*$")
]
Money = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2), decimal_text(14, "50000.00")]
Area = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2), decimal_text(12, "86.35")]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
PositiveCount = Annotated[int, Field(gt=0, le=10_000_000)]
Ref = Annotated[str, says_something(100)]
Text = GuardText


# --- catalog ---------------------------------------------------------------------------------


class CatalogEntryCreate(Input):
    model_config = example(
        code="parking_spaces",
        name="小区停车位规划调整",
        category="public_space",
        consensus_rule="owners_ordinary",
        amount_threshold="50000.00",
        departments=[],
        active=True,
    )

    code: CatalogCode
    name: ShortText
    category: Category
    consensus_rule: ConsensusRule
    amount_threshold: Money | None = None
    departments: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    active: bool = True


class CatalogEntryUpdate(Input):
    """Only the fields sent change. ``departments`` replaces the departments under the caller's
    street(s) and keeps those of other streets; ``amount_threshold: null`` removes the threshold."""

    model_config = example(name="小区停车位规划调整", active=False)

    name: ShortText | Unset = None
    category: Category | Unset = None
    consensus_rule: ConsensusRule | Unset = None
    amount_threshold: Money | None = None
    departments: Annotated[list[uuid.UUID], Field(max_length=50)] | Unset = None
    active: bool | Unset = None


class CatalogEntryRead(BaseModel):
    code: str
    name: str
    category: Category
    consensus_rule: ConsensusRule
    amount_threshold: Decimal | None = Field(
        description="matters at or above it are major (以上 includes it); decimal string, yuan"
    )
    departments: list[uuid.UUID] = Field(description="departments that receive the 报备")
    active: bool
    version: int = Field(description="increments on every change; an item keeps the version it was listed under")
    updated_at: dt.datetime


# --- decisions ---------------------------------------------------------------------------------


class DecisionTarget(Target):
    community_id: uuid.UUID


class DecisionCreate(Input):
    model_config = example(
        community_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        catalog_code="elevator_installation",
        title="3号楼加装电梯",
        description="3号楼业主申请在北侧加装电梯一部",
        amount="680000.00",
    )

    community_id: uuid.UUID
    catalog_code: CatalogCode
    title: ShortText
    description: LongText
    amount: Money | None = None


class ProposeBody(Input):
    model_config = example(
        plan="北侧加装电梯一部, 平层入户", scope="3号楼全体业主", schedule="2027年一季度施工", amount="680000.00"
    )

    plan: Text | None = None
    scope: Text | None = None
    schedule: Text | None = None
    amount: Money | None = None


class OpenConsultationBody(Input):
    model_config = example(total_area_m2="1800.00", total_owners=12)

    total_area_m2: Area | None = None
    total_owners: PositiveCount | None = None
    eligible_residents: PositiveCount | None = None


class ReasonBody(Input):
    model_config = example(reason="方案需按业主意见调整出入口位置")

    reason: Text | None = None


class SummaryBody(Input):
    model_config = example(summary="电梯已竣工验收并投入使用, 费用分摊已公示")

    summary: Text | None = None


class ApproveBody(Input):
    model_config = example(conclusion="approved_with_conditions", conditions=["取得规划许可后方可施工"])

    conclusion: ReviewConclusion
    conditions: list[Annotated[str, says_something(1000)]] | None = Field(default=None, max_length=50)

    @model_validator(mode="after")
    def _plain_approval_has_no_conditions(self) -> "ApproveBody":
        if self.conclusion == "approved" and self.conditions:
            raise ValueError("an 'approved' conclusion carries no conditions; use 'approved_with_conditions'")
        return self


class BallotCreate(Input):
    model_config = example(unit_ref="3-301", area_m2="86.35", choice="for", owner_ref="owner-3-301")

    unit_ref: Ref
    area_m2: Area
    choice: BallotChoice
    owner_ref: Ref | None = None


class MeetingCreate(Input):
    model_config = example(
        held_at="2026-11-20T10:00:00Z",
        kind="consultation",
        attendees=15,
        votes_for=12,
        votes_against=1,
        minutes="三驾马车与楼组长协商, 多数同意方案",
    )

    held_at: PastTime
    kind: MeetingKind
    attendees: Count
    votes_for: Count
    votes_against: Count
    minutes: LongText

    @model_validator(mode="after")
    def _consistent(self) -> "MeetingCreate":
        if self.votes_for + self.votes_against > self.attendees:
            raise ValueError("votes_for + votes_against cannot exceed attendees")
        return self


class FilingResponseBody(Input):
    model_config = example(response="acknowledged", opinion="已知悉, 无异议")

    response: FilingAnswer
    opinion: LongText


class LegalOpinionCreate(Input):
    model_config = example(conclusion="lawful", opinion="事项符合《民法典》第二百七十八条, 表决程序合法")

    conclusion: OpinionConclusion
    opinion: LongText


class NoteBody(Input):
    model_config = example(note="规划许可证已取得, 编号沪规建(2027)012号")

    note: Text | None = None


class ProgressCreate(Input):
    model_config = example(content="施工单位已进场, 完成基坑开挖")

    content: LongText


class PublicityCreate(Input):
    """A 公示: what was made public and where (公告栏, 微信群 …)."""

    model_config = example(content="电梯费用分摊方案公示七日", channel="楼道公告栏")

    content: LongText
    channel: ShortText | None = None


class SubRead(BaseModel):
    """A sub-record; after a write, ``decision_version`` is the decision's new version (for If-Match)."""

    model_config = ConfigDict(from_attributes=True)

    decision_version: int | None = Field(
        None, description="after a write: the decision's new version, for the next If-Match"
    )


class ConditionRead(SubRead):
    id: uuid.UUID
    position: int = Field(description="1-based order in the approval")
    text: str
    met: bool
    met_note: str | None
    met_by_id: uuid.UUID | None
    met_at: dt.datetime | None


def _machine() -> "StateMachine[Any]":
    from governance_api.decisions.machine import DECISION_MACHINE  # the machine imports these schemas

    return DECISION_MACHINE


DecisionState = Annotated[str, Late("DecisionState", lambda: _machine().state_labels)]
DecisionAction = Annotated[str, Late("DecisionAction", lambda: _machine().action_labels)]
DecisionActivity = Annotated[str, Late("DecisionActivity", lambda: _machine().activity_labels)]
DecisionHistoryAction = Annotated[str, Late("DecisionHistoryAction", lambda: _machine().history_labels)]


class DecisionRead(RecordRead):
    state: DecisionState
    allowed_actions: list[DecisionAction] = Field(description=ALLOWED_ACTIONS)
    allowed_activities: list[DecisionActivity] = Field(description=ALLOWED_ACTIVITIES)
    community_id: uuid.UUID = Field(description="the 居民区 the matter belongs to")
    street_id: uuid.UUID = Field(description="the 街道 above the community")
    created_by_id: uuid.UUID | None
    catalog_code: str = Field(description="the 清单 entry it was listed under")
    catalog_version: int = Field(
        description="the entry version in force when listed (its threshold and departments apply)"
    )
    consensus_rule: ConsensusRule = Field(description="how consent is established (from the catalog entry)")
    title: str
    description: str
    amount: Decimal | None = Field(description="decimal string, yuan")
    plan: str | None
    scope: str | None
    schedule: str | None
    total_area_m2: Decimal | None = Field(
        description="owners rules: total area of the exclusive parts (decimal string, m²)"
    )
    total_owners: int | None = Field(description="owners rules: number of owners")
    eligible_residents: int | None = Field(
        description="residents_meeting: residents (household representatives) entitled to attend"
    )
    review_conclusion: ReviewConclusion | None = Field(description="the 法制审核 result once approved")
    conditions: list[ConditionRead] = Field(
        description="The review's conditions (审核条件, DOMAIN §2.3), in order; empty unless approved with conditions"
    )
    summary: str | None = Field(description="the 闭环 summary given at complete")
    typical_case: bool = Field(description="marked a 典型案例 by the 司法所")
    typical_case_note: str | None = Field(description="why it is a typical case")


class BallotRead(SubRead):
    id: uuid.UUID
    unit_ref: str = Field(description="the exclusive part (房号) voted for")
    owner_ref: str | None = Field(description="the owner; an owner's units carry one choice")
    area_m2: Decimal = Field(description="decimal string, m²")
    choice: BallotChoice
    created_at: dt.datetime


class MeetingRead(SubRead):
    id: uuid.UUID
    held_at: dt.datetime
    kind: MeetingKind
    attendees: int
    votes_for: int
    votes_against: int
    minutes: str
    created_at: dt.datetime


class FilingRead(SubRead):
    id: uuid.UUID
    round: int = Field(description="the filing round (a new one each time the decision enters filing)")
    stage: FilingStage = Field(
        description="decision: 报备 of the decision; review_result: the 法制审核 result to the rule-of-law leader"
    )
    target_role: Role = Field(description="who answers it")
    target_org_unit_id: uuid.UUID = Field(description="the department, community or street it went to")
    content: dict[str, Any] = Field(description="what was filed (title, plan … or the review result)")
    response: FilingAnswer | None
    opinion: str | None
    responded_by_id: uuid.UUID | None
    responded_at: dt.datetime | None
    created_at: dt.datetime


class LegalOpinionRead(SubRead):
    id: uuid.UUID
    round: int = Field(description="the review round it belongs to")
    author_role: Role = Field(description="in what capacity it was given")
    author_name: str
    created_by_id: uuid.UUID | None
    conclusion: OpinionConclusion
    opinion: str
    created_at: dt.datetime


class NoteRead(SubRead):
    id: uuid.UUID
    kind: NoteKind
    content: str
    channel: str | None
    created_by_id: uuid.UUID | None
    created_at: dt.datetime


class ThresholdRead(BaseModel):
    code: str
    label: str
    fraction: str
    strict: bool
    base: str
    required: str
    actual: str
    holds: bool


class TallyRead(BaseModel):
    consensus_rule: ConsensusRule
    totals: dict[str, str]
    thresholds: list[ThresholdRead]
    satisfied: bool
    unmet: list[str]
    explanation: str


class HistoryRead(HistoryEntry):
    action: DecisionHistoryAction
    from_state: DecisionState | None
    to_state: DecisionState
    details: dict[str, Any]


class TypicalCaseBody(Input):
    model_config = example(note="业主自治与法制审核衔接的示范案例")

    note: Text | None = None
