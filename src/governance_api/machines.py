"""The registry of state machines the service enforces and publishes."""

from typing import Any

from governance_api.core.machine import StateMachine

MACHINES: dict[str, StateMachine[Any]] = {}


def register(machine: StateMachine[Any]) -> StateMachine[Any]:
    MACHINES[machine.name] = machine
    return machine
