"""Pydantic in/out models of the buildings API (楼栋登记)."""

import uuid
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field

from governance_api.core.history import HistoryEntry
from governance_api.core.schemas import ALLOWED_ACTIONS, ALLOWED_ACTIVITIES, Input, RecordRead, Target, example
from governance_api.core.validators import Code, ShortText
from governance_api.core.vocab import Late

if TYPE_CHECKING:
    from governance_api.core.machine import StateMachine


def _machine() -> "StateMachine[Any]":
    from governance_api.buildings.machine import BUILDING_MACHINE  # the machine imports these schemas

    return BUILDING_MACHINE


BuildingState = Annotated[str, Late("BuildingState", lambda: _machine().state_labels)]
BuildingAction = Annotated[str, Late("BuildingAction", lambda: _machine().action_labels)]
BuildingActivity = Annotated[str, Late("BuildingActivity", lambda: _machine().activity_labels)]
BuildingHistoryAction = Annotated[str, Late("BuildingHistoryAction", lambda: _machine().history_labels)]


class BuildingTarget(Target):
    community_id: uuid.UUID


class BuildingCreate(Input):
    """登记楼栋: a building of a community, its code unique there."""

    model_config = example(community_id="3fa85f64-5717-4562-b3fc-2c963f66afa6", code="3", name="3号楼")

    community_id: uuid.UUID = Field(description="the community (居民区) the building is in")
    code: Code = Field(description="the building's number within the community (楼号), unique there")
    name: ShortText


class BuildingRead(RecordRead):
    state: BuildingState
    allowed_actions: list[BuildingAction] = Field(description=ALLOWED_ACTIONS)
    allowed_activities: list[BuildingActivity] = Field(description=ALLOWED_ACTIVITIES)
    community_id: uuid.UUID
    code: str
    name: str
    created_by_id: uuid.UUID | None


class BuildingHistoryRead(HistoryEntry):
    action: BuildingHistoryAction
    from_state: BuildingState | None
    to_state: BuildingState
