from typing import Any

from fastapi import APIRouter

from governance_api.core.deps import CurrentActor
from governance_api.core.errors import NotFound
from governance_api.core.problems import responses
from governance_api.machines import MACHINES

router = APIRouter(tags=["meta"])


@router.get("/meta/state-machines", responses=responses())
def list_state_machines(actor: CurrentActor) -> dict[str, Any]:
    """Every state machine: states, actions, roles and guard descriptions, from the enforced definitions."""
    return {"items": [m.describe() for m in MACHINES.values()]}


@router.get("/meta/state-machines/{name}", responses=responses(NotFound))
def get_state_machine(name: str, actor: CurrentActor) -> dict[str, Any]:
    machine = MACHINES.get(name)
    if machine is None:
        raise NotFound(f"no state machine '{name}'")
    return machine.describe()
