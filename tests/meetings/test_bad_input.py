"""Bad input on every write of meetings: each answered with its problem, and nothing written (no
meeting, no history row, no event, no version bump)."""

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from disputes.factories import dispute_body
from governance_api.roles import Role
from meetings.factories import API, community_meeting, counts, create, done, joint_consultation, ok, problem, record
from world import World

FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
MISSING = "00000000-0000-4000-8000-000000000000"


def _refused(client: TestClient, w: World, who: str, body: Any, status: int, code: str) -> dict[str, Any]:
    before = counts(w)
    answer = problem(create(client, w, who, body), status, code)
    assert counts(w) == before
    return answer


INVALID: list[tuple[str, Any]] = [
    ("held in the future", {"held_at": FUTURE}),
    ("a naive time", {"held_at": "2026-01-05T10:00:00"}),
    ("not a time", {"held_at": "yesterday"}),
    ("an unknown kind", {"kind": "tea_party"}),
    ("no agenda", {"agenda": []}),
    ("an agenda item without subject", {"agenda": [{"decision_id": MISSING}]}),
    ("blank minutes", {"minutes": "   "}),
    ("NUL in the minutes", {"minutes": "a\u0000b"}),
    ("an attendee without capacity", {"attendees": [{"name": "张三"}]}),
    ("attendees not a list", {"attendees": "张三"}),
    ("a resolution's bad due day", {"resolutions": [{"text": "t", "due_on": "31/01/2030"}]}),
    ("a blank resolution", {"resolutions": [{"text": ""}]}),
    ("legal_adviser_present not a boolean", {"legal_adviser_present": "maybe"}),
    ("an unknown field", {"venue": "会议室"}),
    ("a chair that is not an id", {"chair_user_id": "sec1"}),
]


@pytest.mark.parametrize(("case", "change"), INVALID, ids=[c for c, _ in INVALID])
def test_an_invalid_body_is_422(client: TestClient, world: World, case: str, change: dict[str, Any]) -> None:
    _refused(client, world, "sec1", community_meeting(world) | change, 422, "validation_error")


def test_missing_fields_are_422_each_named(client: TestClient, world: World) -> None:
    w = world
    body = {"kind": "governance_meeting", "org_unit_id": str(w.units["C1"])}
    errors = _refused(client, w, "sec1", body, 422, "validation_error")["errors"]
    named = {e["field"] for e in errors}
    assert {"body.held_at", "body.chair_user_id", "body.legal_adviser_present", "body.agenda", "body.minutes"} <= named


def test_the_kind_must_fit_the_unit(client: TestClient, world: World) -> None:
    w = world
    street = str(w.units["S1"])
    # A community's meeting at the street, by the street's recorder: 422 naming the unit.
    answer = _refused(client, w, "pls", joint_consultation(w, kind="governance_meeting"), 422, "validation_error")
    assert answer["errors"][0]["field"] == "body.org_unit_id"
    for kind in ("situation_analysis", "residents_council"):
        _refused(client, w, "jo", joint_consultation(w, kind=kind, org_unit_id=street), 422, "validation_error")
    # A 联席会商 in a community, and any meeting at a grid.
    _refused(client, w, "sec1", community_meeting(w, kind="joint_consultation"), 422, "validation_error")
    _refused(client, w, "sec1", community_meeting(w, org_unit_id=str(w.units["G1"])), 422, "validation_error")


def test_names_that_do_not_exist_are_404(client: TestClient, world: World) -> None:
    w = world
    _refused(client, w, "sec1", community_meeting(w, org_unit_id=MISSING), 404, "not_found")
    _refused(client, w, "sec1", community_meeting(w, chair_user_id=MISSING), 404, "not_found")
    _refused(
        client,
        w,
        "sec1",
        community_meeting(w, attendees=[{"user_id": MISSING, "name": "某", "capacity": "居民"}]),
        404,
        "not_found",
    )
    for link in ({"decision_id": MISSING}, {"dispute_id": MISSING}):
        _refused(client, w, "sec1", community_meeting(w, agenda=[{"subject": "s"} | link]), 404, "not_found")
    _refused(
        client,
        w,
        "pls",
        joint_consultation(w, resolutions=[{"text": "t", "responsible_unit_id": MISSING}]),
        404,
        "not_found",
    )


def test_a_department_of_another_street_is_404(client: TestClient, world: World) -> None:
    w = world
    other = str(w.units["C3"])
    _refused(
        client,
        w,
        "pls",
        joint_consultation(w, resolutions=[{"text": "t", "responsible_unit_id": other}]),
        404,
        "not_found",
    )


def _decision(client: TestClient, w: World, who: str, community: str) -> str:
    body = {
        "community_id": str(w.units[community]),
        "catalog_code": "elevator_installation",
        "title": "t",
        "description": "d",
    }
    return str(ok(client.post(f"{API}/decisions", json=body, headers=w.h(who)), 201)["id"])


def _dispute(client: TestClient, w: World, who: str, community: str) -> str:
    body = dispute_body(w, community_id=str(w.units[community]))
    return str(ok(client.post(f"{API}/disputes", json=body, headers=w.h(who)), 201)["id"])


def test_a_linked_record_outside_the_recorders_scope_is_404(client: TestClient, world: World) -> None:
    w = world
    decision, dispute = _decision(client, w, "sec3", "C3"), _dispute(client, w, "sec3", "C3")
    for link in ({"decision_id": decision}, {"dispute_id": dispute}):
        _refused(client, w, "sec1", community_meeting(w, agenda=[{"subject": "s"} | link]), 404, "not_found")
    # The street of C3 is not the 司法所 of S1's either.
    _refused(client, w, "jo", joint_consultation(w, agenda=[{"subject": "s", "dispute_id": dispute}]), 404, "not_found")


def test_a_linked_record_of_another_community_is_404_even_when_seen(client: TestClient, world: World) -> None:
    """A community's meeting discusses its own matters: a C2 dispute the recorder sees as C2's mediator
    is not on C1's agenda (a street's meeting may link any of its communities')."""
    w = world
    w.add_user("dual", (Role.community_secretary, "C1"), (Role.mediator, "C2"))
    dispute, decision = _dispute(client, w, "staff2", "C2"), _decision(client, w, "staff2", "C2")
    assert client.get(f"{API}/disputes/{dispute}", headers=w.h("dual")).status_code == 200
    _refused(
        client, w, "dual", community_meeting(w, agenda=[{"subject": "s", "dispute_id": dispute}]), 404, "not_found"
    )
    _refused(
        client, w, "dual", community_meeting(w, agenda=[{"subject": "s", "decision_id": decision}]), 404, "not_found"
    )
    m = record(
        client,
        w,
        "pls",
        joint_consultation(w, agenda=[{"subject": "s", "dispute_id": dispute, "decision_id": decision}]),
    )
    assert m["agenda"][0]["dispute_id"] == dispute


def test_malformed_json_is_400(client: TestClient, world: World) -> None:
    w = world
    before = counts(w)
    r = client.post(f"{API}/meetings", content=b"{not json", headers=w.h("sec1") | {"Content-Type": "application/json"})
    problem(r, 400, "bad_request")
    assert counts(w) == before


def test_closing_a_resolution_refuses_bad_input(client: TestClient, world: World) -> None:
    w = world
    m = record(client, w, "sec1", community_meeting(w))
    other = record(client, w, "sec1", community_meeting(w))
    mid, rid = m["id"], m["resolutions"][0]["id"]
    before = counts(w)
    problem(done(client, w, "sec1", mid, MISSING), 404, "not_found")
    problem(done(client, w, "sec1", mid, other["resolutions"][0]["id"]), 404, "not_found")  # another meeting's
    problem(done(client, w, "sec1", MISSING, rid), 404, "not_found")
    problem(done(client, w, "sec1", mid, rid, **{"If-Match": '"7"'}), 412, "version_conflict")
    for note in (None, "", "   ", "a\u0000b", 12):
        problem(done(client, w, "sec1", mid, rid, note), 422, "validation_error")
    r = client.post(f"{API}/meetings/{mid}/resolutions/{rid}/done", json={"note": "n", "extra": 1}, headers=w.h("sec1"))
    problem(r, 422, "validation_error")
    r = client.post(f"{API}/meetings/{mid}/resolutions/not-an-id/done", json={"note": "n"}, headers=w.h("sec1"))
    assert r.status_code in (404, 422)
    assert counts(w) == before
    # The right version is taken; the next write with the old one is stale.
    assert ok(done(client, w, "sec1", mid, rid, **{"If-Match": '"1"'}))["meeting_version"] == 2
    problem(done(client, w, "sec1", mid, m["resolutions"][1]["id"], **{"If-Match": '"1"'}), 412, "version_conflict")
    problem(done(client, w, "sec1", mid, rid), 409, "transition_not_allowed")  # done twice


def test_a_replayed_create_records_one_meeting(client: TestClient, world: World) -> None:
    w = world
    body = community_meeting(w)
    first = create(client, w, "sec1", body, **{"Idempotency-Key": "mtg-1"})
    again = create(client, w, "sec1", body, **{"Idempotency-Key": "mtg-1"})
    assert (first.status_code, again.status_code) == (201, 201) and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"] and counts(w)[0] == 1
    problem(
        create(client, w, "sec1", body | {"minutes": "另一次"}, **{"Idempotency-Key": "mtg-1"}),
        422,
        "idempotency_key_reuse",
    )
