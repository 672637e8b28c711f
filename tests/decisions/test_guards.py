"""Each guard failing alone → 409 guard_failed with the right ``unmet``; nothing changed."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from decisions.factories import (
    API,
    PLAN,
    act,
    answer_filings,
    create,
    decision_in,
    get,
    history_len,
    ok,
    post,
    problem,
)
from world import World


def assert_refused(client: TestClient, w: World, did: str, who: str, action: str, body: Any, unmet: list[str]) -> None:
    before, n = get(client, w, did), history_len(client, w, did)
    got = problem(act(client, w, who, did, action, body), 409, "guard_failed")
    assert got["unmet"] == unmet
    after = get(client, w, did)
    assert (after["state"], after["version"]) == (before["state"], before["version"])
    assert history_len(client, w, did) == n


@pytest.mark.parametrize("field", ["plan", "scope", "schedule"])
def test_propose_needs_plan_scope_schedule(client: TestClient, world: World, field: str) -> None:
    d = create(client, world)
    assert_refused(client, world, d["id"], "sec1", "propose", PLAN | {field: " "}, [field])
    body = {k: v for k, v in PLAN.items() if k != field}
    assert_refused(client, world, d["id"], "sec1", "propose", body, [field])


def test_propose_needs_amount_where_the_entry_has_a_threshold(client: TestClient, world: World) -> None:
    d = create(client, world, code="maintenance_fund_use", title="维修资金使用")
    assert_refused(client, world, d["id"], "sec1", "propose", PLAN, ["amount"])
    ok(act(client, world, "sec1", d["id"], "propose", PLAN | {"amount": "50000.00"}))


@pytest.mark.parametrize(
    ("code", "body", "unmet"),
    [
        ("parking_management", {"total_owners": 10}, ["total_area_m2"]),
        ("parking_management", {"total_area_m2": "100.00"}, ["total_owners"]),
        ("parking_management", {}, ["total_area_m2", "total_owners"]),
        ("residents_convention", {}, ["eligible_residents"]),
    ],
)
def test_open_consultation_needs_the_voting_scope(
    client: TestClient, world: World, code: str, body: dict[str, Any], unmet: list[str]
) -> None:
    d = create(client, world, code=code)
    ok(act(client, world, "sec1", d["id"], "propose", PLAN))
    assert_refused(client, world, d["id"], "sec1", "open_consultation", body, unmet)


def test_confirm_consensus_needs_a_consultation_meeting(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "consulting")
    assert_refused(client, world, d["id"], "sec1", "confirm_consensus", {}, ["consultation_meeting"])


def test_confirm_consensus_names_the_failing_threshold(client: TestClient, world: World) -> None:
    d = create(client, world, code="elevator_installation")
    ok(act(client, world, "sec1", d["id"], "propose", PLAN))
    ok(act(client, world, "sec1", d["id"], "open_consultation", {"total_area_m2": "400.00", "total_owners": 4}))
    for i, choice in enumerate(["for", "for", "for", "against"]):
        ok(
            post(
                client, world, "sec1", d["id"], "ballots", {"unit_ref": f"u{i}", "area_m2": "100.00", "choice": choice}
            )
        )
    # 3 of 4 owners and 300 of 400 m² for: exactly 3/4, holds. Make the area fail alone:
    d2 = create(client, world, code="elevator_installation")
    ok(act(client, world, "sec1", d2["id"], "propose", PLAN))
    ok(act(client, world, "sec1", d2["id"], "open_consultation", {"total_area_m2": "400.00", "total_owners": 4}))
    for i, (choice, area) in enumerate([("for", "90.00"), ("for", "100.00"), ("for", "100.00"), ("against", "110.00")]):
        ok(post(client, world, "sec1", d2["id"], "ballots", {"unit_ref": f"u{i}", "area_m2": area, "choice": choice}))
    assert_refused(client, world, d2["id"], "sec1", "confirm_consensus", {}, ["special_majority_area"])
    ok(act(client, world, "sec1", d["id"], "confirm_consensus"))


def test_residents_meeting_rule_data(client: TestClient, world: World) -> None:
    d = create(client, world, code="residents_convention")
    ok(act(client, world, "sec1", d["id"], "propose", PLAN))
    ok(act(client, world, "sec1", d["id"], "open_consultation", {"eligible_residents": 100}))
    assert_refused(client, world, d["id"], "sec1", "confirm_consensus", {}, ["residents_meeting_recorded"])
    meet = {"held_at": "2026-03-01T02:00:00Z", "kind": "residents_meeting", "minutes": "居民会议"}
    ok(post(client, world, "sec1", d["id"], "meetings", meet | {"attendees": 50, "votes_for": 26, "votes_against": 0}))
    assert_refused(client, world, d["id"], "sec1", "confirm_consensus", {}, ["residents_quorum"])  # 50 is not > 50
    ok(
        post(
            client,
            world,
            "sec1",
            d["id"],
            "meetings",
            meet | {"held_at": "2026-03-02T02:00:00Z", "attendees": 51, "votes_for": 25, "votes_against": 20},
        )
    )
    assert_refused(client, world, d["id"], "sec1", "confirm_consensus", {}, ["residents_majority"])  # 25 ≤ 51/2
    ok(
        post(
            client,
            world,
            "sec1",
            d["id"],
            "meetings",
            meet | {"held_at": "2026-03-03T02:00:00Z", "attendees": 51, "votes_for": 26, "votes_against": 20},
        )
    )
    ok(act(client, world, "sec1", d["id"], "confirm_consensus"))


def test_submit_for_review_needs_every_filing_answered(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "filing")
    f = get(client, world, d["id"], sub="/filings")["items"][0]
    who = {"leader_in_charge": "lic", "liaison_leader": "ll1"}[f["target_role"]]
    ok(post(client, world, who, d["id"], f"filings/{f['id']}/response", {"response": "objection", "opinion": "异议"}))
    assert_refused(client, world, d["id"], "sec1", "submit_for_review", {}, ["filings_answered"])
    answer_filings(client, world, d["id"])
    ok(act(client, world, "sec1", d["id"], "submit_for_review"))  # objections do not block


def test_approve_needs_a_legal_adviser_opinion(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "legal_review")
    ok(post(client, world, "jo", d["id"], "legal-opinions", {"conclusion": "lawful", "opinion": "司法所意见"}))
    body = {"conclusion": "approved", "conditions": []}
    assert_refused(client, world, d["id"], "jo", "approve", body, ["legal_adviser_opinion"])


@pytest.mark.parametrize("conditions", [None, []])
def test_approve_with_conditions_needs_conditions(client: TestClient, world: World, conditions: Any) -> None:
    d = decision_in(client, world, "legal_review")
    ok(post(client, world, "la1", d["id"], "legal-opinions", {"conclusion": "lawful", "opinion": "o"}))
    body: dict[str, Any] = {"conclusion": "approved_with_conditions"}
    if conditions is not None:
        body["conditions"] = conditions
    assert_refused(client, world, d["id"], "jo", "approve", body, ["conditions"])


@pytest.mark.parametrize(
    ("state", "who", "action"),
    [
        ("consulting", "sec1", "revise"),
        ("legal_review", "jo", "return_for_revision"),
        ("legal_review", "jo", "reject"),
        ("listed", "sec1", "withdraw"),
        ("filing", "sec1", "withdraw"),
    ],
)
def test_reason_is_required(client: TestClient, world: World, state: str, who: str, action: str) -> None:
    d = decision_in(client, world, state)
    assert_refused(client, world, d["id"], who, action, {}, ["reason"])
    assert_refused(client, world, d["id"], who, action, {"reason": "  "}, ["reason"])


def test_complete_needs_summary_and_conditions_met(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "legal_review")
    ok(post(client, world, "la1", d["id"], "legal-opinions", {"conclusion": "lawful", "opinion": "o"}))
    ok(act(client, world, "jo", d["id"], "approve", {"conclusion": "approved_with_conditions", "conditions": ["公示"]}))
    assert_refused(client, world, d["id"], "sec1", "complete", {"summary": "done"}, ["conditions_met"])
    cid = get(client, world, d["id"], sub="/conditions")["items"][0]["id"]
    problem(post(client, world, "sec1", d["id"], f"conditions/{cid}/met", {}), 409, "guard_failed")
    ok(post(client, world, "sec1", d["id"], f"conditions/{cid}/met", {"note": "已公示"}))
    problem(post(client, world, "sec1", d["id"], f"conditions/{cid}/met", {"note": "again"}), 409, "duplicate")
    assert_refused(client, world, d["id"], "sec1", "complete", {}, ["summary"])
    ok(act(client, world, "sec1", d["id"], "complete", {"summary": "done"}))


def test_inactive_catalog_entry_cannot_be_listed(client: TestClient, world: World) -> None:
    ok(client.patch(f"{API}/decision-catalog/ebike_management", json={"active": False}, headers=world.h("jo")))
    body = {
        "community_id": str(world.units["C1"]),
        "catalog_code": "ebike_management",
        "title": "t",
        "description": "d",
    }
    got = problem(client.post(f"{API}/decisions", json=body, headers=world.h("sec1")), 409, "guard_failed")
    assert got["unmet"] == ["catalog_entry_active"]
    assert ok(client.get(f"{API}/decisions", headers=world.h("admin")))["items"] == []


def test_typical_case_needs_a_note_and_is_marked_once(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "closed")
    assert problem(post(client, world, "jo", d["id"], "typical-case", {}), 409, "guard_failed")["unmet"] == ["note"]
    ok(post(client, world, "jo", d["id"], "typical-case", {"note": "典型"}))
    problem(post(client, world, "jo", d["id"], "typical-case", {"note": "again"}), 409, "duplicate")
