"""GET /api/v1/meta/state-machines: the registered definitions, as enforced, for signed-in callers."""

import pytest
from fastapi.testclient import TestClient

from foundation.factories import assert_problem
from foundation.widget import WIDGET
from governance_api.machines import MACHINES
from world import World

META = "/api/v1/meta/state-machines"


def test_meta_requires_a_token(client: TestClient, world: World) -> None:
    assert_problem(client.get(META), 401, "unauthorized")
    assert_problem(client.get(f"{META}/widget"), 401, "unauthorized")


def test_meta_lists_every_registered_machine(client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MACHINES, WIDGET.name, WIDGET)
    r = client.get(META, headers=world.h("res1"))
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [m["name"] for m in items] == list(MACHINES)
    assert next(m for m in items if m["name"] == "widget") == WIDGET.describe()


def test_meta_single_machine(client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MACHINES, WIDGET.name, WIDGET)
    r = client.get(f"{META}/widget", headers=world.h("sec1"))
    assert r.status_code == 200
    body = r.json()
    assert body == WIDGET.describe()
    assert {s["code"]: s["terminal"] for s in body["states"]} == {
        "draft": False,
        "submitted": False,
        "approved": True,
        "withdrawn": True,
    }


def test_meta_unknown_machine_is_404(client: TestClient, world: World) -> None:
    assert_problem(client.get(f"{META}/nope", headers=world.h("sec1")), 404, "not_found")


def test_registered_domain_machines_are_consistent(client: TestClient, world: World) -> None:
    """Whatever the domains register (decision, dispute) is published as the engine would enforce it."""
    for name, machine in MACHINES.items():
        body = client.get(f"{META}/{name}", headers=world.h("admin")).json()
        assert body == machine.describe()
        codes = {s["code"] for s in body["states"]}
        assert body["initial"] in codes
        for action in body["actions"]:
            assert set(action["from"]) <= codes and action["to"] in codes
            assert action["roles"], f"{name}.{action['code']} names no role"


@pytest.mark.parametrize("name", ["decision", "dispute"])
def test_activities_are_published_as_defined(client: TestClient, world: World, name: str) -> None:
    """Each activity with its states, roles, guards, body and result, item and history flag, exactly
    as the definition the engine enforces; no code is both an action and an activity."""
    machine = MACHINES[name]
    body = client.get(f"{META}/{name}", headers=world.h("res1")).json()
    listed = next(m for m in client.get(META, headers=world.h("res1")).json()["items"] if m["name"] == name)
    assert listed["activities"] == body["activities"]
    published = {a["code"]: a for a in body["activities"]}
    assert list(published) == [a.code for a in machine.activities]
    states = {s["code"] for s in body["states"]}
    for a in machine.activities:
        p = published[a.code]
        assert p["states"] == list(a.states) and set(p["states"]) <= states, a.code
        assert p["roles"] == a.permission.describe() and p["roles"], a.code
        assert p["guards"] == [g.description for g in a.guards], a.code
        assert p["body_schema"] == a.body.__name__, a.code
        assert p["result_schema"] == (a.result.__name__ if a.result else None), a.code
        assert p["item"] == (a.item.noun if a.item else None), a.code
        assert p["in_history"] is a.in_history, a.code
    assert not set(published) & {a["code"] for a in body["actions"]}


def test_activities_published_literally(client: TestClient, world: World) -> None:
    """DOMAIN.md §2.3 and §3.3, by hand: which activities each machine has, where and by whom."""
    decision = {a["code"]: a for a in client.get(f"{META}/decision", headers=world.h("sec1")).json()["activities"]}
    assert set(decision) == {
        "record_ballot",
        "record_meeting",
        "respond_to_filing",
        "give_legal_opinion",
        "mark_condition_met",
        "record_progress",
        "record_publicity",
        "mark_typical_case",
    }
    assert {c for c, a in decision.items() if a["in_history"]} == {"mark_typical_case"}
    assert {c: a["item"] for c, a in decision.items() if a["item"]} == {
        "respond_to_filing": "filing",
        "mark_condition_met": "review condition",
    }
    assert decision["record_ballot"]["states"] == ["consulting"]
    assert set(decision["record_ballot"]["roles"]) == {"community_secretary", "community_staff", "owners_committee"}
    assert set(decision["record_meeting"]["roles"]) == {"community_secretary", "community_staff"}
    assert decision["give_legal_opinion"]["states"] == ["legal_review"]
    for code, states, roles in (
        ("mark_condition_met", ["implementing"], ["community_secretary"]),
        ("mark_typical_case", ["closed"], ["judicial_officer"]),
    ):
        assert (decision[code]["states"], decision[code]["roles"]) == (states, roles), code
    assert set(decision["respond_to_filing"]["states"]) == {"filing", "implementing", "closed"}

    dispute = {a["code"]: a for a in client.get(f"{META}/dispute", headers=world.h("sec1")).json()["activities"]}
    assert set(dispute) == {"save_screening", "record_session", "record_judicial_confirmation", "file_disposal_report"}
    assert not any(a["in_history"] or a["item"] for a in dispute.values())
    assert dispute["save_screening"]["states"] == ["screening"]
    assert dispute["record_session"]["states"] == ["mediating"]
    assert set(dispute["record_judicial_confirmation"]["states"]) == {"fulfilling", "resolved"}
    assert "judicial_officer (over the community)" in dispute["record_judicial_confirmation"]["roles"]
    assert set(dispute["file_disposal_report"]["states"]) == {"mediating", "fulfilling"}
