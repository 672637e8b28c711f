"""The contract smoke scenario, in-process: a corridor clearance from list to closed."""

from fastapi.testclient import TestClient

from decisions.factories import API, act, decision_in, get, ok, problem
from world import World


def test_corridor_clearance_from_list_to_closed(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "closed")
    assert d["state"] == "closed" and d["state_label"] == "已闭环"
    actions = [h["action"] for h in get(client, world, d["id"], sub="/history")["items"]]
    assert actions == [
        "create",
        "propose",
        "open_consultation",
        "confirm_consensus",
        "submit_for_review",
        "approve",
        "complete",
    ]


def test_unknown_decision_is_problem_404(client: TestClient, world: World) -> None:
    problem(
        client.get(f"{API}/decisions/00000000-0000-4000-8000-000000000000", headers=world.h("sec1")), 404, "not_found"
    )


def test_approve_from_listed_is_transition_not_allowed(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "listed")
    problem(
        act(client, world, "jo", d["id"], "approve", {"conclusion": "approved", "conditions": []}),
        409,
        "transition_not_allowed",
    )


def test_machine_is_published(client: TestClient, world: World) -> None:
    m = ok(client.get(f"{API}/meta/state-machines/decision", headers=world.h("staff1")))
    assert m["label"] == "重大决策事项" and "legal_review" in str(m)
