"""Invalid transitions and failing guards: 409 with the right code and ``unmet``, nothing changed
(same version, no new history)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from disputes.factories import SCREENING, SETUPS, Disputes, prepare
from governance_api.disputes.machine import DISPUTE_MACHINE
from world import World

ACTIONS = [a.code for a in DISPUTE_MACHINE.actions]
VALID_FROM = {
    "accept": {"reported"},
    "complete_screening": {"screening"},
    "record_agreement": {"mediating"},
    "confirm_fulfillment": {"fulfilling"},
    "report_breach": {"fulfilling"},
    "request_escalation": {"mediating"},
    "approve_escalation": {"escalation_pending"},
    "deny_escalation": {"escalation_pending"},
    "form_task_force": {"mediating", "escalation_pending"},
    "refer": {"screening", "mediating"},
    "withdraw": {"reported", "screening", "mediating"},
}


def test_the_table_is_the_machine() -> None:
    assert {a.code: set(a.sources) for a in DISPUTE_MACHINE.actions} == VALID_FROM


def _unchanged(d: Disputes, did: str, before: dict[str, Any], history: int) -> None:
    after = d.get(did, "admin")
    assert (after["version"], after["state"], after["level"]) == (before["version"], before["state"], before["level"])
    assert len(d.history(did, "admin")) == history


@pytest.mark.parametrize("setup", [s for s in SETUPS if "@" not in s or s.endswith("@community")])
def test_every_action_from_every_invalid_state(d: Disputes, setup: str) -> None:
    did = prepare(d, setup)
    state = setup.split("@")[0]
    before, history = d.get(did, "admin"), len(d.history(did, "admin"))
    for action in ACTIONS:
        if state in VALID_FROM[action]:
            continue
        r = d.act("admin", did, action, {})  # state is checked before role: even admin gets 409
        assert r.status_code == 409 and r.json()["code"] == "transition_not_allowed", (action, r.text)
        r = d.act("staff1", did, action, {"junk": 1})  # and before the body
        assert r.status_code == 409, (action, r.text)
    _unchanged(d, did, before, history)


def test_unknown_action_is_404(d: Disputes) -> None:
    did = d.reported()
    assert d.act("staff1", did, "escalate_to_mayor").status_code == 404


GUARDS: list[tuple[str, str, str, dict[str, Any], list[str]]] = [
    ("screening", "staff1", "complete_screening", {}, [*list(SCREENING)]),
    ("screening", "staff1", "complete_screening", {**SCREENING, "background": "  "}, ["background"]),
    ("screening", "staff1", "complete_screening", {**SCREENING, "asked_neighbors": None}, ["asked_neighbors"]),
    ("screening", "staff1", "complete_screening", {**SCREENING, "risk_level": None}, ["risk_level"]),
    ("screening", "staff1", "complete_screening", {**SCREENING, "track": None}, ["track"]),
    ("mediating@community", "med1", "record_agreement", {"form": "oral"}, ["content"]),
    (
        "mediating@community",
        "med1",
        "record_agreement",
        {"form": "written"},
        ["facts", "terms", "signed_by_parties", "signed_on"],
    ),
    (
        "mediating@community",
        "med1",
        "record_agreement",
        {
            "form": "written",
            "facts": "f",
            "terms": [{"description": "t", "due_on": "2026-01-01"}],
            "signed_by_parties": False,
            "signed_on": "2026-01-01",
        },
        ["signed_by_parties"],
    ),
    ("mediating@street_joint", "smed", "record_agreement", {"form": "oral", "content": "c"}, ["written_form"]),
    ("mediating@hongmei", "jo", "record_agreement", {"form": "oral", "content": "c"}, ["written_form"]),
    ("fulfilling@community", "staff1", "report_breach", {}, ["note"]),
    ("fulfilling@community", "staff1", "report_breach", {"note": "   "}, ["note"]),
    ("mediating@community", "sec1", "request_escalation", {}, ["summary", "reason", "requested_level"]),
    ("mediating@community", "sec1", "request_escalation", {"summary": "s", "requested_level": "hongmei"}, ["reason"]),
    (
        "mediating@street_joint",
        "jo",
        "request_escalation",
        {"summary": "s", "reason": "r", "requested_level": "street_joint"},
        ["requested_level_above_current"],
    ),
    ("escalation_pending", "jo", "deny_escalation", {}, ["reason"]),
    ("escalation_pending", "pls", "form_task_force", {}, ["lead", "departments"]),
    (
        "mediating@community",
        "pls",
        "form_task_force",
        {"lead_user_id": "LEAD", "department_ids": ["D1"]},
        ["departments"],
    ),
    (
        "mediating@community",
        "pls",
        "form_task_force",
        {"lead_user_id": "LEAD", "department_ids": ["D1", "D1"]},
        ["departments"],
    ),
    (
        "mediating@task_force",
        "pls",
        "form_task_force",
        {"lead_user_id": "LEAD", "department_ids": ["D1", "D3"]},
        ["level_below_task_force"],
    ),
    ("mediating@community", "staff1", "refer", {}, ["route", "reason"]),
    ("screening", "staff1", "refer", {"route": "arbitration"}, ["reason"]),
    ("reported", "staff1", "withdraw", {"reason": ""}, ["reason"]),
]


def _resolve(w: World, body: dict[str, Any]) -> dict[str, Any]:
    out = dict(body)
    if out.get("lead_user_id") == "LEAD":
        out["lead_user_id"] = str(w.users["lic"])
    if "department_ids" in out:
        out["department_ids"] = [str(w.units[k]) for k in out["department_ids"]]
    return out


@pytest.mark.parametrize("setup", sorted({g[0] for g in GUARDS}))
def test_each_guard_failing_alone(world: World, d: Disputes, setup: str) -> None:
    """One dispute per setup serves every guard case from there: a failed guard changes nothing."""
    did = prepare(d, setup)
    before, history = d.get(did, "admin"), len(d.history(did, "admin"))
    for _, user, action, body, unmet in (g for g in GUARDS if g[0] == setup):
        r = d.act(user, did, action, _resolve(world, body))
        assert r.status_code == 409, (action, body, r.text)
        assert r.json()["code"] == "guard_failed" and r.json()["unmet"] == unmet, (action, body, r.json())
    _unchanged(d, did, before, history)


def test_escalation_needs_a_session_at_the_current_level(d: Disputes) -> None:
    did = d.mediating()
    body = {"summary": "s", "reason": "r", "requested_level": "street_joint"}
    r = d.act("sec1", did, "request_escalation", body)
    assert r.status_code == 409 and r.json()["unmet"] == ["session_at_current_level"]
    # a session held at the community does not count once the dispute is at the street
    did = d.at_street("street_joint")
    r = d.act("jo", did, "request_escalation", {"summary": "s", "reason": "r", "requested_level": "hongmei"})
    assert r.status_code == 409 and r.json()["unmet"] == ["session_at_current_level"]


def test_approval_must_go_above_the_current_level(d: Disputes) -> None:
    did = d.at_street("street_joint")
    d.session("smed", did)
    d.do("jo", did, "request_escalation", {"summary": "s", "reason": "r", "requested_level": "hongmei"})
    before, history = d.get(did, "admin"), len(d.history(did, "admin"))
    r = d.act("jo", did, "approve_escalation", {"level": "street_joint"})
    assert r.status_code == 409 and r.json()["unmet"] == ["level_above_current"]
    for bad in ("community", "task_force", "mayor"):
        assert d.act("jo", did, "approve_escalation", {"level": bad}).status_code == 422
    _unchanged(d, did, before, history)
    assert d.do("jo", did, "approve_escalation", {"level": "hongmei"})["level"] == "hongmei"


def test_deny_keeps_the_level_and_records_the_decision(client: TestClient, world: World, d: Disputes) -> None:
    did = d.escalation_pending()
    cur = d.do("jo", did, "deny_escalation", {"reason": "居民区继续调解"})
    assert (cur["state"], cur["level"]) == ("mediating", "community")
    app = client.get(f"/api/v1/disputes/{did}/escalations", headers=world.h("sec1")).json()["items"][0]
    assert app["decision"] == "denied" and app["decision_reason"] == "居民区继续调解" and app["decided_at"]


def test_a_breach_returns_to_mediation_and_a_new_agreement_follows(
    client: TestClient, world: World, d: Disputes
) -> None:
    did = d.fulfilling()
    assert d.do("staff1", did, "report_breach", {"note": "未履行"})["state"] == "mediating"
    assert client.get(f"/api/v1/disputes/{did}/agreement", headers=world.h("staff1")).json()["status"] == "breached"
    d.do("staff1", did, "record_agreement", d.written())
    assert client.get(f"/api/v1/disputes/{did}/agreement", headers=world.h("staff1")).json()["form"] == "written"


def test_form_task_force_names_units_in_scope(world: World, d: Disputes) -> None:
    did = d.mediating()
    before, history = d.get(did, "admin"), len(d.history(did, "admin"))
    other = world.add_unit("D9", __import__("governance_api.roles").roles.OrgKind.department, "S2")
    body = {"lead_user_id": str(world.users["lic"]), "department_ids": [str(world.units["D1"]), str(other)]}
    assert d.act("pls", did, "form_task_force", body).status_code == 404
    body["department_ids"] = [str(world.units["D1"]), str(world.units["C2"])]  # not a department
    assert d.act("pls", did, "form_task_force", body).status_code == 404
    body = {"lead_user_id": "00000000-0000-0000-0000-000000000000", "department_ids": body["department_ids"][:1]}
    assert d.act("pls", did, "form_task_force", body).status_code == 404
    _unchanged(d, did, before, history)


def test_disposal_report_only_at_task_force(client: TestClient, world: World, d: Disputes) -> None:
    did = d.mediating()
    r = client.post(f"/api/v1/disputes/{did}/disposal-report", json={"content": "x"}, headers=world.h("staff1"))
    assert r.status_code == 409 and r.json()["unmet"] == ["task_force_level"]
    did = d.at_task_force()
    assert (
        client.post(
            f"/api/v1/disputes/{did}/disposal-report", json={"content": "x"}, headers=world.h("do1")
        ).status_code
        == 201
    )
    r = client.post(f"/api/v1/disputes/{did}/disposal-report", json={"content": "y"}, headers=world.h("do2"))
    assert r.status_code == 409 and r.json()["code"] == "duplicate"


def test_early_warning_event_in_the_outbox(world: World, d: Disputes) -> None:
    from sqlalchemy import select

    from governance_api.models.records import OutboxEvent

    low = d.mediating()
    high = d.screening()
    d.do("staff1", high, "complete_screening", {**SCREENING, "risk_level": "critical"})
    with world.db.session(write=False) as s:
        kinds = {(str(e.aggregate_id), e.kind) for e in s.scalars(select(OutboxEvent))}
    assert (high, "dispute.early_warning") in kinds and (low, "dispute.early_warning") not in kinds
    assert d.get(high)["early_warning"] is True and d.get(low)["early_warning"] is False
