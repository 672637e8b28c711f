"""The catalog (清单): default entries from the migration, create / edit / deactivate, versions,
role checks, departments per street, and an item keeping the version it was listed under."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from decisions.factories import API, PLAN, act, create, decision_in, get, ok, problem
from governance_api.roles import OrgKind
from world import USERS, World

NEW = {
    "code": "garden_renewal",
    "name": "小区绿化改造",
    "category": "public_space",
    "consensus_rule": "owners_ordinary",
    "amount_threshold": "20000.00",
}


def all_entries(client: TestClient, w: World, who: str = "sec1", **params: Any) -> list[dict[str, Any]]:
    return ok(client.get(f"{API}/decision-catalog", params={"limit": 200} | params, headers=w.h(who)))["items"]


def test_default_entries_are_installed(client: TestClient, world: World) -> None:
    entries = {e["code"]: e for e in all_entries(client, world)}
    assert len(entries) == 13
    assert entries["maintenance_fund_use"]["amount_threshold"] == "50000.00"
    assert entries["elevator_installation"]["consensus_rule"] == "owners_special"
    assert entries["residents_convention"]["consensus_rule"] == "residents_meeting"
    assert (
        entries["corridor_clearance"] | {"departments": [], "active": True, "version": 1}
        == entries["corridor_clearance"]
    )
    r = client.get(f"{API}/decision-catalog/corridor_clearance", headers=world.h("res1"))
    assert r.status_code == 200 and r.headers["ETag"] == '"1"'
    problem(client.get(f"{API}/decision-catalog/nothing_here", headers=world.h("sec1")), 404)


def test_only_the_judicial_office_keeps_the_catalog(client: TestClient, world: World) -> None:
    for who, _, _ in USERS:
        if who in ("jo", "jo2"):
            continue
        problem(client.post(f"{API}/decision-catalog", json=NEW, headers=world.h(who)), 403, "forbidden")
        problem(
            client.patch(f"{API}/decision-catalog/parking_management", json={"active": False}, headers=world.h(who)),
            403,
            "forbidden",
        )
    assert len(all_entries(client, world)) == 13
    assert get_entry(client, world, "parking_management")["version"] == 1


def get_entry(client: TestClient, w: World, code: str, who: str = "jo") -> dict[str, Any]:
    return ok(client.get(f"{API}/decision-catalog/{code}", headers=w.h(who)))  # type: ignore[no-any-return]


def test_create_edit_deactivate_and_versions(client: TestClient, world: World) -> None:
    e = ok(
        client.post(
            f"{API}/decision-catalog", json=NEW | {"departments": [str(world.units["D2"])]}, headers=world.h("jo")
        ),
        201,
    )
    assert (e["version"], e["departments"], e["active"]) == (1, [str(world.units["D2"])], True)
    problem(client.post(f"{API}/decision-catalog", json=NEW, headers=world.h("jo2")), 409, "duplicate")
    e2 = ok(
        client.patch(
            f"{API}/decision-catalog/garden_renewal",
            json={"name": "小区绿化提升", "amount_threshold": None},
            headers=world.h("jo") | {"If-Match": '"1"'},
        )
    )
    assert (e2["version"], e2["name"], e2["amount_threshold"]) == (2, "小区绿化提升", None)
    same = ok(
        client.patch(f"{API}/decision-catalog/garden_renewal", json={"name": "小区绿化提升"}, headers=world.h("jo"))
    )
    assert same["version"] == 2  # nothing changed, no new version
    problem(
        client.patch(
            f"{API}/decision-catalog/garden_renewal",
            json={"active": False},
            headers=world.h("jo") | {"If-Match": '"1"'},
        ),
        412,
        "version_conflict",
    )
    off = ok(client.patch(f"{API}/decision-catalog/garden_renewal", json={"active": False}, headers=world.h("jo")))
    assert (off["version"], off["active"]) == (3, False)
    versions = ok(client.get(f"{API}/decision-catalog/garden_renewal/versions", headers=world.h("sec1")))["items"]
    assert [(v["version"], v["name"], v["active"], v["amount_threshold"]) for v in versions] == [
        (1, "小区绿化改造", True, "20000.00"),
        (2, "小区绿化提升", True, None),
        (3, "小区绿化提升", False, None),
    ]
    assert [e["code"] for e in all_entries(client, world, active="false")] == ["garden_renewal"]


BAD_ENTRIES = [
    NEW | {"category": "misc"},
    NEW | {"consensus_rule": "unanimous"},
    NEW | {"amount_threshold": "-1"},
    NEW | {"amount_threshold": "0"},
    NEW | {"code": "Has Spaces"},
    NEW | {"name": "n" * 201},
    NEW | {"departments": ["nope"]},
    NEW | {"extra": 1},
    {"code": "x"},
]


def test_create_rejects_bad_input(client: TestClient, world: World) -> None:
    for body in BAD_ENTRIES:
        r = client.post(f"{API}/decision-catalog", json=body, headers=world.h("jo"))
        assert r.status_code == 422, (body, r.text)
        problem(r, 422, "validation_error")
    problem(client.patch(f"{API}/decision-catalog/parking_management", json={"name": None}, headers=world.h("jo")), 422)
    problem(client.patch(f"{API}/decision-catalog/parking_management", json={"x": 1}, headers=world.h("jo")), 422)
    assert len(all_entries(client, world)) == 13


def test_departments_outside_scope_are_not_found(client: TestClient, world: World) -> None:
    # jo2 keeps S2's catalog: S1's departments are out of its scope (404); a non-department is 422.
    problem(
        client.post(
            f"{API}/decision-catalog", json=NEW | {"departments": [str(world.units["D1"])]}, headers=world.h("jo2")
        ),
        404,
        "not_found",
    )
    problem(
        client.patch(
            f"{API}/decision-catalog/parking_management",
            json={"departments": [str(world.units["D1"])]},
            headers=world.h("jo2"),
        ),
        404,
        "not_found",
    )
    problem(
        client.patch(
            f"{API}/decision-catalog/parking_management",
            json={"departments": [str(world.units["C1"])]},
            headers=world.h("jo"),
        ),
        422,
        "validation_error",
    )
    assert get_entry(client, world, "parking_management")["version"] == 1


def test_departments_patch_keeps_other_streets(client: TestClient, world: World) -> None:
    world.add_unit("D4", OrgKind.department, "S2", "S2房管办")
    d1, d2, d4 = (str(world.units[k]) for k in ("D1", "D2", "D4"))
    ok(
        client.patch(
            f"{API}/decision-catalog/parking_management", json={"departments": [d1, d2]}, headers=world.h("jo")
        )
    )
    ok(client.patch(f"{API}/decision-catalog/parking_management", json={"departments": [d4]}, headers=world.h("jo2")))
    # Each street's 司法所 sees its own departments; the stored list holds both streets'.
    assert get_entry(client, world, "parking_management", "jo")["departments"] == [d1, d2]
    assert get_entry(client, world, "parking_management", "jo2")["departments"] == [d4]
    ok(client.patch(f"{API}/decision-catalog/parking_management", json={"departments": [d2]}, headers=world.h("jo")))
    assert get_entry(client, world, "parking_management", "jo2")["departments"] == [d4]
    assert get_entry(client, world, "parking_management", "jo")["departments"] == [d2]
    # A decision in C1 (street S1) files to D2 only, never to S2's D4.
    d = create(client, world, code="parking_management")
    ok(act(client, world, "sec1", d["id"], "propose", PLAN))
    ok(act(client, world, "sec1", d["id"], "open_consultation", {"total_area_m2": "300.00", "total_owners": 3}))
    for i in range(3):
        ok(
            client.post(
                f"{API}/decisions/{d['id']}/ballots",
                headers=world.h("sec1"),
                json={"unit_ref": str(i), "area_m2": "100", "choice": "for"},
            )
        )
    ok(act(client, world, "sec1", d["id"], "confirm_consensus"))
    targets = {f["target_org_unit_id"] for f in get(client, world, d["id"], sub="/filings")["items"]}
    assert targets == {d2, str(world.units["S1"]), str(world.units["C1"])}


def test_an_item_keeps_the_catalog_version_it_was_listed_under(client: TestClient, world: World) -> None:
    d = create(client, world, code="maintenance_fund_use", amount="60000.00")
    assert d["catalog_version"] == 1
    ok(
        client.patch(
            f"{API}/decision-catalog/maintenance_fund_use",
            json={"amount_threshold": "80000.00", "consensus_rule": "owners_special"},
            headers=world.h("jo"),
        )
    )
    # Listed under v1 (threshold 50000, ordinary rule): 60000 still proposes, and the rule is v1's.
    ok(act(client, world, "sec1", d["id"], "propose", PLAN))
    assert get(client, world, d["id"])["consensus_rule"] == "owners_ordinary"
    problem(
        client.post(
            f"{API}/decisions",
            headers=world.h("sec1"),
            json={
                "community_id": str(world.units["C1"]),
                "catalog_code": "maintenance_fund_use",
                "title": "t",
                "description": "d",
                "amount": "60000.00",
            },
        ),
        422,
        "not_a_major_decision",
    )
    fresh = create(client, world, code="maintenance_fund_use", amount="80000.00")
    assert (fresh["catalog_version"], fresh["consensus_rule"]) == (2, "owners_special")


def test_deactivated_entry_keeps_its_items(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "proposed")
    ok(client.patch(f"{API}/decision-catalog/corridor_clearance", json={"active": False}, headers=world.h("jo")))
    ok(act(client, world, "sec1", d["id"], "open_consultation"))


@pytest.mark.parametrize("body", [{}, {"name": "\u0085"}, [], {"category": "planet"}])
def test_the_role_is_checked_before_the_body(client: TestClient, world: World, body: Any) -> None:
    """API.md's order of checks: 403 for a caller who may not keep the catalog, whatever the body;
    the 司法所 gets the 422 (an empty PATCH changes nothing)."""
    for method, url in (("POST", f"{API}/decision-catalog"), ("PATCH", f"{API}/decision-catalog/parking_management")):
        problem(client.request(method, url, json=body, headers=world.h("sec1")), 403, "forbidden")
        r = client.request(method, url, json=body, headers=world.h("jo"))
        assert r.status_code == 422 or (body == {} and method == "PATCH" and r.status_code == 200), (url, r.text)
