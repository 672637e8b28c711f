"""Bad input on every endpoint → a 4xx problem (never 500), and nothing written."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from decisions.factories import API, PLAN, act, create, decision_in, get, history_len, meeting, ok, post, problem
from world import World

LONG = "长" * 5001
BAD_UUID = "not-a-uuid"


def _create_body(w: World, **over: Any) -> dict[str, Any]:
    return {
        "community_id": str(w.units["C1"]),
        "catalog_code": "corridor_clearance",
        "title": "t",
        "description": "d",
    } | over


CREATE_CASES = [
    ({"amount": "-1.00"}, 422),
    ({"amount": "0"}, 422),
    ({"amount": "abc"}, 422),
    ({"amount": "1.001"}, 422),
    ({"amount": "NaN"}, 422),
    ({"title": ""}, 422),
    ({"title": "t" * 201}, 422),
    ({"description": LONG}, 422),
    ({"catalog_code": "no_such_entry"}, 422),
    ({"catalog_code": "Bad Code!"}, 422),
    ({"community_id": BAD_UUID}, 422),
    ({"community_id": "00000000-0000-4000-8000-000000000000"}, 404),
    ({"unexpected": 1}, 422),
]


def test_create_rejects_bad_input(client: TestClient, world: World) -> None:
    for over, status in CREATE_CASES:
        r = client.post(f"{API}/decisions", json=_create_body(world, **over), headers=world.h("sec1"))
        assert r.status_code == status, (over, r.text)
        problem(r, status)
    assert ok(client.get(f"{API}/decisions", headers=world.h("admin")))["items"] == []


def test_create_rejects_non_json_and_non_object(client: TestClient, world: World) -> None:
    h = world.h("sec1")
    problem(
        client.post(f"{API}/decisions", content=b"{not json", headers=h | {"content-type": "application/json"}),
        400,
        "bad_request",
    )
    problem(client.post(f"{API}/decisions", json=[1, 2], headers=h), 422, "validation_error")
    problem(
        client.post(f"{API}/decisions", json=_create_body(world, community_id=str(world.units["G1"])), headers=h),
        422,
        "validation_error",
    )  # a grid is not a community


def test_threshold_boundary(client: TestClient, world: World) -> None:
    """以上 includes the boundary: 50000.00 is major, 49999.99 is not (422 not_a_major_decision)."""
    body = _create_body(world, catalog_code="maintenance_fund_use")
    got = problem(client.post(f"{API}/decisions", json=body | {"amount": "49999.99"}, headers=world.h("sec1")), 422)
    assert got["code"] == "not_a_major_decision"
    ok(client.post(f"{API}/decisions", json=body | {"amount": "50000.00"}, headers=world.h("sec1")), 201)
    d = create(client, world, code="maintenance_fund_use")
    problem(act(client, world, "sec1", d["id"], "propose", PLAN | {"amount": "49999.99"}), 422, "not_a_major_decision")
    assert get(client, world, d["id"])["state"] == "listed"
    ok(act(client, world, "sec1", d["id"], "propose", PLAN | {"amount": "50000"}))


ACTION_CASES = [
    ("listed", "sec1", "propose", {"plan": 5, "scope": "s", "schedule": "t"}),
    ("listed", "sec1", "propose", PLAN | {"amount": "-5"}),
    ("listed", "sec1", "propose", PLAN | {"plan": LONG}),
    ("listed", "sec1", "propose", PLAN | {"extra": True}),
    ("proposed", "sec1", "open_consultation", {"total_area_m2": "0"}),
    ("proposed", "sec1", "open_consultation", {"total_area_m2": "-10.00", "total_owners": 3}),
    ("proposed", "sec1", "open_consultation", {"total_area_m2": "100.00", "total_owners": 0}),
    ("proposed", "sec1", "open_consultation", {"total_area_m2": "abc", "total_owners": 3}),
    ("proposed", "sec1", "open_consultation", {"eligible_residents": -1}),
    ("consulting", "sec1", "revise", {"reason": 1}),
    ("legal_review", "jo", "approve", {"conclusion": "maybe", "conditions": []}),
    ("legal_review", "jo", "approve", {"conditions": []}),
    ("legal_review", "jo", "approve", {"conclusion": "approved", "conditions": ["x"]}),
    ("legal_review", "jo", "approve", {"conclusion": "approved_with_conditions", "conditions": [""]}),
    ("legal_review", "jo", "reject", {"reason": LONG}),
    ("implementing", "sec1", "complete", {"summary": ["x"]}),
    ("listed", "sec1", "withdraw", {"why": "x"}),
]


@pytest.mark.parametrize(("state", "who", "action", "body"), ACTION_CASES)
def test_action_rejects_bad_body(
    client: TestClient, world: World, state: str, who: str, action: str, body: Any
) -> None:
    d = decision_in(client, world, state)
    n = history_len(client, world, d["id"])
    problem(act(client, world, who, d["id"], action, body), 422, "validation_error")
    after = get(client, world, d["id"])
    assert (after["state"], after["version"], history_len(client, world, d["id"])) == (state, d["version"], n)


def _owners(client: TestClient, world: World) -> str:
    d = create(client, world, code="elevator_installation")
    ok(act(client, world, "sec1", d["id"], "propose", PLAN))
    ok(act(client, world, "sec1", d["id"], "open_consultation", {"total_area_m2": "300.00", "total_owners": 3}))
    return str(d["id"])


BALLOT_CASES = [
    {"unit_ref": "u", "area_m2": "-1", "choice": "for"},
    {"unit_ref": "u", "area_m2": "0", "choice": "for"},
    {"unit_ref": "u", "area_m2": "0.00", "choice": "for"},
    {"unit_ref": "u", "area_m2": "ten", "choice": "for"},
    {"unit_ref": "u", "area_m2": "10.123", "choice": "for"},
    {"unit_ref": "u", "area_m2": "10", "choice": "yes"},
    {"unit_ref": "", "area_m2": "10", "choice": "for"},
    {"unit_ref": "u" * 101, "area_m2": "10", "choice": "for"},
    {"unit_ref": "u", "area_m2": "10", "choice": "for", "weight": 2},
    {"unit_ref": "u", "area_m2": "300.01", "choice": "for"},  # over the scope's total area
    {"area_m2": "10", "choice": "for"},
]


def test_ballot_rejects_bad_input(client: TestClient, world: World) -> None:
    did = _owners(client, world)
    version = get(client, world, did)["version"]
    for body in BALLOT_CASES:
        r = post(client, world, "sec1", did, "ballots", body)
        assert r.status_code == 422, (body, r.text)
        problem(r, 422, "validation_error")
    assert get(client, world, did, sub="/ballots")["items"] == []
    assert get(client, world, did)["version"] == version


def test_ballot_duplicates_owner_counts_and_choices(client: TestClient, world: World) -> None:
    did = _owners(client, world)
    ok(
        post(
            client,
            world,
            "sec1",
            did,
            "ballots",
            {"unit_ref": "1", "area_m2": "100", "choice": "for", "owner_ref": "王"},
        )
    )
    problem(
        post(client, world, "sec1", did, "ballots", {"unit_ref": "1", "area_m2": "50", "choice": "for"}),
        409,
        "duplicate",
    )
    # The same owner with another unit must carry the same choice.
    problem(
        post(
            client,
            world,
            "sec1",
            did,
            "ballots",
            {"unit_ref": "2", "area_m2": "50", "choice": "against", "owner_ref": "王"},
        ),
        422,
    )
    ok(
        post(
            client,
            world,
            "sec1",
            did,
            "ballots",
            {"unit_ref": "2", "area_m2": "50", "choice": "for", "owner_ref": "王"},
        )
    )
    ok(post(client, world, "sec1", did, "ballots", {"unit_ref": "3", "area_m2": "50", "choice": "against"}))
    ok(post(client, world, "sec1", did, "ballots", {"unit_ref": "4", "area_m2": "50", "choice": "abstain"}))
    # A fourth owner is more than total_owners = 3 (area would still fit).
    problem(post(client, world, "sec1", did, "ballots", {"unit_ref": "5", "area_m2": "1", "choice": "for"}), 422)
    tally = get(client, world, did, sub="/tally")
    assert tally["totals"]["participating_owners"] == "3" and tally["totals"]["participating_area_m2"] == "250.00"
    assert len(get(client, world, did, sub="/ballots")["items"]) == 4


def test_ballots_only_for_owners_rules(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "consulting")
    problem(post(client, world, "sec1", d["id"], "ballots", {"unit_ref": "1", "area_m2": "10", "choice": "for"}), 422)


MEETING_CASES = [
    meeting(kind="assembly"),
    meeting(attendees=-1),
    meeting(attendees="many"),
    meeting(votes_for=10, votes_against=10, attendees=15),
    meeting(held_at="yesterday"),
    meeting(held_at="2026-01-01T08:00:00"),  # no time zone
    meeting(held_at="2999-01-01T08:00:00Z"),  # in the future
    meeting(minutes=""),
    meeting(minutes=LONG),
    meeting(extra=1),
]


def test_meeting_rejects_bad_input(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "consulting")
    for body in MEETING_CASES:
        r = post(client, world, "sec1", d["id"], "meetings", body)
        assert r.status_code == 422, (body, r.text)
        problem(r, 422, "validation_error")
    assert get(client, world, d["id"], sub="/meetings")["items"] == []
    assert get(client, world, d["id"])["version"] == d["version"]


SUB_CASES = [
    ("legal-opinions", "legal_review", "la1", {"conclusion": "fine", "opinion": "o"}),
    ("legal-opinions", "legal_review", "la1", {"conclusion": "lawful", "opinion": ""}),
    ("legal-opinions", "legal_review", "la1", {"conclusion": "lawful", "opinion": LONG}),
    ("progress", "implementing", "sec1", {"content": ""}),
    ("progress", "implementing", "sec1", {"content": "x", "extra": 1}),
    ("publicity", "implementing", "sec1", {"content": "x", "channel": "c" * 201}),
    ("typical-case", "closed", "jo", {"note": 5}),
]


@pytest.mark.parametrize("state", ["legal_review", "implementing", "closed"])
def test_sub_resources_reject_bad_input(client: TestClient, world: World, state: str) -> None:
    d = decision_in(client, world, state)
    for sub, _, who, body in (c for c in SUB_CASES if c[1] == state):
        r = post(client, world, who, d["id"], sub, body)
        assert r.status_code == 422, (sub, body, r.text)
        problem(r, 422, "validation_error")
    assert get(client, world, d["id"])["version"] == d["version"]


FILING_CASES = [
    {"response": "maybe", "opinion": "o"},
    {"response": "acknowledged"},
    {"response": "acknowledged", "opinion": LONG},
    {"response": "acknowledged", "opinion": "o", "x": 1},
]


def test_filing_response_rejects_bad_input(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "filing")
    f = next(f for f in get(client, world, d["id"], sub="/filings")["items"] if f["target_role"] == "leader_in_charge")
    for body in FILING_CASES:
        r = post(client, world, "lic", d["id"], f"filings/{f['id']}/response", body)
        assert r.status_code == 422, (body, r.text)
        problem(r, 422, "validation_error")
    assert (
        next(x for x in get(client, world, d["id"], sub="/filings")["items"] if x["id"] == f["id"])["response"] is None
    )


BAD_READS = [
    f"/decisions/{BAD_UUID}",
    f"/decisions/{BAD_UUID}/history",
    f"/decisions/{BAD_UUID}/tally",
    f"/decisions/{BAD_UUID}/ballots",
    "/decisions?limit=0",
    "/decisions?limit=201",
    f"/decisions?org_unit_id={BAD_UUID}",
    "/decisions?created_from=yesterday",
    "/decisions?cursor=garbage",
    "/decisions?q=" + "q" * 201,
    "/decision-catalog?limit=-1",
    "/decision-catalog/Bad Code",
]


def test_bad_paths_and_queries(client: TestClient, world: World) -> None:
    for path in BAD_READS:
        r = client.get(f"{API}{path}", headers=world.h("sec1"))
        assert 400 <= r.status_code < 500, (path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")


def test_bad_ids_on_writes(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "filing")
    h = world.h("lic")
    for path in (
        f"/decisions/{d['id']}/filings/{BAD_UUID}/response",
        f"/decisions/{BAD_UUID}/actions/propose",
        f"/decisions/{d['id']}/conditions/{BAD_UUID}/met",
    ):
        problem(client.post(f"{API}{path}", json={}, headers=h), 422)
    missing = "00000000-0000-4000-8000-000000000000"
    problem(
        client.post(
            f"{API}/decisions/{d['id']}/filings/{missing}/response",
            json={"response": "acknowledged", "opinion": "o"},
            headers=h,
        ),
        404,
    )
    problem(client.post(f"{API}/decisions/{d['id']}/actions/nonsense", json={}, headers=h), 404)


def test_if_match_mismatch_is_412_and_changes_nothing(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "consulting")
    r = client.get(f"{API}/decisions/{d['id']}", headers=world.h("sec1"))
    assert r.headers["ETag"] == f'"{d["version"]}"'
    stale = {"If-Match": f'"{d["version"] - 1}"'}
    problem(act(client, world, "sec1", d["id"], "revise", {"reason": "r"}, **stale), 412, "version_conflict")
    problem(post(client, world, "sec1", d["id"], "meetings", meeting(), **stale), 412, "version_conflict")
    problem(post(client, world, "sec1", d["id"], "meetings", meeting(), **{"If-Match": "garbage"}), 412)
    assert get(client, world, d["id"])["version"] == d["version"]
    m = ok(post(client, world, "sec1", d["id"], "meetings", meeting(), **{"If-Match": f'"{d["version"]}"'}))
    assert m["decision_version"] == d["version"] + 1
    ok(act(client, world, "sec1", d["id"], "revise", {"reason": "r"}, **{"If-Match": f'"{d["version"] + 1}"'}))
