"""The state machines the service enforces and publishes, by name. The top of the import graph:
``core`` never imports this module; the app hands it to the meta endpoint and the OpenAPI builder."""

from typing import Any

from governance_api.bodies.machine import BODY_MACHINE
from governance_api.buildings.machine import BUILDING_MACHINE
from governance_api.core.machine import StateMachine
from governance_api.decisions.machine import DECISION_MACHINE
from governance_api.disputes.machine import DISPUTE_MACHINE
from governance_api.evaluations.machine import EVALUATION_MACHINE
from governance_api.meetings.machine import MEETING_MACHINE
from governance_api.patrols.machine import PATROL_MACHINE

_ALL = (
    DECISION_MACHINE,
    DISPUTE_MACHINE,
    EVALUATION_MACHINE,
    BUILDING_MACHINE,
    BODY_MACHINE,
    MEETING_MACHINE,
    PATROL_MACHINE,
)
MACHINES: dict[str, StateMachine[Any]] = {m.name: m for m in _ALL}
