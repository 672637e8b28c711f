"""In/out models of the annual evaluation. Fields the machine's guards name (the self-assessment,
the score, the grade, the reason of a return) are optional here, so leaving one out is 409
``guard_failed`` with the field in ``unmet``, not a 422."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from governance_api.core.history import HistoryEntry
from governance_api.core.schemas import ALLOWED_ACTIONS, ALLOWED_ACTIVITIES, Input, RecordRead, Target, example
from governance_api.core.validators import GuardText, ShortText
from governance_api.core.vocab import Late
from governance_api.evaluations.vocab import FIRST_YEAR, SCORE_MAX, Grade, Nomination

if TYPE_CHECKING:
    from governance_api.core.machine import StateMachine

Score = Annotated[int, Field(ge=0, le=SCORE_MAX)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=2100, description="the calendar year evaluated")]


class EvaluationTarget(Target):
    community_id: uuid.UUID


class EvaluationCreate(Input):
    """Open a community's evaluation of one year (not a year still to come)."""

    model_config = example(community_id="3fa85f64-5717-4562-b3fc-2c963f66afa6", year=2026)

    community_id: uuid.UUID
    year: Year


class SubmitBody(Input):
    model_config = example(self_assessment="全年召开依法治理工作例会12次, 矛盾纠纷调解成功率九成以上", self_score=92)

    self_assessment: GuardText | None = None
    self_score: Score | None = None


class ReturnBody(Input):
    model_config = example(reason="自评未反映加装电梯决策的法制审核情况, 请补充")

    reason: GuardText | None = None


class EvaluateBody(Input):
    model_config = example(
        score=93,
        grade="excellent",
        comments="例会制度落实, 重大决策均经法制审核",
        funding_uplift=True,
        demonstration_nomination="district",
    )

    score: Score | None = None
    grade: Grade | None = None
    comments: GuardText | None = None
    funding_uplift: bool = Field(default=False, description="次年经费增拨 recommended")
    demonstration_nomination: Nomination = Field(
        default=Nomination.none, description="民主法治示范社区 nomination recommended"
    )


class PublishBody(Input):
    model_config = example(commendations=["金色雅筑居民区: 依法治理工作优秀"], criticisms=[])

    commendations: list[ShortText] = Field(default_factory=list, max_length=50, description="表彰")
    criticisms: list[ShortText] = Field(default_factory=list, max_length=50, description="通报批评")


def _machine() -> "StateMachine[Any]":
    from governance_api.evaluations.machine import EVALUATION_MACHINE  # the machine imports these schemas

    return EVALUATION_MACHINE


EvaluationState = Annotated[str, Late("EvaluationState", lambda: _machine().state_labels)]
EvaluationAction = Annotated[str, Late("EvaluationAction", lambda: _machine().action_labels)]
EvaluationActivity = Annotated[str, Late("EvaluationActivity", lambda: _machine().activity_labels)]
EvaluationHistoryAction = Annotated[str, Late("EvaluationHistoryAction", lambda: _machine().history_labels)]


class EvaluationRead(RecordRead):
    state: EvaluationState
    allowed_actions: list[EvaluationAction] = Field(description=ALLOWED_ACTIONS)
    allowed_activities: list[EvaluationActivity] = Field(description=ALLOWED_ACTIVITIES)
    community_id: uuid.UUID = Field(description="the 居民区 evaluated")
    year: int = Field(description="the calendar year evaluated")
    created_by_id: uuid.UUID | None
    self_assessment: str | None = Field(description="the community's 自评, from its last submit")
    self_score: int | None = Field(description="the community's own score, 0–100")
    indicators: dict[str, Any] | None = Field(
        description="the year's figures as they stood at the last submit (null before one); they never "
        "change afterwards, so the grade can be read against the numbers it was given on"
    )
    submitted_at: dt.datetime | None
    score: int | None = Field(description="the 司法所's score, 0–100")
    grade: Grade | None
    comments: str | None
    funding_uplift: bool | None = Field(description="次年经费增拨 recommended (null until evaluated)")
    demonstration_nomination: Nomination | None = Field(
        description="民主法治示范社区 nomination (null until evaluated)"
    )
    evaluated_at: dt.datetime | None
    commendations: list[str] = Field(description="表彰, listed when published")
    criticisms: list[str] = Field(description="通报批评, listed when published")
    published_at: dt.datetime | None


class HistoryRead(HistoryEntry):
    action: EvaluationHistoryAction
    from_state: EvaluationState | None
    to_state: EvaluationState
