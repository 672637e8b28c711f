"""Lists, filters, pagination, scope of reads, filings to targets outside the subtree, consultation
rounds and residents-meeting rule data by effective date."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from decisions.factories import API, PLAN, act, create, decision_in, get, meeting, ok, post, problem
from governance_api.app import create_app
from governance_api.db import Database
from governance_api.models.decisions import ResidentsMeetingRule
from governance_api.settings import Settings
from world import World


def listing(client: TestClient, w: World, who: str = "jo", **params: Any) -> list[dict[str, Any]]:
    return ok(client.get(f"{API}/decisions", params=params, headers=w.h(who)))["items"]  # type: ignore[no-any-return]


def test_filters_and_pagination(client: TestClient, world: World) -> None:
    a = create(client, world, title="加装电梯一号楼", code="elevator_installation")
    b = create(client, world, title="楼道清理", description="消防通道堆物")
    c = create(client, world, who="sec2", community="C2", title="停车管理", code="parking_management")
    ok(act(client, world, "sec1", b["id"], "propose", PLAN))
    assert {d["id"] for d in listing(client, world)} == {a["id"], b["id"], c["id"]}
    assert [d["id"] for d in listing(client, world, state="proposed")] == [b["id"]]
    assert [d["id"] for d in listing(client, world, catalog_code="parking_management")] == [c["id"]]
    assert {d["id"] for d in listing(client, world, org_unit_id=str(world.units["C1"]))} == {a["id"], b["id"]}
    assert [d["id"] for d in listing(client, world, q="通道")] == [b["id"]]
    assert [d["id"] for d in listing(client, world, q="电梯")] == [a["id"]]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert listing(client, world, created_from=later) == []
    assert len(listing(client, world, created_to=later)) == 3
    first = ok(client.get(f"{API}/decisions", params={"limit": 2}, headers=world.h("jo")))
    second = ok(
        client.get(f"{API}/decisions", params={"limit": 2, "cursor": first["next_cursor"]}, headers=world.h("jo"))
    )
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_cursor"] is None
    assert {d["id"] for d in first["items"] + second["items"]} == {a["id"], b["id"], c["id"]}
    # Scope: sec2 sees C2 only; the S2 司法所 nothing of S1.
    assert [d["id"] for d in listing(client, world, who="sec2")] == [c["id"]]
    assert listing(client, world, who="jo2") == []
    item = listing(client, world, who="sec1", state="proposed")[0]
    assert item["state_label"] == "酝酿动议" and item["allowed_actions"] == ["open_consultation", "withdraw"]


def test_filing_targets_see_what_was_filed_to_them(client: TestClient, world: World) -> None:
    ok(
        client.patch(
            f"{API}/decision-catalog/corridor_clearance",
            json={"departments": [str(world.units["D2"])]},
            headers=world.h("jo"),
        )
    )
    d = decision_in(client, world, "consulting")
    problem(client.get(f"{API}/decisions/{d['id']}", headers=world.h("do2")), 404)
    ok(post(client, world, "sec1", d["id"], "meetings", meeting()))
    ok(act(client, world, "sec1", d["id"], "confirm_consensus"))
    assert [x["id"] for x in listing(client, world, who="do2")] == [d["id"]]
    assert listing(client, world, who="do1") == []
    dept = next(
        f for f in get(client, world, d["id"], sub="/filings")["items"] if f["target_role"] == "department_officer"
    )
    problem(
        post(
            client,
            world,
            "do1",
            d["id"],
            f"filings/{dept['id']}/response",
            {"response": "acknowledged", "opinion": "o"},
        ),
        404,
    )
    problem(
        post(
            client,
            world,
            "lic",
            d["id"],
            f"filings/{dept['id']}/response",
            {"response": "acknowledged", "opinion": "o"},
        ),
        403,
    )
    ok(
        post(
            client,
            world,
            "do2",
            d["id"],
            f"filings/{dept['id']}/response",
            {"response": "objection", "opinion": "占道"},
        )
    )
    problem(
        post(
            client,
            world,
            "do2",
            d["id"],
            f"filings/{dept['id']}/response",
            {"response": "acknowledged", "opinion": "o"},
        ),
        409,
        "duplicate",
    )
    # The department officer may not act on the decision itself.
    problem(act(client, world, "do2", d["id"], "withdraw", {"reason": "x"}), 403)


def test_a_revised_plan_needs_fresh_consent(client: TestClient, world: World) -> None:
    d = create(client, world, code="parking_management")
    ok(act(client, world, "sec1", d["id"], "propose", PLAN))
    ok(act(client, world, "sec1", d["id"], "open_consultation", {"total_area_m2": "200.00", "total_owners": 2}))
    for i in range(2):
        ok(post(client, world, "sec1", d["id"], "ballots", {"unit_ref": str(i), "area_m2": "100", "choice": "for"}))
    assert get(client, world, d["id"], sub="/tally")["satisfied"] is True
    ok(act(client, world, "sec1", d["id"], "revise", {"reason": "调整收费标准"}))
    ok(act(client, world, "sec1", d["id"], "open_consultation"))  # the totals are kept
    tally = get(client, world, d["id"], sub="/tally")
    assert tally["satisfied"] is False and tally["totals"]["ballots"] == "0"
    ok(post(client, world, "sec1", d["id"], "ballots", {"unit_ref": "0", "area_m2": "100", "choice": "for"}))
    history = get(client, world, d["id"], sub="/history")["items"]
    assert [h["comment"] for h in history if h["action"] == "revise"] == ["调整收费标准"]


def test_residents_meeting_rule_is_data_with_an_effective_date(client: TestClient, world: World) -> None:
    with world.db.transaction() as s:
        s.add(
            ResidentsMeetingRule(
                effective_from=dt.date(2026, 6, 1),
                quorum_num=2,
                quorum_den=3,
                quorum_strict=False,
                majority_num=1,
                majority_den=2,
                majority_strict=True,
                basis="假设的修订规则",
            )
        )
    d = create(client, world, code="residents_convention")
    ok(act(client, world, "sec1", d["id"], "propose", PLAN))
    ok(act(client, world, "sec1", d["id"], "open_consultation", {"eligible_residents": 90}))
    body = meeting(kind="residents_meeting", attendees=55, votes_for=40, votes_against=5)
    # Held 2026-05-31 23:30 Shanghai (15:30 UTC): the old rule, 55 > 45 attends.
    ok(post(client, world, "sec1", d["id"], "meetings", body | {"held_at": "2026-05-31T15:30:00Z"}))
    assert get(client, world, d["id"], sub="/tally")["satisfied"] is True
    # Held 2026-06-01 00:30 Shanghai (2026-05-31 16:30 UTC): the new rule needs 60 of 90.
    ok(post(client, world, "sec1", d["id"], "meetings", body | {"held_at": "2026-05-31T16:30:00Z"}))
    tally = get(client, world, d["id"], sub="/tally")
    assert tally["unmet"] == ["residents_quorum"] and tally["totals"]["basis"] == "假设的修订规则"
    assert "未满足" in tally["explanation"]


def test_etag_history_and_single_item_reads(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "proposed")
    r = client.get(f"{API}/decisions/{d['id']}", headers=world.h("la1"))
    assert r.status_code == 200 and r.headers["ETag"] == f'"{d["version"]}"'
    assert r.json()["allowed_actions"] == []
    h = get(client, world, d["id"], sub="/history")["items"]
    assert [(x["action"], x["from_state"], x["to_state"], x["actor_name"]) for x in h] == [
        ("create", None, "listed", "sec1"),
        ("propose", "listed", "proposed", "sec1"),
    ]
    for sub in ("ballots", "meetings", "filings", "legal-opinions", "conditions", "progress", "publicity"):
        assert get(client, world, d["id"], who="pls", sub=f"/{sub}") == {"items": [], "next_cursor": None}


def test_review_conditions_are_listed_on_the_decision(client: TestClient, world: World) -> None:
    """DOMAIN §2.3: the conditions of an approval are listed on the item — on the action's answer,
    the single read and the list rows, the same as ``/conditions``, with what marking one met wrote."""
    plain = decision_in(client, world, "implementing")
    d = decision_in(client, world, "legal_review")
    ok(post(client, world, "la1", d["id"], "legal-opinions", {"conclusion": "lawful_with_conditions", "opinion": "o"}))
    body = {"conclusion": "approved_with_conditions", "conditions": ["先公示七日", "取得规划许可"]}
    approved = ok(act(client, world, "jo", d["id"], "approve", body))
    assert [(c["position"], c["text"], c["met"]) for c in approved["conditions"]] == [
        (1, "先公示七日", False),
        (2, "取得规划许可", False),
    ]
    assert get(client, world, d["id"])["conditions"] == get(client, world, d["id"], sub="/conditions")["items"]
    first = approved["conditions"][0]["id"]
    ok(post(client, world, "sec1", d["id"], f"conditions/{first}/met", {"note": "已公示"}))
    met = get(client, world, d["id"])["conditions"][0]
    assert met["met"] and met["met_note"] == "已公示" and met["met_by_id"] == str(world.users["sec1"]) and met["met_at"]
    rows = {x["id"]: x["conditions"] for x in listing(client, world)}
    assert rows[d["id"]] == get(client, world, d["id"])["conditions"] and len(rows[d["id"]]) == 2
    assert rows[plain["id"]] == [] and get(client, world, plain["id"])["conditions"] == []


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_list_reads_conditions_in_one_query_per_page(
    client: TestClient, world: World, db: Database, settings: Settings
) -> None:
    """The conditions of a list page come in one IN query, not one per row. (Read through an app
    that loads the caller on every request, so both counts hold the same caller queries.)"""
    uncached = TestClient(create_app(settings.model_copy(update={"grants_cache_seconds": 0}), db))
    create(client, world)
    with statements(db) as few:
        assert len(listing(uncached, world)) == 1
    for _ in range(4):
        create(client, world)
    with statements(db) as many:
        assert len(listing(uncached, world)) == 5
    assert len(many) == len(few)
    assert sum("decision_review_conditions" in s for s in many) == 1
