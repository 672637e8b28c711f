"""The meetings list: filters (kind, unit subtree, discussed decision or dispute, held between),
newest recorded first, cursor paging, and 422 for a bad query."""

from fastapi.testclient import TestClient

from meetings.factories import API, community_meeting, hours_ago, joint_consultation, listed, ok, problem, record
from world import World


def test_filters_and_order(client: TestClient, world: World) -> None:
    w = world
    old = record(client, w, "sec1", community_meeting(w, held_at=hours_ago(24 * 30), kind="situation_analysis"))
    c2 = record(client, w, "sec2", community_meeting(w, "C2", chair="sec2", kind="residents_council"))
    s1 = record(client, w, "jo", joint_consultation(w, chair="lic"))
    c1 = record(client, w, "staff1", community_meeting(w))
    everything = [c1["id"], s1["id"], c2["id"], old["id"]]  # newest recorded first
    assert listed(client, w, "jo") == everything
    assert listed(client, w, "jo", kind="joint_consultation") == [s1["id"]]
    assert listed(client, w, "jo", kind="situation_analysis") == [old["id"]]
    assert listed(client, w, "jo", org_unit_id=str(w.units["C1"])) == [c1["id"], old["id"]]
    assert listed(client, w, "jo", org_unit_id=str(w.units["A1"])) == [c1["id"], c2["id"], old["id"]]
    assert listed(client, w, "jo", org_unit_id=str(w.units["S1"])) == everything
    assert listed(client, w, "jo", org_unit_id="00000000-0000-4000-8000-000000000000") == []
    assert listed(client, w, "jo", held_to=hours_ago(24)) == [old["id"]]
    assert listed(client, w, "jo", held_from=hours_ago(24)) == [c1["id"], s1["id"], c2["id"]]
    assert listed(client, w, "jo", held_from=hours_ago(24 * 31), held_to=hours_ago(24 * 29)) == [old["id"]]
    assert listed(client, w, "jo", decision_id="00000000-0000-4000-8000-000000000000") == []
    # Scope applies under every filter: C1's staff sees C1's meetings only.
    assert listed(client, w, "staff1") == [c1["id"], old["id"]]
    assert listed(client, w, "staff1", org_unit_id=str(w.units["S1"])) == [c1["id"], old["id"]]


def test_paging(client: TestClient, world: World) -> None:
    w = world
    ids = [record(client, w, "sec1", community_meeting(w))["id"] for _ in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = ok(client.get(f"{API}/meetings", params=params, headers=w.h("sec1")))
        assert len(page["items"]) <= 2
        seen += [m["id"] for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids[::-1]


def test_a_bad_query_is_422(client: TestClient, world: World) -> None:
    w = world
    for params in (
        {"limit": 0},
        {"limit": 201},
        {"kind": "tea_party"},
        {"held_from": "2026-01-01T00:00:00"},
        {"held_to": "last week"},
        {"decision_id": "not-an-id"},
        {"dispute_id": "1"},
        {"org_unit_id": "C1"},
    ):
        problem(client.get(f"{API}/meetings", params=params, headers=w.h("sec1")), 422, "validation_error")
    problem(client.get(f"{API}/meetings", params={"cursor": "garbage"}, headers=w.h("sec1")), 422)
    problem(client.get(f"{API}/meetings"), 401, "unauthorized")
