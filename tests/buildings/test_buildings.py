"""Buildings (楼栋, DOMAIN.md §4.6): a community registers its buildings by code and name; the code
is unique in the community; the staff roles see them by scope, residents and outsiders never."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from buildings.factories import API, EVERYONE, OUTSIDERS, SEES_C1, every_building, ok, problem, register
from world import World


def test_a_community_registers_its_buildings(client: TestClient, world: World) -> None:
    one = ok(register(client, world, "1", "1号楼"), 201)
    two = ok(register(client, world, "2", "2号楼", who="staff1"), 201)
    assert (one["community_id"], one["code"], one["name"]) == (str(world.units["C1"]), "1", "1号楼")
    assert (one["state"], one["state_label"], one["version"]) == ("registered", "已登记", 1)
    assert one["created_by_id"] == str(world.users["sec1"])
    # The same number in another community is another building.
    ok(register(client, world, "1", "1号楼", community="C2", who="sec2"), 201)

    r = client.get(f"{API}/buildings/{one['id']}", headers=world.h("ll1"))
    assert ok(r)["name"] == "1号楼" and r.headers["ETag"] == '"1"'
    listed = ok(
        client.get(f"{API}/buildings", params={"community_id": str(world.units["C1"])}, headers=world.h("sec1"))
    )
    assert [b["id"] for b in listed["items"]] == [two["id"], one["id"]]  # newest first
    history = ok(client.get(f"{API}/buildings/{one['id']}/history", headers=world.h("sec1")))["items"]
    assert [(h["action"], h["from_state"], h["to_state"], h["actor_id"]) for h in history] == [
        ("create", None, "registered", str(world.users["sec1"]))
    ]


def test_a_code_is_registered_once_per_community(client: TestClient, world: World) -> None:
    first = ok(register(client, world, "3", "3号楼"), 201)
    body = problem(register(client, world, "3", "3号楼(重复)", who="staff1"), 409, "duplicate")
    assert body["existing_id"] == first["id"]
    assert len(every_building(client, world)) == 1


def test_the_list_pages_and_filters(client: TestClient, world: World) -> None:
    ids = [ok(register(client, world, str(n), f"{n}号楼"), 201)["id"] for n in range(1, 6)]
    ok(register(client, world, "1", "1号楼", community="C2", who="sec2"), 201)
    first = ok(
        client.get(
            f"{API}/buildings", params={"limit": 3, "community_id": str(world.units["C1"])}, headers=world.h("jo")
        )
    )
    rest = ok(
        client.get(
            f"{API}/buildings",
            params={"limit": 3, "community_id": str(world.units["C1"]), "cursor": first["next_cursor"]},
            headers=world.h("jo"),
        )
    )
    assert [b["id"] for b in first["items"] + rest["items"]] == ids[::-1] and rest["next_cursor"] is None
    # sec1 sees C1's five, not C2's; the street's 司法所 all six.
    assert len(ok(client.get(f"{API}/buildings", headers=world.h("sec1")))["items"]) == 5
    assert len(ok(client.get(f"{API}/buildings", headers=world.h("jo")))["items"]) == 6
    problem(client.get(f"{API}/buildings", params={"limit": 0}, headers=world.h("jo")), 422, "validation_error")


def test_every_role_registering(client: TestClient, world: World) -> None:
    """Only the community's secretary and staff (and admins) register; in scope without the role is
    403, outside it (or an outsider, who sees no governance work) 404; nothing is written either way."""
    allowed = {"admin", "sec1", "staff1"}
    for who in EVERYONE:
        r = register(client, world, f"b-{who}", f"{who}楼", who=who)
        if who in allowed:
            ok(r, 201)
        else:
            problem(r, 403 if who in SEES_C1 else 404)
    assert {b["code"] for b in every_building(client, world)} == {f"b-{who}" for who in allowed}
    # A community secretary elsewhere reaches neither C1 nor its buildings.
    problem(register(client, world, "x", "x", who="sec3"), 404, "not_found")


def test_who_sees_a_building(client: TestClient, world: World) -> None:
    b = ok(register(client, world, "7", "7号楼"), 201)
    for who in EVERYONE:
        get = client.get(f"{API}/buildings/{b['id']}", headers=world.h(who))
        history = client.get(f"{API}/buildings/{b['id']}/history", headers=world.h(who))
        listed = ok(client.get(f"{API}/buildings", headers=world.h(who)))["items"]
        if who in SEES_C1:
            assert ok(get)["id"] == b["id"] and ok(history)["items"]
            assert [x["id"] for x in listed] == [b["id"]]
        else:
            problem(get, 404, "not_found")
            problem(history, 404, "not_found")
            assert listed == [], who
    assert OUTSIDERS.isdisjoint(SEES_C1)


BAD: list[tuple[str, Any]] = [
    ("no body", None),
    ("array", []),
    ("missing code", {"name": "1号楼"}),
    ("missing name", {"code": "1"}),
    ("blank name", {"code": "1", "name": "  "}),
    ("blank code", {"code": " ", "name": "1号楼"}),
    ("code with spaces", {"code": "1 号", "name": "1号楼"}),
    ("long name", {"code": "1", "name": "楼" * 201}),
    ("long code", {"code": "1" * 65, "name": "1号楼"}),
    ("NUL", {"code": "1", "name": "1号\u0000楼"}),
    ("unknown field", {"code": "1", "name": "1号楼", "floors": 6}),
    ("number name", {"code": "1", "name": 1}),
]


@pytest.mark.parametrize(("case", "fields"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_and_nothing_written(client: TestClient, world: World, case: str, fields: Any) -> None:
    body = fields if not isinstance(fields, dict) else {"community_id": str(world.units["C1"])} | fields
    r = client.post(f"{API}/buildings", json=body, headers=world.h("sec1"))
    problem(r, 422, "validation_error")
    assert every_building(client, world) == []


def test_only_a_community_has_buildings(client: TestClient, world: World) -> None:
    for unit in ("S1", "A1", "G1"):
        r = register(client, world, "1", "1号楼", community=unit, who="admin")
        assert problem(r, 422, "validation_error")["errors"][0]["field"] == "body.community_id"
    r = client.post(
        f"{API}/buildings", json={"community_id": "not-a-uuid", "code": "1", "name": "1"}, headers=world.h("sec1")
    )
    problem(r, 422, "validation_error")
    unknown = {"community_id": "00000000-0000-4000-8000-000000000000", "code": "1", "name": "1号楼"}
    problem(client.post(f"{API}/buildings", json=unknown, headers=world.h("admin")), 404, "not_found")
    problem(client.get(f"{API}/buildings/00000000-0000-4000-8000-000000000000", headers=world.h("admin")), 404)
    assert every_building(client, world) == []


def test_a_refused_caller_learns_nothing_from_the_body(client: TestClient, world: World) -> None:
    """Role before body: a caller without the role is 403 whatever it sends (API.md's order)."""
    body = {"community_id": str(world.units["C1"]), "code": " ", "name": ""}
    problem(client.post(f"{API}/buildings", json=body, headers=world.h("la1")), 403, "forbidden")
    problem(client.post(f"{API}/buildings", json=body, headers=world.h("res1")), 404, "not_found")
