"""The meetings of the issue, end to end over HTTP: a community's 依法治理工作例会 that discusses a
pending 加装电梯 decision and a noise dispute and later closes a resolution (闭环), found from the
decision and the dispute; and the street's 治理难题联席会商 on a group parking problem, chaired by
the political-legal secretary, with departments assigned to its resolutions."""

from fastapi.testclient import TestClient

from disputes.factories import dispute_body
from meetings.factories import API, community_meeting, done, get, joint_consultation, listed, ok, problem, record
from world import World


def _decision(client: TestClient, w: World) -> str:
    body = {
        "community_id": str(w.units["C1"]),
        "catalog_code": "elevator_installation",
        "title": "3号楼加装电梯",
        "description": "3号楼18户申请加装电梯",
    }
    return str(ok(client.post(f"{API}/decisions", json=body, headers=w.h("staff1")), 201)["id"])


def _dispute(client: TestClient, w: World, community: str = "C1", **over: object) -> str:
    body = dispute_body(w, community_id=str(w.units[community]), **over)
    return str(
        ok(client.post(f"{API}/disputes", json=body, headers=w.h("staff1" if community == "C1" else "staff2")), 201)[
            "id"
        ]
    )


def test_a_governance_meeting_discusses_a_decision_and_a_dispute_and_closes_a_resolution(
    client: TestClient, world: World
) -> None:
    w = world
    decision = _decision(client, w)
    dispute = _dispute(client, w, category="renovation_noise", title="楼上装修噪音")
    other = record(client, w, "staff1", community_meeting(w))  # discusses neither
    body = community_meeting(
        w,
        agenda=[
            {"subject": "3号楼加装电梯: 低层住户意见", "decision_id": decision},
            {"subject": "装修噪音纠纷研判", "dispute_id": dispute},
            {"subject": "近期风险隐患"},
        ],
        resolutions=[
            {"text": "居委会上门听取低层住户意见", "responsible_unit_id": str(w.units["C1"]), "due_on": "2030-03-31"}
        ],
    )
    r = client.post(f"{API}/meetings", json=body, headers=w.h("sec1"))
    m = ok(r, 201)
    assert r.headers["ETag"] == '"1"' and r.headers["Location"] == f"/api/v1/meetings/{m['id']}"
    assert (m["kind"], m["kind_label"], m["state"], m["version"]) == (
        "governance_meeting",
        "依法治理工作例会",
        "recorded",
        1,
    )
    assert m["org_unit_id"] == str(w.units["C1"]) and m["created_by_id"] == str(w.users["sec1"])
    assert m["legal_adviser_present"] is True and m["minutes"] == body["minutes"]
    assert [(a["subject"], a["decision_id"], a["dispute_id"]) for a in m["agenda"]] == [
        ("3号楼加装电梯: 低层住户意见", decision, None),
        ("装修噪音纠纷研判", None, dispute),
        ("近期风险隐患", None, None),
    ]
    assert [(a["user_id"], a["name"], a["capacity"]) for a in m["attendees"]] == [
        (str(w.users["sec1"]), "书记", "党总支书记"),
        (None, "王主任", "居委会主任"),
    ]
    [res] = m["resolutions"]
    assert (res["done"], res["done_note"], res["done_at"], res["due_on"]) == (False, None, None, "2030-03-31")
    assert m["allowed_activities"] == ["mark_resolution_done"] and m["allowed_actions"] == []

    # The decision's and the dispute's readers find the meetings that discussed them.
    assert listed(client, w, "sec1", decision_id=decision) == [m["id"]]
    assert listed(client, w, "la1", dispute_id=dispute) == [m["id"]]
    assert set(listed(client, w, "sec1")) == {m["id"], other["id"]}

    # 闭环: the secretary marks the resolution done with a note.
    closed = ok(done(client, w, "sec1", m["id"], res["id"], "已逐户听取意见, 低层住户同意方案"))
    assert (closed["done"], closed["done_note"], closed["done_by_id"]) == (
        True,
        "已逐户听取意见, 低层住户同意方案",
        str(w.users["sec1"]),
    )
    assert closed["done_at"] is not None and closed["meeting_version"] == 2
    r = client.get(f"{API}/meetings/{m['id']}", headers=w.h("staff1"))
    again = ok(r)
    assert r.headers["ETag"] == '"2"' and again["resolutions"][0]["done"] is True
    assert again["allowed_activities"] == []  # nothing left to close

    # Done again: refused, the first note stands.
    problem(done(client, w, "staff1", m["id"], res["id"], "再次"), 409, "transition_not_allowed")
    assert get(client, w, m["id"])["resolutions"][0]["done_note"] == "已逐户听取意见, 低层住户同意方案"

    history = get(client, w, m["id"], sub="/history")
    assert [(h["action"], h["from_state"], h["to_state"], h["actor_id"]) for h in history["items"]] == [
        ("create", None, "recorded", str(w.users["sec1"]))
    ]
    assert history["next_cursor"] is None

    # Residents, owners' committees, property managers and feeds see none of it.
    for who in ("res1", "oc1", "pm1", "ic"):
        problem(client.get(f"{API}/meetings/{m['id']}", headers=w.h(who)), 404, "not_found")
        problem(client.get(f"{API}/meetings/{m['id']}/history", headers=w.h(who)), 404, "not_found")
        assert listed(client, w, who) == [] and listed(client, w, who, decision_id=decision) == []


def test_a_joint_consultation_on_group_parking_assigns_departments(client: TestClient, world: World) -> None:
    w = world
    parking = _dispute(client, w, "C2", category="parking", title="凌兆新村群体性停车纠纷")
    body = joint_consultation(w, agenda=[{"subject": "群体性停车难题", "dispute_id": parking}])
    m = record(client, w, "pls", body)
    assert (m["kind"], m["kind_label"], m["org_unit_id"]) == (
        "joint_consultation",
        "治理难题联席会商",
        str(w.units["S1"]),
    )
    assert m["chair_user_id"] == str(w.users["pls"])
    assert [(r["responsible_unit_id"], r["due_on"]) for r in m["resolutions"]] == [
        (str(w.units["D1"]), "2030-02-28"),
        (str(w.units["D2"]), None),
    ]
    assert m["agenda"][0]["dispute_id"] == parking

    # The street's leaders and 司法所 see it; a community's secretary does not (the street is above it).
    assert listed(client, w, "jo", dispute_id=parking) == [m["id"]]
    assert listed(client, w, "lic", kind="joint_consultation") == [m["id"]]
    assert listed(client, w, "sec2", dispute_id=parking) == []
    problem(client.get(f"{API}/meetings/{m['id']}", headers=w.h("sec2")), 404, "not_found")

    # The 司法所 closes the 房管办's part; the 城管中队's stays open.
    first, second = m["resolutions"]
    ok(done(client, w, "jo", m["id"], first["id"], "已梳理车位 120 个, 方案公示"))
    after = get(client, w, m["id"], who="pls")
    assert [r["done"] for r in after["resolutions"]] == [True, False]
    assert after["allowed_activities"] == ["mark_resolution_done"] and after["version"] == 2
    ok(done(client, w, "lic", m["id"], second["id"], "占道停车已整治"))
    assert get(client, w, m["id"], who="jo")["version"] == 3
