"""Pydantic in/out models of the decisions API. Inputs forbid unknown fields and bound every string;
fields a guard names (plan, scope, reason, summary, note, conditions …) are optional here and
checked by the machine's guards, so a missing one answers 409 ``guard_failed``."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from governance_api.core.history import HistoryEntry
from governance_api.core.schemas import Input, Target
from governance_api.core.validators import GuardText, LongText, PastTime, ShortText
from governance_api.decisions.vocab import (
    BallotChoice,
    Category,
    ConsensusRule,
    FilingAnswer,
    MeetingKind,
    OpinionConclusion,
    ReviewConclusion,
)

CatalogCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_]*$")
]
Money = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
Area = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
PositiveCount = Annotated[int, Field(gt=0, le=10_000_000)]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = GuardText


# --- catalog ---------------------------------------------------------------------------------


class CatalogEntryCreate(Input):
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

    name: ShortText | None = None
    category: Category | None = None
    consensus_rule: ConsensusRule | None = None
    amount_threshold: Money | None = None
    departments: list[uuid.UUID] | None = Field(default=None, max_length=50)
    active: bool | None = None


class CatalogEntryRead(BaseModel):
    code: str
    name: str
    category: str
    consensus_rule: str
    amount_threshold: Decimal | None
    departments: list[uuid.UUID]
    active: bool
    version: int
    updated_at: dt.datetime


# --- decisions ---------------------------------------------------------------------------------


class DecisionTarget(Target):
    community_id: uuid.UUID


class DecisionCreate(Input):
    community_id: uuid.UUID
    catalog_code: CatalogCode
    title: ShortText
    description: LongText
    amount: Money | None = None


class ProposeBody(Input):
    plan: Text | None = None
    scope: Text | None = None
    schedule: Text | None = None
    amount: Money | None = None


class OpenConsultationBody(Input):
    total_area_m2: Area | None = None
    total_owners: PositiveCount | None = None
    eligible_residents: PositiveCount | None = None


class ReasonBody(Input):
    reason: Text | None = None


class SummaryBody(Input):
    summary: Text | None = None


class ApproveBody(Input):
    conclusion: ReviewConclusion
    conditions: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]] | None = (
        Field(default=None, max_length=50)
    )

    @model_validator(mode="after")
    def _plain_approval_has_no_conditions(self) -> "ApproveBody":
        if self.conclusion == "approved" and self.conditions:
            raise ValueError("an 'approved' conclusion carries no conditions; use 'approved_with_conditions'")
        return self


class BallotCreate(Input):
    unit_ref: Ref
    area_m2: Area
    choice: BallotChoice
    owner_ref: Ref | None = None


class MeetingCreate(Input):
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
    response: FilingAnswer
    opinion: LongText


class LegalOpinionCreate(Input):
    conclusion: OpinionConclusion
    opinion: LongText


class NoteBody(Input):
    note: Text | None = None


class ProgressCreate(Input):
    content: LongText


class PublicityCreate(Input):
    """A 公示: what was made public and where (公告栏, 微信群 …)."""

    content: LongText
    channel: ShortText | None = None


class SubRead(BaseModel):
    """A sub-record; after a write, ``decision_version`` is the decision's new version (for If-Match)."""

    model_config = ConfigDict(from_attributes=True)

    decision_version: int | None = None


class ConditionRead(SubRead):
    id: uuid.UUID
    position: int
    text: str
    met: bool
    met_note: str | None
    met_by_id: uuid.UUID | None
    met_at: dt.datetime | None


class DecisionRead(BaseModel):
    id: uuid.UUID
    state: str
    state_label: str
    version: int
    allowed_actions: list[str]
    allowed_activities: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    community_id: uuid.UUID
    street_id: uuid.UUID
    created_by_id: uuid.UUID | None
    catalog_code: str
    catalog_version: int
    consensus_rule: str
    title: str
    description: str
    amount: Decimal | None
    plan: str | None
    scope: str | None
    schedule: str | None
    total_area_m2: Decimal | None
    total_owners: int | None
    eligible_residents: int | None
    review_conclusion: str | None
    conditions: list[ConditionRead] = Field(
        description="The review's conditions (审核条件, DOMAIN §2.3), in order; empty unless approved with conditions"
    )
    summary: str | None
    typical_case: bool
    typical_case_note: str | None


class BallotRead(SubRead):
    id: uuid.UUID
    unit_ref: str
    owner_ref: str | None
    area_m2: Decimal
    choice: str
    created_at: dt.datetime


class MeetingRead(SubRead):
    id: uuid.UUID
    held_at: dt.datetime
    kind: str
    attendees: int
    votes_for: int
    votes_against: int
    minutes: str
    created_at: dt.datetime


class FilingRead(SubRead):
    id: uuid.UUID
    round: int
    stage: str
    target_role: str
    target_org_unit_id: uuid.UUID
    content: dict[str, Any]
    response: str | None
    opinion: str | None
    responded_by_id: uuid.UUID | None
    responded_at: dt.datetime | None
    created_at: dt.datetime


class LegalOpinionRead(SubRead):
    id: uuid.UUID
    round: int
    author_role: str
    author_name: str
    created_by_id: uuid.UUID | None
    conclusion: str
    opinion: str
    created_at: dt.datetime


class NoteRead(SubRead):
    id: uuid.UUID
    kind: str
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
    consensus_rule: str
    totals: dict[str, str]
    thresholds: list[ThresholdRead]
    satisfied: bool
    unmet: list[str]
    explanation: str


class HistoryRead(HistoryEntry):
    details: dict[str, Any]


class TypicalCaseBody(Input):
    note: Text | None = None
