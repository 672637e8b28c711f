"""Bad input on every write of a working body: a 4xx problem, and nothing written. Also the order of
checks: scope (404) → If-Match (412) → state / an ended member (409) → role (403) → body (422) →
duplicates (409)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from bodies.factories import GROUP, TASK_FORCE, add, create_body, end, every_body, group, history, member, read
from buildings.factories import API, ok, problem
from governance_api.models.org import User
from governance_api.roles import Role
from world import World

NOBODY = "00000000-0000-4000-8000-000000000000"

BAD_CREATE: list[tuple[str, Any]] = [
    ("no body", None),
    ("missing kind", {"name": "小组"}),
    ("unknown kind", {"kind": "committee", "name": "小组"}),
    ("missing name", {"kind": GROUP}),
    ("blank name", {"kind": GROUP, "name": " \u3000"}),
    ("NUL", {"kind": GROUP, "name": "小\u0000组"}),
    ("unknown field", {"kind": GROUP, "name": "小组", "leader": "sec1"}),
]


@pytest.mark.parametrize(("case", "fields"), BAD_CREATE, ids=[b[0] for b in BAD_CREATE])
def test_bad_create(client: TestClient, world: World, case: str, fields: Any) -> None:
    body = fields if fields is None else {"org_unit_id": str(world.units["C1"])} | fields
    problem(client.post(f"{API}/working-bodies", json=body, headers=world.h("sec1")), 422, "validation_error")
    assert every_body(client, world) == []


def test_a_body_sits_on_its_kind_of_unit(client: TestClient, world: World) -> None:
    # A street-scoped 司法所 holds no community-secretary role: 403 before the unit's kind is checked.
    problem(create_body(client, world, GROUP, "S1", "jo"), 403, "forbidden")
    world.add_user("ssec", (Role.community_secretary, "S1"))
    r = create_body(client, world, GROUP, "S1", "ssec")
    assert problem(r, 422, "validation_error")["errors"][0]["field"] == "body.org_unit_id"
    problem(create_body(client, world, TASK_FORCE, "C1", "jo"), 422, "validation_error")
    problem(create_body(client, world, TASK_FORCE, "D1", "jo"), 422, "validation_error")
    unknown = {"kind": GROUP, "org_unit_id": NOBODY, "name": "小组"}
    problem(client.post(f"{API}/working-bodies", json=unknown, headers=world.h("admin")), 404, "not_found")
    assert every_body(client, world) == []


BAD_MEMBER: list[tuple[str, Any]] = [
    ("no body", None),
    ("neither user nor name", {"position": "member", "duty": "组员", "from_date": "2026-01-01"}),
    ("unknown position", member(position="deputy")),
    ("missing duty", {"name": "甲", "position": "member", "from_date": "2026-01-01"}),
    ("blank duty", member(duty=" ")),
    ("missing from_date", {"name": "甲", "position": "member", "duty": "组员"}),
    ("bad date", member(from_date="2026-02-30")),
    ("a time, not a day", member(from_date="2026-01-01T08:00:00Z")),
    ("to_date before from_date", member(to_date="2025-12-31")),
    ("bad user id", member(user_id="sec1")),
    ("NUL", member(organisation="物\u0000业")),
    ("unknown field", member(phone="13800000000")),
]


@pytest.mark.parametrize(("case", "fields"), BAD_MEMBER, ids=[b[0] for b in BAD_MEMBER])
def test_bad_member(client: TestClient, world: World, case: str, fields: Any) -> None:
    g = group(client, world)
    problem(add(client, world, g["id"], fields), 422, "validation_error")
    after = read(client, world, g["id"])
    assert (after["version"], after["members"], len(history(client, world, g["id"]))) == (1, [], 1)


def test_a_member_user_is_an_active_user(client: TestClient, world: World) -> None:
    g = group(client, world)
    problem(add(client, world, g["id"], member(user_id=NOBODY)), 404, "not_found")
    gone = world.add_user("gone")
    with world.db.transaction() as s:
        user = s.get(User, gone)
        assert user is not None
        user.active = False
    problem(
        add(
            client,
            world,
            g["id"],
            {"user_id": str(gone), "position": "member", "duty": "组员", "from_date": "2026-01-01"},
        ),
        404,
    )
    assert read(client, world, g["id"])["members"] == []


def test_ending_a_membership(client: TestClient, world: World) -> None:
    g = group(client, world)
    m = ok(add(client, world, g["id"], member(from_date="2026-03-01")), 201)
    for bad in (
        None,
        {},
        {"to_date": "someday"},
        {"to_date": "2026-05-01", "note": "x"},
        {"to_date": "2026-05-01", "reason": " "},
    ):
        problem(end(client, world, g["id"], m["id"], bad), 422, "validation_error")
    r = end(client, world, g["id"], m["id"], {"to_date": "2026-02-28"})
    assert problem(r, 422, "validation_error")["errors"][0]["field"] == "body.to_date"
    problem(end(client, world, g["id"], NOBODY, {"to_date": "2026-05-01"}), 404, "not_found")
    other = group(client, world, "C2", "sec2")
    foreign = ok(add(client, world, other["id"], member(), who="sec2"), 201)
    problem(end(client, world, g["id"], foreign["id"], {"to_date": "2026-05-01"}), 404, "not_found")
    assert read(client, world, g["id"])["version"] == 2
    ok(end(client, world, g["id"], m["id"], {"to_date": "2026-03-01", "reason": "调离"}))  # one day served
    # An ended membership stays ended: a second end is refused, whoever asks and whatever the body.
    problem(end(client, world, g["id"], m["id"], {"to_date": "2026-09-01"}), 409, "transition_not_allowed")
    problem(end(client, world, g["id"], m["id"], {}), 409, "transition_not_allowed")
    problem(end(client, world, g["id"], m["id"], {"to_date": "2026-09-01"}, who="la1"), 409)
    after = read(client, world, g["id"], who="sec1")
    assert after["version"] == 3 and after["members"][0]["to_date"] == "2026-03-01"
    assert after["allowed_activities"] == ["add_member"]  # nothing left to end


def test_if_match(client: TestClient, world: World) -> None:
    g = group(client, world)
    problem(add(client, world, g["id"], member(), **{"If-Match": '"7"'}), 412, "version_conflict")
    m = ok(add(client, world, g["id"], member(), **{"If-Match": '"1"'}), 201)
    assert m["body_version"] == 2
    r = client.post(
        f"{API}/working-bodies/{g['id']}/members/{m['id']}/end",
        json={"to_date": "2026-05-01"},
        headers=world.h("sec1") | {"If-Match": '"1"'},
    )
    problem(r, 412, "version_conflict")
    # Scope before If-Match: outside it the record does not exist.
    problem(add(client, world, g["id"], member(), who="sec3", **{"If-Match": '"7"'}), 404)
    r = client.get(f"{API}/working-bodies/{g['id']}", headers=world.h("sec1"))
    assert r.headers["ETag"] == '"2"'
    assert (
        client.get(f"{API}/working-bodies/{g['id']}", headers=world.h("sec1") | {"If-None-Match": '"2"'}).status_code
        == 304
    )


def test_an_end_shortens_a_term_never_lengthens_it(client: TestClient, world: World) -> None:
    """A leader whose term is set to end, a new leader from the next day: ending the first one later
    than its term would make two leaders at once (one 组长 at a time), so it is 422."""
    g = group(client, world)
    first = ok(
        add(client, world, g["id"], member("老组长", "leader", from_date="2026-01-01", to_date="2026-06-30")), 201
    )
    ok(add(client, world, g["id"], member("新组长", "leader", from_date="2026-07-01")), 201)
    r = end(client, world, g["id"], first["id"], {"to_date": "2026-12-31"})
    assert problem(r, 422, "validation_error")["errors"][0]["field"] == "body.to_date"
    ok(end(client, world, g["id"], first["id"], {"to_date": "2026-05-31", "reason": "提前卸任"}))
