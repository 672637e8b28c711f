"""Every role of the test world on every write of meetings (DOMAIN §4.2, §1): recorded by the
community's secretary or staff, a 联席会商 by the 司法所, the political-legal secretary or a leader in
charge; 403 for a caller who reaches the unit without the role, 404 outside it; a refused write
leaves nothing behind. And who sees a meeting: the staff roles of its unit and the units above."""

from fastapi.testclient import TestClient

from meetings.factories import (
    API,
    community_meeting,
    counts,
    create,
    done,
    joint_consultation,
    listed,
    ok,
    problem,
    record,
)
from world import USERS, World

ALL = [name for name, _, _ in USERS]

# Written from DOMAIN §1 and §4.2, not from the code under test.
COMMUNITY_RECORDERS = {"sec1", "staff1"}
STREET_RECORDERS = {"jo", "lic", "pls"}
# Who reaches C1 at all (a grant on C1, A1 or S1): the others are answered 404.
REACH_C1 = {
    "admin",
    "jo",
    "lic",
    "rol",
    "pls",
    "ll1",
    "sec1",
    "staff1",
    "la1",
    "med1",
    "smed",
    "pol1",
    "oc1",
    "pm1",
    "res1",
    "ic",
}
REACH_S1 = {"admin", "jo", "lic", "rol", "pls", "smed", "ic"}
# Who sees a meeting of C1: staff roles on C1 or above (not the grid worker below it, not departments).
SEES_C1 = {"admin", "jo", "lic", "rol", "pls", "ll1", "sec1", "staff1", "la1", "med1", "smed", "pol1"}
SEES_S1 = {"admin", "jo", "lic", "rol", "pls", "smed"}


def _expected(user: str, allowed: set[str], reach: set[str]) -> int:
    return 201 if user in allowed else 403 if user in reach else 404


def test_every_role_recording_a_community_meeting(client: TestClient, world: World) -> None:
    w = world
    for user in ALL:
        before = counts(w)
        r = create(client, w, user, community_meeting(w))
        expected = _expected(user, COMMUNITY_RECORDERS, REACH_C1)
        assert r.status_code == expected, (user, r.status_code, r.text)
        if expected != 201:
            problem(r, expected, "forbidden" if expected == 403 else "not_found")
            assert counts(w) == before, user


def test_every_role_recording_a_joint_consultation(client: TestClient, world: World) -> None:
    w = world
    for user in ALL:
        before = counts(w)
        r = create(client, w, user, joint_consultation(w))
        expected = _expected(user, STREET_RECORDERS, REACH_S1)
        assert r.status_code == expected, (user, r.status_code, r.text)
        if expected != 201:
            assert counts(w) == before, user


def test_the_role_is_checked_before_the_body(client: TestClient, world: World) -> None:
    """A caller without the role gets 403 whatever it sent; one outside the unit 404."""
    w = world
    bad = {"org_unit_id": str(w.units["C1"]), "kind": "governance_meeting", "held_at": "yesterday"}
    problem(create(client, w, "med1", bad), 403, "forbidden")
    problem(create(client, w, "sec2", bad), 404, "not_found")
    problem(create(client, w, "sec1", bad), 422, "validation_error")


def test_who_sees_a_meeting(client: TestClient, world: World) -> None:
    w = world
    c1 = record(client, w, "sec1", community_meeting(w))
    s1 = record(client, w, "pls", joint_consultation(w))
    c3 = record(client, w, "sec3", community_meeting(w, "C3", chair="sec3"))
    for user in ALL:
        seen = set(listed(client, w, user))
        expected = {
            m["id"] for m, sees in ((c1, SEES_C1), (s1, SEES_S1), (c3, {"admin", "jo2", "sec3"})) if user in sees
        }
        assert seen == expected, user
        for m, sees in ((c1, SEES_C1), (s1, SEES_S1)):
            r = client.get(f"{API}/meetings/{m['id']}", headers=w.h(user))
            assert r.status_code == (200 if user in sees else 404), (user, r.status_code)
            r = client.get(f"{API}/meetings/{m['id']}/history", headers=w.h(user))
            assert r.status_code == (200 if user in sees else 404), (user, r.status_code)


def test_every_role_closing_a_resolution(client: TestClient, world: World) -> None:
    w = world
    for body, recorder, allowed, sees in (
        (community_meeting(w), "sec1", COMMUNITY_RECORDERS, SEES_C1),
        (joint_consultation(w), "pls", STREET_RECORDERS, SEES_S1),
    ):
        body["resolutions"] = [{"text": f"事项{i}"} for i in range(len(allowed) + 1)]  # one stays open
        m = record(client, w, recorder, body)
        open_ids = [r["id"] for r in m["resolutions"]]
        for user in ALL:
            rid = open_ids[0]
            read = client.get(f"{API}/meetings/{m['id']}", headers=w.h(user))
            if read.status_code == 200:  # what the read offers agrees with what the write answers
                assert ("mark_resolution_done" in read.json()["allowed_activities"]) == (user in allowed), user
            before = counts(w)
            r = done(client, w, user, m["id"], rid)
            expected = 200 if user in allowed else 403 if user in sees else 404
            assert r.status_code == expected, (user, r.status_code, r.text)
            if expected == 200:
                open_ids.pop(0)
                assert r.json()["done"] is True
            else:
                assert counts(w) == before, user
        assert len(open_ids) == 1


def test_admin_reads_everything_and_records_nothing(client: TestClient, world: World) -> None:
    w = world
    m = record(client, w, "sec1", community_meeting(w))
    assert ok(client.get(f"{API}/meetings/{m['id']}", headers=w.h("admin")))["allowed_activities"] == []
    problem(done(client, w, "admin", m["id"], m["resolutions"][0]["id"]), 403, "forbidden")
