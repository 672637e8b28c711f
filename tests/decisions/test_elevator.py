"""加装电梯 in one building, from listing to a typical case, through HTTP only.

Scope = the building: 18 units of 100.00 m² (A = 1800.00, N = 18). Twelve owners vote (exactly
2/3 of area and owners), nine of them for (exactly 3/4 of participating area and owners), so
every threshold sits on its boundary and holds."""

from fastapi.testclient import TestClient

from decisions.factories import API, act, get, ok, post, yesterday
from world import World


def test_elevator_installation_from_listing_to_typical_case(client: TestClient, world: World) -> None:
    w = world
    # The 司法所 names the 房管办 (D1) as a department that must receive the filing.
    entry = ok(
        client.patch(
            f"{API}/decision-catalog/elevator_installation",
            json={"departments": [str(w.units["D1"])]},
            headers=w.h("jo"),
        )
    )
    assert entry["version"] == 2 and entry["departments"] == [str(w.units["D1"])]

    d = ok(
        client.post(
            f"{API}/decisions",
            headers=w.h("staff1"),
            json={
                "community_id": str(w.units["C1"]),
                "catalog_code": "elevator_installation",
                "title": "3号楼加装电梯",
                "description": "3号楼18户申请加装电梯",
            },
        ),
        201,
    )
    did = d["id"]
    assert (d["state"], d["catalog_version"], d["consensus_rule"]) == ("listed", 2, "owners_special")
    assert d["allowed_actions"] == []  # staff lists it; the secretary drives it
    assert get(client, w, did)["allowed_actions"] == ["propose", "withdraw"]

    ok(
        act(
            client,
            w,
            "sec1",
            did,
            "propose",
            {"plan": "在3号楼北侧加装电梯一部", "scope": "3号楼全体业主", "schedule": "2027年一季度施工"},
        )
    )
    ok(act(client, w, "sec1", did, "open_consultation", {"total_area_m2": "1800.00", "total_owners": 18}))
    ok(
        post(
            client,
            w,
            "sec1",
            did,
            "meetings",
            {
                "held_at": yesterday(),
                "kind": "consultation",
                "attendees": 16,
                "votes_for": 12,
                "votes_against": 2,
                "minutes": "楼组协商会",
            },
        )
    )
    for i in range(12):
        who = ("oc1", "staff1", "sec1")[i % 3]
        choice = "for" if i < 9 else ("against" if i < 11 else "abstain")
        ok(
            post(client, w, who, did, "ballots", {"unit_ref": f"3-{101 + i}", "area_m2": "100.00", "choice": choice}),
            201,
        )
        if i == 10:
            early = get(client, w, did, sub="/tally")
            assert early["satisfied"] is False and "quorum_owners" in early["unmet"]

    tally = get(client, w, did, sub="/tally")
    assert tally["satisfied"] is True and tally["unmet"] == []
    by_code = {t["code"]: t for t in tally["thresholds"]}
    assert by_code["quorum_area"] | {"holds": True} == by_code["quorum_area"]
    assert (by_code["quorum_area"]["actual"], by_code["quorum_area"]["required"]) == ("1200", "1200")
    assert (by_code["special_majority_owners"]["actual"], by_code["special_majority_owners"]["required"]) == ("9", "9")
    assert tally["totals"]["participating_area_m2"] == "1200.00" and "共识已达成" in tally["explanation"]

    ok(act(client, w, "sec1", did, "confirm_consensus"))
    filings = get(client, w, did, sub="/filings")["items"]
    assert sorted((f["target_role"], f["target_org_unit_id"]) for f in filings) == sorted(
        [
            ("department_officer", str(w.units["D1"])),
            ("leader_in_charge", str(w.units["S1"])),
            ("liaison_leader", str(w.units["C1"])),
        ]
    )
    # The 房管办 officer sees the decision it was filed to, though C1 is outside its subtree.
    assert get(client, w, did, who="do1")["state"] == "filing"
    assert client.get(f"{API}/decisions/{did}", headers=w.h("do2")).status_code == 404
    for f in filings:
        who = {"department_officer": "do1", "leader_in_charge": "lic", "liaison_leader": "ll1"}[f["target_role"]]
        body = {"response": "objection" if who == "do1" else "acknowledged", "opinion": "注意消防通道"}
        ok(post(client, w, who, did, f"filings/{f['id']}/response", body))
    ok(act(client, w, "sec1", did, "submit_for_review"))

    ok(
        post(
            client, w, "do1", did, "legal-opinions", {"conclusion": "lawful_with_conditions", "opinion": "需规划许可"}
        ),
        201,
    )
    ok(post(client, w, "la1", did, "legal-opinions", {"conclusion": "lawful", "opinion": "符合民法典第278条"}), 201)
    ok(
        act(
            client,
            w,
            "jo",
            did,
            "approve",
            {"conclusion": "approved_with_conditions", "conditions": ["取得规划许可后方可施工"]},
        )
    )
    # The result goes to the rule-of-law leader, who may answer any time later.
    result = [f for f in get(client, w, did, sub="/filings")["items"] if f["stage"] == "review_result"]
    assert [(f["target_role"], f["content"]["conclusion"]) for f in result] == [
        ("rule_of_law_leader", "approved_with_conditions")
    ]

    cond = get(client, w, did, sub="/conditions")["items"]
    assert [c["text"] for c in cond] == ["取得规划许可后方可施工"]
    ok(post(client, w, "staff1", did, "progress", {"content": "已取得规划许可,开始施工"}), 201)
    ok(post(client, w, "sec1", did, "publicity", {"content": "施工方案公示7天", "channel": "3号楼公告栏"}), 201)
    ok(post(client, w, "sec1", did, f"conditions/{cond[0]['id']}/met", {"note": "规划许可证已取得"}))
    ok(
        post(
            client,
            w,
            "rol",
            did,
            f"filings/{result[0]['id']}/response",
            {"response": "acknowledged", "opinion": "知悉"},
        )
    )
    ok(act(client, w, "sec1", did, "complete", {"summary": "电梯已投入使用"}))
    ok(
        post(
            client, w, "rol", did, f"filings/{result[0]['id']}/response", {"response": "acknowledged", "opinion": "x"}
        ),
        409,
    )

    marked = ok(post(client, w, "jo", did, "typical-case", {"note": "加装电梯协商一致的典型"}))
    assert marked["typical_case"] is True and marked["state"] == "closed"
    cases = ok(client.get(f"{API}/decisions", params={"typical_case": "true"}, headers=w.h("jo")))["items"]
    assert [c["id"] for c in cases] == [did]
    actions = [(h["action"], h["actor_name"]) for h in get(client, w, did, sub="/history")["items"]]
    assert actions == [
        ("create", "staff1"),
        ("propose", "sec1"),
        ("open_consultation", "sec1"),
        ("confirm_consensus", "sec1"),
        ("submit_for_review", "sec1"),
        ("approve", "jo"),
        ("complete", "sec1"),
        ("mark_typical_case", "jo"),
    ]
