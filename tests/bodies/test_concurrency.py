"""Races against a real server: concurrent registrations of one building code, set-ups of one
community's group, leaders added to one group and ends of one membership each have exactly one
winner; the others see 409 and nothing else is written."""

from fastapi.testclient import TestClient

from bodies.factories import add, every_body, group, history, member, read
from buildings.factories import API, every_building, ok
from decisions.test_concurrency import RACERS, race
from world import World


def test_one_building_code_is_registered_once(client: TestClient, world: World, live_server: str) -> None:
    body = {"community_id": str(world.units["C1"]), "code": "9", "name": "9号楼"}
    codes = race(live_server, world.h("staff1"), f"{API}/buildings", body)
    assert sorted(codes) == [201] + [409] * (RACERS - 1), codes
    assert len(every_building(client, world)) == 1


def test_one_group_per_community(client: TestClient, world: World, live_server: str) -> None:
    body = {"kind": "governance_group", "org_unit_id": str(world.units["C1"]), "name": "工作小组"}
    codes = race(live_server, world.h("sec1"), f"{API}/working-bodies", body)
    assert sorted(codes) == [201] + [409] * (RACERS - 1), codes
    assert len(every_body(client, world)) == 1


def test_one_leader_at_a_time(client: TestClient, world: World, live_server: str) -> None:
    g = group(client, world)
    codes = race(live_server, world.h("sec1"), f"{API}/working-bodies/{g['id']}/members", member("组长", "leader"))
    assert sorted(codes) == [201] + [409] * (RACERS - 1), codes
    assert len(read(client, world, g["id"])["members"]) == 1
    assert [h["action"] for h in history(client, world, g["id"])] == ["create", "add_member"]


def test_a_membership_ends_once(client: TestClient, world: World, live_server: str) -> None:
    g = group(client, world)
    m = ok(add(client, world, g["id"], member()), 201)
    path = f"{API}/working-bodies/{g['id']}/members/{m['id']}/end"
    codes = race(live_server, world.h("sec1"), path, {"to_date": "2026-06-30"})
    assert sorted(codes) == [200] + [409] * (RACERS - 1), codes
    assert [h["action"] for h in history(client, world, g["id"])].count("end_member") == 1
