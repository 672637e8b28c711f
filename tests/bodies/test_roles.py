"""Every world user on every write of a working body: the community secretary manages the group, the
司法所 and the political-legal secretary the task force (DOMAIN.md §4.1). In scope without the role
is 403, outside it — or an outsider, who sees no governance work — 404; nothing changes either way."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from bodies.factories import (
    GROUP,
    TASK_FORCE,
    add,
    create_body,
    end,
    every_body,
    group,
    history,
    member,
    read,
    task_force,
)
from buildings.factories import API, EVERYONE, SEES_C1, SEES_S1, ok, problem
from world import World

# (kind, unit, who manages, who sees the unit's records)
KINDS = [(GROUP, "C1", {"sec1"}, SEES_C1), (TASK_FORCE, "S1", {"jo", "pls"}, SEES_S1)]


@pytest.mark.parametrize(("kind", "unit", "managers", "sees"), KINDS, ids=[k[0] for k in KINDS])
def test_every_role_setting_up_a_body(
    client: TestClient, world: World, kind: str, unit: str, managers: set[str], sees: set[str]
) -> None:
    for who in EVERYONE:
        if who not in managers:
            problem(create_body(client, world, kind, unit, who), 403 if who in sees else 404)
    assert every_body(client, world) == []
    ok(create_body(client, world, kind, unit, sorted(managers)[0]), 201)
    # Another street's 司法所 and another community's secretary reach neither.
    problem(create_body(client, world, kind, unit, "jo2"), 404, "not_found")
    problem(create_body(client, world, kind, unit, "sec3"), 404, "not_found")


def _body(client: TestClient, world: World, kind: str) -> dict[str, Any]:
    return group(client, world) if kind == GROUP else task_force(client, world)


@pytest.mark.parametrize(("kind", "unit", "managers", "sees"), KINDS, ids=[k[0] for k in KINDS])
def test_every_role_adding_and_ending_members(
    client: TestClient, world: World, kind: str, unit: str, managers: set[str], sees: set[str]
) -> None:
    b = _body(client, world, kind)
    boss = sorted(managers)[0]
    existing = ok(add(client, world, b["id"], member("在册成员"), who=boss), 201)
    version, steps = read(client, world, b["id"])["version"], len(history(client, world, b["id"]))
    for who in EVERYONE:
        if who in managers:
            continue
        status = 403 if who in sees else 404
        problem(add(client, world, b["id"], member(f"{who}的人"), who=who), status)
        problem(end(client, world, b["id"], existing["id"], {"to_date": "2026-05-01"}, who=who), status)
    after = read(client, world, b["id"])
    assert (after["version"], len(after["members"]), after["members"][0]["ended"]) == (version, 1, False)
    assert len(history(client, world, b["id"])) == steps
    for who in sorted(managers):
        assert read(client, world, b["id"], who=who)["allowed_activities"] == ["add_member", "end_member"]
        m = ok(add(client, world, b["id"], member(f"{who}增补"), who=who), 201)
        ok(end(client, world, b["id"], m["id"], {"to_date": "2026-05-01"}, who=who))
    for who in sees - managers:
        assert read(client, world, b["id"], who=who)["allowed_activities"] == []


def test_who_sees_a_body(client: TestClient, world: World) -> None:
    g = group(client, world)
    ok(add(client, world, g["id"], member()), 201)
    tf = task_force(client, world)
    for who in EVERYONE:
        listed = {b["id"] for b in ok(client.get(f"{API}/working-bodies", headers=world.h(who)))["items"]}
        expected = {g["id"]} if who in SEES_C1 else set()
        expected |= {tf["id"]} if who in SEES_S1 else set()
        assert listed == expected, who
        for body, sees in ((g, SEES_C1), (tf, SEES_S1)):
            for sub in ("", "/members", "/history"):
                r = client.get(f"{API}/working-bodies/{body['id']}{sub}", headers=world.h(who))
                if who in sees:
                    ok(r)
                else:
                    problem(r, 404, "not_found")
