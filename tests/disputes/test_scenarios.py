"""The scenarios of the seed (000, 四(三)) through HTTP: settled at the community, up the ladder to
红梅 and confirmed by a court, taken by a task force, and refused and referred to litigation."""

from fastapi.testclient import TestClient

from disputes.factories import SCREENING, Disputes, days_ago, ok
from world import World


def test_neighbour_noise_settled_orally_at_the_community(client: TestClient, world: World, d: Disputes) -> None:
    created = d.create("gw1", grid_id=str(world.units["G1"]), channel="grid_patrol", category="renovation_noise")
    did = created["id"]
    assert created["state"] == "reported" and created["level"] == "community" and created["level_label"] == "居民区"
    assert created["org_unit_id"] == str(world.units["G1"]) and created["grid_id"] == str(world.units["G1"])
    assert len(created["tracking_code"]) >= 12
    assert d.do("staff1", did, "accept")["state"] == "screening"
    r = client.put(f"/api/v1/disputes/{did}/screening", json={"background": "楼上装修"}, headers=world.h("med1"))
    assert ok(r)["complete"] is False and "demands" in r.json()["missing"]
    rest = {k: v for k, v in SCREENING.items() if k != "background"}
    assert ok(client.put(f"/api/v1/disputes/{did}/screening", json=rest, headers=world.h("pol1")))["complete"]
    cur = d.do("med1", did, "complete_screening")
    assert cur["state"] == "mediating" and cur["track"] == "people_mediation" and cur["early_warning"] is False
    d.session("med1", did, outcome="agreed")
    cur = d.do("med1", did, "record_agreement", {"form": "oral", "content": "晚十点后不施工"})
    assert cur["state"] == "fulfilling"
    agreement = ok(client.get(f"/api/v1/disputes/{did}/agreement", headers=world.h("staff1")))
    assert agreement["form"] == "oral" and agreement["judicial_confirmation_deadline"] is None
    cur = d.do("la1", did, "confirm_fulfillment", {"note": "回访已履行"})
    assert cur["state"] == "resolved" and cur["allowed_actions"] == [] and cur["overdue"] is False
    actions = [h["action"] for h in d.history(did)]
    assert actions == ["create", "accept", "complete_screening", "record_agreement", "confirm_fulfillment"]
    public = ok(client.get(f"/api/v1/public/disputes/{created['tracking_code']}"))
    assert public == {
        "tracking_code": created["tracking_code"],
        "state": "resolved",
        "state_label": "案结事了",
        "level": "community",
        "level_label": "居民区",
    }


def test_property_fee_dispute_up_to_hongmei_written_confirmed_fulfilled(
    client: TestClient, world: World, d: Disputes
) -> None:
    did = d.mediating(category="property_management", title="物业费纠纷")
    d.session("med1", did)
    d.do(
        "sec1",
        did,
        "request_escalation",
        {"summary": "物业费", "reason": "调解未果", "requested_level": "street_joint"},
    )
    cur = d.do("jo", did, "approve_escalation", {})  # the level applied for
    assert cur["level"] == "street_joint" and cur["state"] == "mediating"
    # at the street, the community mediator no longer acts; the street-scoped one does
    assert d.act("med1", did, "record_agreement", d.written()).status_code == 403
    assert "record_agreement" in d.get(did, "smed")["allowed_actions"]
    d.session("smed", did)
    d.do("jo", did, "request_escalation", {"summary": "物业费", "reason": "三所联动未果", "requested_level": "hongmei"})
    cur = d.do("jo", did, "approve_escalation", {"level": "hongmei"})
    assert cur["level"] == "hongmei" and cur["level_label"] == "红梅调解工作室"
    apps = ok(client.get(f"/api/v1/disputes/{did}/escalations", headers=world.h("jo")))["items"]
    assert [(a["from_level"], a["decision"], a["approved_level"]) for a in apps] == [
        ("community", "approved", "street_joint"),
        ("street_joint", "approved", "hongmei"),
    ]
    cur = d.do("smed", did, "record_agreement", d.written(days_ago(3)))
    assert cur["state"] == "fulfilling"
    conf = client.post(
        f"/api/v1/disputes/{did}/judicial-confirmation",
        json={"court": "静安区人民法院", "applied_on": days_ago(0)},
        headers=world.h("jo"),
    )
    assert ok(conf, 201)["court"] == "静安区人民法院"
    assert ok(client.get(f"/api/v1/disputes/{did}/judicial-confirmation", headers=world.h("smed")))["applied_on"]
    cur = d.do("smed", did, "confirm_fulfillment", {"note": "已补缴"})
    assert cur["state"] == "resolved" and cur["level"] == "hongmei"
    levels = [(h["action"], h["level_before"], h["level_after"]) for h in d.history(did)]
    assert ("approve_escalation", "community", "street_joint") in levels
    assert ("approve_escalation", "street_joint", "hongmei") in levels
    assert levels[-1] == ("confirm_fulfillment", "hongmei", "hongmei")


def test_multi_department_parking_dispute_closed_by_a_task_force(client: TestClient, world: World, d: Disputes) -> None:
    did = d.screening(category="parking", title="小区停车纠纷")
    screening = dict(SCREENING, risk_level="high", track="multi_party", multi_department=True, group_dispute=True)
    cur = d.do("sec1", did, "complete_screening", screening)
    assert cur["early_warning"] is True and cur["multi_department"] is True
    cur = d.do("pls", did, "form_task_force", d.task_force_body() | {"lead_user_id": str(world.users["lic"])})
    assert cur["level"] == "task_force" and cur["task_force"]["lead_user_id"] == str(world.users["lic"])
    # the departments' officers now see and handle it; the community no longer handles it
    assert "record_agreement" in d.get(did, "do1")["allowed_actions"]
    assert "record_agreement" not in d.get(did, "sec1")["allowed_actions"]
    assert client.get(f"/api/v1/disputes/{did}", headers=world.h("do3")).status_code == 404
    d.session("do2", did, outcome="agreed")
    d.do("lic", did, "record_agreement", {"form": "oral", "content": "划定临时停车位"})
    r = d.act("do1", did, "confirm_fulfillment", {"note": "已落实"})
    assert r.status_code == 409 and r.json()["unmet"] == ["disposal_report"]
    rep = client.post(f"/api/v1/disputes/{did}/disposal-report", json={"content": "处置报告"}, headers=world.h("do1"))
    assert ok(rep, 201)["content"] == "处置报告"
    assert d.do("do1", did, "confirm_fulfillment", {"note": "已落实"})["state"] == "resolved"
    events = [h["action"] for h in d.history(did)]
    assert events[-1] == "confirm_fulfillment" and "form_task_force" in events


def test_a_party_refuses_mediation_and_is_referred_to_litigation(client: TestClient, world: World, d: Disputes) -> None:
    did = d.mediating(category="family")
    d.session("med1", did, outcome="refused")
    cur = d.do("med1", did, "refer", {"route": "litigation", "reason": "被申请人拒绝调解"})
    assert cur["state"] == "referred" and cur["referral_route"] == "litigation" and cur["allowed_actions"] == []
    assert d.history(did)[-1]["comment"] == "被申请人拒绝调解"
