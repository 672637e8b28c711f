"""Org-unit administration: the tree's parent rules, unique codes, admin-only writes."""

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from foundation.conftest import Shared
from foundation.factories import assert_problem, count, unit_body
from governance_api.models.org import OrgUnit, User
from world import World

UNITS = "/api/v1/org-units"

# (kind, parent unit key or None): every placement the tree allows.
ALLOWED = [
    ("street", None),
    ("area", "S1"),
    ("community", "A1"),
    ("community", "S1"),
    ("grid", "C1"),
    ("department", "S1"),
]
# Every other (kind, parent kind), with a world unit of that parent kind.
PARENT_OF_KIND = {None: None, "street": "S1", "area": "A1", "community": "C1", "grid": "G1", "department": "D1"}
KINDS = ["street", "area", "community", "grid", "department"]
ALLOWED_KINDS = {("street", None), ("area", "street"), ("community", "area"), ("community", "street")}
ALLOWED_KINDS |= {("grid", "community"), ("department", "street")}
REFUSED = [
    (kind, parent)
    for kind in KINDS
    for parent in [None, "street", "area", "community", "grid", "department"]
    if (kind, parent) not in ALLOWED_KINDS
]


@pytest.mark.parametrize(("kind", "parent"), ALLOWED)
def test_allowed_placements_are_created(shared: Shared, kind: str, parent: str | None) -> None:
    client, world, db = shared.client, shared.world, shared.db
    parent_id = world.units[parent] if parent else None
    r = client.post(UNITS, json=unit_body(kind, f"new-{kind}-{parent}", parent_id, "新单位"), headers=world.h("admin"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["kind"] == kind and body["code"] == f"new-{kind}-{parent}" and body["name"] == "新单位"
    assert body["parent_id"] == (str(parent_id) if parent_id else None)
    assert body["active"] is True
    with db.session(write=False) as s:
        unit = s.get(OrgUnit, uuid.UUID(body["id"]))
        assert unit is not None
        # The materialised path extends the parent's, so subtree queries find the new unit.
        assert unit.path == (world.paths[parent] if parent else "/") + unit.id.hex + "/"


def test_every_other_placement_is_422(shared: Shared) -> None:
    client, world, db = shared.client, shared.world, shared.db
    assert len(REFUSED) == 24  # 5 kinds x 6 parents (none or one of 5 kinds), less the 6 allowed
    before = count(db, OrgUnit)
    for kind, parent_kind in REFUSED:
        parent_key = PARENT_OF_KIND[parent_kind]
        parent_id = world.units[parent_key] if parent_key else None
        r = client.post(UNITS, json=unit_body(kind, "misplaced", parent_id), headers=world.h("admin"))
        body = assert_problem(r, 422, "validation_error")
        assert body["errors"][0]["field"] == "body.parent_id", (kind, parent_kind)
    assert count(db, OrgUnit) == before


def test_missing_parent_is_404(shared: Shared) -> None:
    client, world, db = shared.client, shared.world, shared.db
    before = count(db, OrgUnit)
    r = client.post(UNITS, json=unit_body("area", "orphan", uuid.uuid4()), headers=world.h("admin"))
    assert_problem(r, 404, "not_found")
    assert count(db, OrgUnit) == before


def test_duplicate_code_is_409(shared: Shared) -> None:
    client, world, db = shared.client, shared.world, shared.db
    first = client.post(UNITS, json=unit_body("street", "dup-street"), headers=world.h("admin"))
    assert first.status_code == 201
    before = count(db, OrgUnit)
    r = client.post(UNITS, json=unit_body("area", "dup-street", world.units["S1"]), headers=world.h("admin"))
    body = assert_problem(r, 409, "duplicate")
    assert body["existing_id"] == first.json()["id"]
    assert count(db, OrgUnit) == before


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "city", "code": "x1", "name": "x"},
        {"kind": "street", "code": "has space", "name": "x"},
        {"kind": "street", "code": "-leading-dash", "name": "x"},
        {"kind": "street", "code": "c" * 65, "name": "x"},
        {"kind": "street", "code": "ok", "name": "n" * 201},
        {"kind": "street", "code": "ok", "name": "   "},
        {"kind": "street", "code": "ok"},
        {"kind": "street", "code": "ok", "name": "x", "parent_id": "not-a-uuid"},
        {"kind": "street", "code": "ok", "name": "x", "path": "/evil/"},
        {"kind": "street", "code": 5, "name": "x"},
    ],
    ids=[
        "unknown-kind",
        "code-space",
        "code-dash",
        "code-long",
        "name-long",
        "name-blank",
        "name-missing",
        "parent-not-uuid",
        "extra-field",
        "code-number",
    ],
)
def test_invalid_unit_bodies_are_422(shared: Shared, body: dict[str, Any]) -> None:
    before = count(shared.db, OrgUnit)
    r = shared.client.post(UNITS, json=body, headers=shared.world.h("admin"))
    assert_problem(r, 422, "validation_error")
    assert count(shared.db, OrgUnit) == before


def test_get_unit_and_list_filters(client: TestClient, world: World) -> None:
    h = world.h("sec1")  # reading the tree is open to every signed-in user (pickers need it)
    r = client.get(f"{UNITS}/{world.units['C1']}", headers=h)
    assert r.status_code == 200 and r.json()["code"].startswith("c1-") and r.json()["kind"] == "community"
    assert_problem(client.get(f"{UNITS}/{uuid.uuid4()}", headers=h), 404, "not_found")

    def codes(query: str) -> set[str]:
        r = client.get(f"{UNITS}?{query}", headers=h)
        assert r.status_code == 200, r.text
        return {x["name"] for x in r.json()["items"]}

    assert codes("kind=department") == {"房管办", "城管中队", "派出所"}
    assert codes(f"parent_id={world.units['A1']}") == {"金色雅筑居民区", "凌兆新村居民区"}
    assert codes(f"org_unit_id={world.units['A1']}") == {
        "第一片区",
        "金色雅筑居民区",
        "凌兆新村居民区",
        "金色雅筑1号微网格",
    }
    assert codes(f"org_unit_id={world.units['S2']}&kind=community") == {"彭五居民区"}
    assert codes(f"org_unit_id={uuid.uuid4()}") == set()
    assert_problem(client.get(f"{UNITS}?kind=city", headers=h), 422, "validation_error")


def test_units_require_a_token(client: TestClient, world: World) -> None:
    assert_problem(client.get(UNITS), 401, "unauthorized")
    assert_problem(client.get(f"{UNITS}/{world.units['C1']}"), 401, "unauthorized")


def test_patch_renames_and_deactivates(client: TestClient, world: World) -> None:
    url = f"{UNITS}/{world.units['C2']}"
    r = client.patch(url, json={"name": "凌兆新村第二居民区"}, headers=world.h("admin"))
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "凌兆新村第二居民区" and r.json()["active"] is True
    r = client.patch(url, json={"active": False}, headers=world.h("admin"))
    assert r.json()["active"] is False and r.json()["name"] == "凌兆新村第二居民区"
    assert client.get(url, headers=world.h("admin")).json()["active"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"parent_id": None},
        {"kind": "area"},
        {"code": "renamed"},
        {"name": "x" * 201},
        {"active": "maybe"},
        {"name": None},
        {"active": None},
    ],
    ids=["parent", "kind", "code", "name-long", "active-not-bool", "name-null", "active-null"],
)
def test_patch_unit_refuses_moves_and_bad_fields(shared: Shared, body: dict[str, Any]) -> None:
    client, world = shared.client, shared.world
    url = f"{UNITS}/{world.units['C1']}"
    before = client.get(url, headers=world.h("admin")).json()
    assert_problem(client.patch(url, json=body, headers=world.h("admin")), 422, "validation_error")
    assert client.get(url, headers=world.h("admin")).json() == before


def test_patch_missing_unit_is_404(shared: Shared) -> None:
    client, world = shared.client, shared.world
    r = client.patch(f"{UNITS}/{uuid.uuid4()}", json={"name": "x"}, headers=world.h("admin"))
    assert_problem(r, 404, "not_found")


def _admin_calls(world: World) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every admin-only endpoint with a body that would succeed for an admin."""
    user_body = {"username": "newbie", "password": "Secret-pass-1", "display_name": "新人", "roles": []}
    return [
        ("POST", UNITS, unit_body("street", "by-non-admin")),
        ("PATCH", f"{UNITS}/{world.units['C1']}", {"name": "hijacked"}),
        ("POST", "/api/v1/users", user_body),
        ("GET", "/api/v1/users", None),
        ("GET", f"/api/v1/users/{world.users['sec1']}", None),
        ("PATCH", f"/api/v1/users/{world.users['sec1']}", {"display_name": "hijacked"}),
        (
            "PATCH",
            f"/api/v1/users/{world.users['sec1']}",
            {"roles": [{"role": "admin", "org_unit_id": str(world.units["S1"])}]},
        ),
    ]


@pytest.mark.parametrize("who", ["jo", "sec1", "staff1", "do1", "lic", "pls", "res1", "ic"])
def test_non_admins_get_403_on_every_admin_endpoint(shared: Shared, who: str) -> None:
    client, world, db = shared.client, shared.world, shared.db
    units, users = count(db, OrgUnit), count(db, User)
    for method, url, body in _admin_calls(world):
        r = client.request(method, url, json=body, headers=world.h(who))
        assert_problem(r, 403, "forbidden")
    assert (count(db, OrgUnit), count(db, User)) == (units, users)
    assert client.get(f"{UNITS}/{world.units['C1']}", headers=world.h("admin")).json()["name"] == "金色雅筑居民区"


@pytest.mark.parametrize("body", [{}, {"name": "\u0085"}, [], {"kind": "planet", "roles": "x"}])
def test_the_role_is_checked_before_the_body(shared: Shared, body: Any) -> None:
    """API.md's order of checks: a caller without the role gets 403 whatever it sent (a 422 would
    tell it which bodies an admin could send); the admin gets the 422."""
    client, world = shared.client, shared.world
    writes = [
        ("POST", UNITS),
        ("PATCH", f"{UNITS}/{world.units['C1']}"),
        ("POST", "/api/v1/users"),
        ("PATCH", f"/api/v1/users/{world.users['sec1']}"),
    ]
    for method, url in writes:
        assert_problem(client.request(method, url, json=body, headers=world.h("sec1")), 403, "forbidden")
        r = client.request(method, url, json=body, headers=world.h("admin"))
        assert r.status_code == 422 or (body == {} and method == "PATCH" and r.status_code == 200), (url, r.text)


def test_admin_succeeds_on_every_admin_endpoint(client: TestClient, world: World) -> None:
    """The control for the 403 test: the same calls succeed for the admin."""
    for method, url, body in _admin_calls(world):
        r = client.request(method, url, json=body, headers=world.h("admin"))
        assert r.status_code in (200, 201), (method, url, r.text)
