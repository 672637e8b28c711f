"""Every action from every state it does not start from → 409 transition_not_allowed, nothing
changed; sub-resource writes outside their state likewise."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from decisions.factories import act, decision_in, get, history_len, meeting, post, problem
from governance_api.decisions.machine import DECISION_MACHINE
from world import World

STATES = [s.code for s in DECISION_MACHINE.states]
# A permitted caller and a body that would pass validation, per action.
CALLER: dict[str, tuple[str, dict[str, Any]]] = {
    "propose": ("sec1", {"plan": "p", "scope": "s", "schedule": "t"}),
    "open_consultation": ("sec1", {}),
    "confirm_consensus": ("sec1", {}),
    "revise": ("sec1", {"reason": "r"}),
    "submit_for_review": ("sec1", {}),
    "approve": ("jo", {"conclusion": "approved", "conditions": []}),
    "return_for_revision": ("jo", {"reason": "r"}),
    "reject": ("jo", {"reason": "r"}),
    "complete": ("sec1", {"summary": "s"}),
    "withdraw": ("sec1", {"reason": "r"}),
}
SUBS: dict[str, tuple[tuple[str, ...], str, dict[str, Any]]] = {
    "ballots": (("consulting",), "sec1", {"unit_ref": "1-101", "area_m2": "80.00", "choice": "for"}),
    "meetings": (("consulting",), "sec1", meeting()),
    "legal-opinions": (("legal_review",), "la1", {"conclusion": "lawful", "opinion": "o"}),
    "progress": (("implementing",), "sec1", {"content": "c"}),
    "publicity": (("implementing",), "sec1", {"content": "c"}),
    "typical-case": (("closed",), "jo", {"note": "n"}),
}


def test_every_action_is_covered() -> None:
    assert set(CALLER) == {a.code for a in DECISION_MACHINE.actions}


@pytest.mark.parametrize("state", STATES)
def test_invalid_actions_from_state(client: TestClient, world: World, state: str) -> None:
    d = decision_in(client, world, state)
    assert d["state"] == state
    n = history_len(client, world, d["id"])
    invalid = [a for a in DECISION_MACHINE.actions if state not in a.sources]
    assert invalid, state
    for a in invalid:
        who, body = CALLER[a.code]
        problem(act(client, world, who, d["id"], a.code, body), 409, "transition_not_allowed")
    for sub, (states, who, body) in SUBS.items():
        if state not in states:
            problem(post(client, world, who, d["id"], sub, body), 409, "transition_not_allowed")
    after = get(client, world, d["id"])
    assert (after["state"], after["version"]) == (state, d["version"])
    assert history_len(client, world, d["id"]) == n
