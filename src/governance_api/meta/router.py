"""Self-description: the state machines as the service enforces them, and the closed vocabularies."""

from typing import Any

from governance_api.core.deps import CurrentActor
from governance_api.core.errors import NotFound
from governance_api.core.problems import responses
from governance_api.core.routing import domain_router
from governance_api.machines import MACHINES
from governance_api.meta.schemas import MachineList, MachineRead, Term, Vocabulary, VocabularyList
from governance_api.meta.vocabularies import vocabularies

router = domain_router("meta")


@router.get("/meta/state-machines", response_model=MachineList, responses=responses())
def list_state_machines(actor: CurrentActor) -> dict[str, Any]:
    """Every state machine: states, actions and activities with their roles and guard descriptions,
    from the definitions the service enforces."""
    return {"items": [m.describe() for m in MACHINES.values()]}


@router.get("/meta/state-machines/{name}", response_model=MachineRead, responses=responses(NotFound))
def get_state_machine(name: str, actor: CurrentActor) -> dict[str, Any]:
    machine = MACHINES.get(name)
    if machine is None:
        raise NotFound(f"no state machine '{name}'")
    return machine.describe()


@router.get("/meta/vocabularies", response_model=VocabularyList, responses=responses())
def list_vocabularies(actor: CurrentActor) -> VocabularyList:
    """Every closed vocabulary with its zh labels (the same as ``x-enum-labels`` in the contract)."""
    items = [
        Vocabulary(name=name, terms=[Term(code=c, label=label) for c, label in terms.items()])
        for name, terms in vocabularies().items()
    ]
    return VocabularyList(items=items)
