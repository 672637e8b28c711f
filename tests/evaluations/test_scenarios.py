"""The seeds' year-end 总结评估 (seed 000 §七, DOMAIN §4.7) over HTTP: a community assesses itself, is
sent back once, resubmits, is graded 优秀 with a funding uplift and a district nomination, and the
result is published; the figures it was graded on are the year's records, frozen at the last submit."""

import datetime as dt

from fastapi.testclient import TestClient

from decisions.factories import create as create_decision
from decisions.factories import decision_in, ok, problem
from decisions.factories import post as act_decision
from disputes.factories import Disputes
from evaluations.factories import API, EVALUATE, SUBMIT, YEAR, act, create, get
from meetings.factories import community_meeting, done, record
from patrols.factories import CLUE, Patrols, today
from world import World


def _c1_disputes(client: TestClient, world: World) -> int:
    rows = ok(
        client.get(
            f"{API}/disputes", params={"org_unit_id": str(world.units["C1"]), "limit": 100}, headers=world.h("jo")
        )
    )
    return len(rows["items"])


def test_a_year_assessed_returned_graded_and_published(client: TestClient, world: World) -> None:
    d = Disputes(client, world)
    agreed = d.fulfilling()  # mediated to an agreement, then fulfilled
    d.do("staff1", agreed, "confirm_fulfillment", {"note": "已履行"})
    given_up = d.mediating(channel="hotline_12348")
    d.do("staff1", given_up, "withdraw", {"reason": "当事人撤回"})
    d.reported()
    d.create("staff2", community_id=str(world.units["C2"]))  # another community: never counted for C1
    create_decision(client, world)
    meeting = record(client, world, "sec1", community_meeting(world))  # two resolutions, one due in 2030
    ok(done(client, world, "sec1", meeting["id"], meeting["resolutions"][0]["id"]))
    council = community_meeting(world, kind="residents_council", legal_adviser_present=True, resolutions=[])
    record(client, world, "staff1", council)
    record(client, world, "sec2", community_meeting(world, unit="C2", chair="sec2"))  # not C1's
    p = Patrols(client, world)
    patrolled = [today() - dt.timedelta(days=n) for n in (1, 2)]
    p.log(days_ago=1, findings=[CLUE])
    p.log(days_ago=2)
    p.log(days_ago=2)  # a second patrol the same day: one grid-day

    e = ok(create(client, world))
    assert (e["state"], e["year"], e["indicators"], e["allowed_actions"]) == ("self_assessing", YEAR, None, ["submit"])
    assert get(client, world, e["id"], who="jo")["allowed_actions"] == []  # the 司法所 waits for the self-assessment
    missing = problem(act(client, world, "sec1", e["id"], "submit", {"self_assessment": "全年工作总结"}), 409)
    assert missing["unmet"] == ["self_score"] and "请填写自评分" in missing["detail"]

    e = ok(act(client, world, "sec1", e["id"], "submit", SUBMIT))
    figures = e["indicators"]
    assert figures["year"] == YEAR
    assert figures["disputes"] | {"received_by_channel": None} == {
        "received": 3,
        "received_by_channel": None,
        "sessions": 0,
        "agreements": 1,
        "resolved": 1,
        "referred": 0,
        "withdrawn": 1,
        "escalations_approved": 0,
        "task_forces": 0,
        "mediation_success": {"numerator": 1, "denominator": 2, "rate": "0.5000"},
    }
    assert figures["disputes"]["received_by_channel"] == {"hotline_12348": 1, "walk_in": 2}
    assert figures["decisions"]["listed"] == 1 and figures["decisions"]["closed"] == 0
    assert figures["meetings"] == {
        "held": 2,
        "by_kind": {"governance_meeting": 1, "residents_council": 1},
        "councils_with_legal_adviser": 1,
        "resolutions": {"recorded": 2, "done": 1, "open_past_due": 0},
    }
    days_so_far = (today() - dt.date(YEAR, 1, 1)).days + 1  # C1 has one grid, G1
    in_year = sum(day.year == YEAR for day in patrolled)
    assert figures["patrols"]["coverage"] | {"rate": None} == {
        "numerator": in_year,
        "denominator": days_so_far,
        "rate": None,
    }
    assert figures["patrols"]["findings_by_kind"] == ({"dispute_clue": 1} if patrolled[0].year == YEAR else {})
    assert figures["patrols"]["clues_reported"] == 0

    e = ok(act(client, world, "jo", e["id"], "return", {"reason": "请补充加装电梯决策的法制审核情况"}))
    assert e["state"] == "self_assessing"
    d.reported()  # recorded before the resubmission: the new snapshot counts it
    e = ok(act(client, world, "sec1", e["id"], "submit", SUBMIT | {"self_score": 95}))
    assert (e["state"], e["self_score"], e["indicators"]["disputes"]["received"]) == ("submitted", 95, 4)

    e = ok(act(client, world, "jo", e["id"], "evaluate", EVALUATE))
    assert (e["state"], e["score"], e["grade"], e["funding_uplift"], e["demonstration_nomination"]) == (
        "evaluated",
        93,
        "excellent",
        True,
        "district",
    )
    taken = e["indicators"]
    d.reported()  # after the grade: the records move on, the snapshot does not
    assert _c1_disputes(client, world) == 5
    assert get(client, world, e["id"])["indicators"] == taken

    e = ok(act(client, world, "jo", e["id"], "publish", {"commendations": ["金色雅筑居民区: 依法治理优秀"]}))
    assert (e["state"], e["state_label"], e["commendations"], e["criticisms"]) == (
        "published",
        "已通报",
        ["金色雅筑居民区: 依法治理优秀"],
        [],
    )
    assert e["allowed_actions"] == [] and e["published_at"] is not None
    history = get(client, world, e["id"], sub="/history")["items"]
    assert [h["action"] for h in history] == ["create", "submit", "return", "submit", "evaluate", "publish"]
    assert history[2]["comment"] == "请补充加装电梯决策的法制审核情况"


def test_the_street_sees_its_communities_and_no_one_outside_does(client: TestClient, world: World) -> None:
    mine = ok(create(client, world, who="jo"))
    other = ok(create(client, world, who="sec2", community="C2"))
    listed = {r["id"] for r in ok(client.get(f"{API}/evaluations", headers=world.h("jo")))["items"]}
    assert {mine["id"], other["id"]} <= listed
    assert [r["id"] for r in ok(client.get(f"{API}/evaluations", headers=world.h("sec1")))["items"]] == [mine["id"]]
    for who in ("res1", "oc1", "pm1", "ic", "jo2", "sec3", "do1"):
        assert ok(client.get(f"{API}/evaluations", headers=world.h(who)))["items"] == [], who
        problem(client.get(f"{API}/evaluations/{mine['id']}", headers=world.h(who)), 404, "not_found")
    by_unit = ok(
        client.get(f"{API}/evaluations", params={"org_unit_id": str(world.units["C2"])}, headers=world.h("lic"))
    )
    assert [r["id"] for r in by_unit["items"]] == [other["id"]]
    assert ok(client.get(f"{API}/evaluations", params={"year": YEAR - 1}, headers=world.h("jo")))["items"] == []


def test_legal_reviews_are_counted_by_conclusion(client: TestClient, world: World) -> None:
    """DOMAIN §5: legal reviews by conclusion — approved, approved with conditions, returned, rejected
    (the snapshot never changes, so a merged count could never be split again)."""
    decision_in(client, world, "implementing")  # approved
    conditional = decision_in(client, world, "legal_review")
    ok(
        act_decision(
            client, world, "la1", conditional["id"], "legal-opinions", {"conclusion": "lawful", "opinion": "可行"}
        )
    )
    body = {"conclusion": "approved_with_conditions", "conditions": ["先公示七日"]}
    ok(client.post(f"{API}/decisions/{conditional['id']}/actions/approve", json=body, headers=world.h("jo")))
    decision_in(client, world, "rejected")
    e = ok(create(client, world))
    e = ok(act(client, world, "sec1", e["id"], "submit", SUBMIT))
    reviews = e["indicators"]["decisions"]["legal_reviews"]
    assert reviews == {"approved": 1, "approved_with_conditions": 1, "returned": 0, "rejected": 1}
