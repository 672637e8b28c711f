"""Pydantic in/out models of the working bodies API (依法治理工作小组 / 工作专班 and their members)."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from governance_api.bodies.vocab import BodyKind, MemberPosition
from governance_api.core.history import HistoryEntry
from governance_api.core.schemas import ALLOWED_ACTIONS, ALLOWED_ACTIVITIES, Input, RecordRead, Target, example
from governance_api.core.validators import Day, LongText, ShortText
from governance_api.core.vocab import Late

if TYPE_CHECKING:
    from governance_api.core.machine import StateMachine


def _machine() -> "StateMachine[Any]":
    from governance_api.bodies.machine import BODY_MACHINE  # the machine imports these schemas

    return BODY_MACHINE


BodyState = Annotated[str, Late("WorkingBodyState", lambda: _machine().state_labels)]
BodyAction = Annotated[str, Late("WorkingBodyAction", lambda: _machine().action_labels)]
BodyActivity = Annotated[str, Late("WorkingBodyActivity", lambda: _machine().activity_labels)]
BodyHistoryAction = Annotated[str, Late("WorkingBodyHistoryAction", lambda: _machine().history_labels)]


class WorkingBodyTarget(Target):
    kind: BodyKind
    org_unit_id: uuid.UUID


class WorkingBodyCreate(Input):
    """成立工作机构: a community's 工作小组 or a street's 工作专班, one of each per unit."""

    model_config = example(
        kind="governance_group", org_unit_id="3fa85f64-5717-4562-b3fc-2c963f66afa6", name="金色雅筑依法治理工作小组"
    )

    kind: BodyKind
    org_unit_id: uuid.UUID = Field(description="a community for a governance_group, a street for a street_task_force")
    name: ShortText


class MemberCreate(Input):
    """增补成员: a user of the system or a named person (name, organisation)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "王建国",
                    "organisation": "金色雅筑业主委员会",
                    "position": "member",
                    "duty": "协调业主意见, 参与协商议事",
                    "from_date": "2026-01-01",
                }
            ],
            # what ``_consistent`` requires, said in the contract: a user, or a named person
            # (present and not null: ``"name": null`` names no one)
            "anyOf": [
                {"required": ["user_id"], "properties": {"user_id": {"type": "string"}}},
                {"required": ["name"], "properties": {"name": {"type": "string"}}},
            ],
        }
    )

    user_id: uuid.UUID | None = Field(None, description="the member's user, when the member has one (an active user)")
    name: ShortText | None = Field(None, description="required for a named person; for a user, defaults to its name")
    organisation: ShortText | None = Field(None, description="where the person works (单位), e.g. 业委会, 物业公司")
    position: MemberPosition
    duty: LongText = Field(description="the member's duty in the body (职责)")
    from_date: Day = Field(description="first day of the membership (Asia/Shanghai)")
    to_date: Day | None = Field(None, description="last day, when the term is known; not before from_date")

    @model_validator(mode="after")
    def _consistent(self) -> "MemberCreate":
        if self.user_id is None and self.name is None:
            raise ValueError("a member is a user (user_id) or a named person (name)")
        if self.to_date is not None and self.to_date < self.from_date:
            raise ValueError("to_date is before from_date")
        return self


class MemberEnd(Input):
    """成员退出: the membership's last day; it is kept, never deleted."""

    model_config = example(to_date="2026-06-30", reason="换届调整")

    to_date: Day = Field(description="the last day of the membership (Asia/Shanghai); not before from_date")
    reason: LongText | None = None


class MemberRead(BaseModel):
    id: uuid.UUID
    body_id: uuid.UUID
    user_id: uuid.UUID | None
    name: str
    organisation: str | None
    position: MemberPosition
    duty: str
    from_date: dt.date
    to_date: dt.date | None = Field(description="the last day; null while open-ended")
    ended: bool = Field(description="whether the membership was ended (end_member); an ended one stays listed")
    current: bool = Field(description="serving today (Asia/Shanghai): from_date ≤ today ≤ to_date")
    end_reason: str | None
    ended_at: dt.datetime | None
    ended_by_id: uuid.UUID | None
    created_at: dt.datetime
    body_version: int | None = Field(None, description="after a write: the body's new version, for the next If-Match")


class WorkingBodyRead(RecordRead):
    state: BodyState
    allowed_actions: list[BodyAction] = Field(description=ALLOWED_ACTIONS)
    allowed_activities: list[BodyActivity] = Field(description=ALLOWED_ACTIVITIES)
    kind: BodyKind
    org_unit_id: uuid.UUID
    name: str
    created_by_id: uuid.UUID | None
    members: list[MemberRead] = Field(description="every membership, current and ended, by from_date")


class WorkingBodyHistoryRead(HistoryEntry):
    action: BodyHistoryAction
    from_state: BodyState | None
    to_state: BodyState
