"""DOMAIN.md §4.3 end to end over HTTP: a week of patrols of one grid, one nil report among them and
one 矛盾纠纷线索 turned into a dispute, which the disputes domain then lists as its own (level
``community``, channel ``grid_patrol``), linked both ways."""

from patrols.factories import API, CLUE, HAZARD, Patrols


def test_a_week_of_patrols_with_a_clue_turned_into_a_dispute(p: Patrols) -> None:
    week = []
    for days_ago in range(7, 0, -1):
        if days_ago == 5:
            week.append(p.log(days_ago=days_ago))  # 无异常报告
        elif days_ago == 3:
            week.append(p.log(days_ago=days_ago, findings=[CLUE, HAZARD]))
        else:
            week.append(p.log(days_ago=days_ago, findings=[{"kind": "other", "description": f"巡查记录 {days_ago}"}]))
    nil = week[2]
    assert nil["nil_report"] is True and nil["findings"] == []
    assert nil["state"] == "recorded" and nil["state_label"] == "已记录"
    assert nil["grid_id"] == str(p.w.units["G1"]) and nil["community_id"] == str(p.w.units["C1"])

    patrol = week[4]
    clue, hazard = patrol["findings"]
    assert (clue["kind"], hazard["kind"]) == ("dispute_clue", "safety_hazard")
    assert clue["dispute_id"] is None
    assert patrol["allowed_activities"] == ["report_finding"]

    r = p.report("gw1", patrol["id"], clue["id"], {"category": "neighbor"})
    assert r.status_code == 201, r.text
    reported = r.json()
    dispute_id = reported["dispute_id"]
    assert reported["id"] == clue["id"] and dispute_id is not None
    assert reported["reported_by_id"] == str(p.w.users["gw1"])

    # The dispute, as the disputes domain shows it: its community and grid, channel, the finding.
    d = p.c.get(f"{API}/disputes/{dispute_id}", headers=p.h("staff1")).json()
    assert d["state"] == "reported" and d["level"] == "community"
    assert d["channel"] == "grid_patrol"
    assert d["community_id"] == str(p.w.units["C1"]) and d["grid_id"] == str(p.w.units["G1"])
    assert d["patrol_finding_id"] == clue["id"]
    assert d["description"] == CLUE["description"] and d["title"] == CLUE["description"]
    assert len(d["tracking_code"]) == 16
    listed = p.c.get(
        f"{API}/disputes", params={"channel": "grid_patrol", "level": "community"}, headers=p.h("sec1")
    ).json()["items"]
    assert [i["id"] for i in listed] == [dispute_id]
    history = p.c.get(f"{API}/disputes/{dispute_id}/history", headers=p.h("staff1")).json()["items"]
    assert [h["action"] for h in history] == ["create"]
    public = p.c.get(f"{API}/public/disputes/{d['tracking_code']}")
    assert public.status_code == 200 and public.json()["state"] == "reported"

    # The patrol keeps the dispute's id; its history shows the report; nothing is left to report.
    after = p.get(patrol["id"], "sec1").json()
    assert after["findings"][0]["dispute_id"] == dispute_id and after["findings"][1]["dispute_id"] is None
    assert after["version"] == patrol["version"] + 1
    assert after["allowed_activities"] == []
    hist = p.c.get(f"{API}/patrols/{patrol['id']}/history", headers=p.h("sec1")).json()["items"]
    assert [h["action"] for h in hist] == ["create", "report_finding"]

    # The week as listed for the grid: seven patrols, newest first, one nil report.
    rows = p.list("sec1", grid_id=str(p.w.units["G1"])).json()["items"]
    assert len(rows) == 7
    assert [r["patrol_date"] for r in rows] == sorted((r["patrol_date"] for r in rows), reverse=True)
    assert sum(r["nil_report"] for r in rows) == 1
    row = next(r for r in rows if r["id"] == patrol["id"])
    assert (row["finding_count"], row["reported_count"], row["allowed_activities"]) == (2, 1, [])


def test_the_body_may_give_the_disputes_title_description_and_parties(p: Patrols) -> None:
    patrol = p.log(findings=[CLUE])
    payload = {
        "category": "property_management",
        "title": "楼道堆物纠纷",
        "description": "两户因楼道堆物争吵, 物业未处理",
        "parties": [{"name": "王五", "role": "applicant", "phone": "13912345678"}],
    }
    r = p.report("staff1", patrol["id"], patrol["findings"][0]["id"], payload)
    assert r.status_code == 201, r.text
    d = p.c.get(f"{API}/disputes/{r.json()['dispute_id']}", headers=p.h("staff1")).json()
    assert (d["title"], d["description"], d["category"]) == (
        payload["title"],
        payload["description"],
        "property_management",
    )
    assert [x["name"] for x in d["parties"]] == ["王五"]
    assert d["grid_id"] == str(p.w.units["G1"]) and d["org_unit_id"] == str(p.w.units["G1"])


def test_a_long_clue_gives_a_shortened_title(p: Patrols) -> None:
    text = "争" * 80 + "\n第二行"
    patrol = p.log(findings=[{"kind": "dispute_clue", "description": text}])
    r = p.report("gw1", patrol["id"], patrol["findings"][0]["id"])
    d = p.c.get(f"{API}/disputes/{r.json()['dispute_id']}", headers=p.h("staff1")).json()
    assert d["title"] == "争" * 59 + "…" and d["description"] == text


def test_a_dispute_reported_at_the_door_names_no_finding(p: Patrols) -> None:
    body = {
        "community_id": str(p.w.units["C1"]),
        "channel": "walk_in",
        "category": "neighbor",
        "title": "t",
        "description": "d",
    }
    r = p.c.post(f"{API}/disputes", json=body, headers=p.h("staff1"))
    assert r.status_code == 201 and r.json()["patrol_finding_id"] is None
