"""Request bodies and read models of grid patrols (微网格巡查). Bodies forbid unknown fields and bound
every string; the rules between fields (times in order, a nil report or findings) are checked by the
service after the body parses, naming the field at fault."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from governance_api.core.history import HistoryEntry
from governance_api.core.schemas import ALLOWED_ACTIONS, ALLOWED_ACTIVITIES, Input, RecordRead, Target, example
from governance_api.core.validators import Code, LongText, PastDay, PastTime, ShortText
from governance_api.core.vocab import Late
from governance_api.disputes.schemas import PartyIn
from governance_api.patrols.vocab import MAX_FINDINGS, FindingKind

if TYPE_CHECKING:
    from governance_api.core.machine import StateMachine


def _machine() -> "StateMachine[Any]":
    from governance_api.patrols.machine import PATROL_MACHINE  # the machine imports these schemas

    return PATROL_MACHINE


PatrolState = Annotated[str, Late("PatrolState", lambda: _machine().state_labels)]
PatrolAction = Annotated[str, Late("PatrolAction", lambda: _machine().action_labels)]
PatrolActivity = Annotated[str, Late("PatrolActivity", lambda: _machine().activity_labels)]
PatrolHistoryAction = Annotated[str, Late("PatrolHistoryAction", lambda: _machine().history_labels)]


# ---- bodies -------------------------------------------------------------------------------------


class FindingIn(Input):
    """One thing the patrol found (发现问题)."""

    kind: FindingKind
    description: LongText


class PatrolCreate(Input):
    """巡查记录: a grid worker's patrol of its grid on a Shanghai day: either a nil report (无异常)
    or at least one finding."""

    model_config = example(
        grid_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        patrol_date="2026-11-20",
        started_at="2026-11-20T01:00:00Z",
        ended_at="2026-11-20T02:30:00Z",
        nil_report=False,
        findings=[{"kind": "dispute_clue", "description": "3号楼两户因楼道堆物发生争吵"}],
    )

    grid_id: uuid.UUID = Field(description="the 微网格 patrolled")
    patrol_date: PastDay = Field(description="the day of the patrol (Asia/Shanghai), not in the future")
    started_at: PastTime = Field(description="when the patrol started, on patrol_date in Asia/Shanghai")
    ended_at: PastTime = Field(description="when it ended, not before started_at")
    nil_report: bool = Field(description="无异常报告: nothing found (then findings is empty)")
    findings: list[FindingIn] = Field(
        default_factory=list,
        max_length=MAX_FINDINGS,
        description="what was found; at least one unless nil_report",
    )


class PatrolTarget(Target):
    """The grid a create names, read first so scope (404) and role (403) answer before the body."""

    grid_id: uuid.UUID


class ReportFindingBody(Input):
    """转为矛盾纠纷: what the dispute needs beyond the finding. Its community and grid are the
    patrol's, its channel ``grid_patrol``; title and description default to the finding's."""

    model_config = example(category="neighbor", parties=[{"name": "王五", "role": "applicant"}])

    category: Code = Field(description="a code of GET /dispute-categories")
    title: ShortText | None = Field(default=None, description="default: the start of the finding's description")
    description: LongText | None = Field(default=None, description="default: the finding's description")
    parties: list[PartyIn] = Field(default_factory=list, max_length=20)


# ---- reads --------------------------------------------------------------------------------------


class FindingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: FindingKind
    description: str
    dispute_id: uuid.UUID | None = Field(description="the dispute it became once reported (矛盾纠纷线索 only)")
    reported_at: dt.datetime | None = Field(description="when it was turned into a dispute")
    reported_by_id: uuid.UUID | None = Field(description="who turned it into a dispute")


class PatrolBase(RecordRead):
    state: PatrolState
    allowed_actions: list[PatrolAction] = Field(description=ALLOWED_ACTIONS)
    allowed_activities: list[PatrolActivity] = Field(description=ALLOWED_ACTIVITIES)
    grid_id: uuid.UUID
    community_id: uuid.UUID = Field(description="the grid's community (居民区)")
    org_unit_id: uuid.UUID = Field(description="the unit the patrol belongs to: its grid")
    patrol_date: dt.date = Field(description="the day of the patrol (Asia/Shanghai)")
    started_at: dt.datetime
    ended_at: dt.datetime
    nil_report: bool = Field(description="无异常报告")
    created_by_id: uuid.UUID | None = Field(description="the grid worker who logged it")


class PatrolRead(PatrolBase):
    findings: list[FindingRead]


class PatrolListItem(PatrolBase):
    finding_count: int = Field(description="how many findings it recorded")
    reported_count: int = Field(description="how many of them became disputes")


class PatrolHistoryItem(HistoryEntry):
    action: PatrolHistoryAction
    from_state: PatrolState | None
    to_state: PatrolState
