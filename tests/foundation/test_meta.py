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
