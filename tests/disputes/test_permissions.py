"""Every action × every role at every level (DOMAIN.md §3.3): allowed only for the right roles,
404 for those who cannot see the dispute, 403 for those who see it without the role; a refused
attempt changes nothing, and ``allowed_actions`` agrees with what the caller may do."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from disputes.factories import SCREENING, Disputes, days_ago, dispute_body, prepare
from world import USERS, World

ALL = [name for name, _, _ in USERS]

# Written from DOMAIN.md, not from the code under test.
COMMUNITY = {"staff1", "sec1", "med1", "smed", "pol1", "la1"}  # smed: a street-scoped mediator counts
STREET = {"jo", "smed"}  # the street's judicial officers and street-scoped mediators
TASK_FORCE = {"pls", "do1", "do2"}  # the lead (pls in the factory) and the officers of D1, D2
HANDLERS = {"community": COMMUNITY, "street_joint": STREET, "hongmei": STREET, "task_force": TASK_FORCE}
# who sees a dispute reported by staff1 in C1: handling/overseeing roles over C1, and admin
SEES = {"admin", "jo", "lic", "rol", "pls", "ll1", "sec1", "staff1", "la1", "med1", "smed", "pol1"}
SEES_AT = {"task_force": SEES | {"do1", "do2"}}

NOTE = {"note": "n"}


def _body(d: Disputes, action: str, level: str) -> dict[str, Any]:
    return {
        "accept": {},
        "complete_screening": SCREENING,
        "record_agreement": d.written() if level in ("street_joint", "hongmei") else {"form": "oral", "content": "c"},
        "confirm_fulfillment": NOTE,
        "report_breach": NOTE,
        "request_escalation": {
            "summary": "s",
            "reason": "r",
            "requested_level": "hongmei" if level == "street_joint" else "street_joint",
        },
        "approve_escalation": {},
        "deny_escalation": {"reason": "r"},
        "form_task_force": d.task_force_body(),
        "refer": {"route": "litigation", "reason": "r"},
        "withdraw": {"reason": "r"},
    }[action]


def _level(setup: str) -> str:
    return setup.split("@")[1] if "@" in setup else "community"


CASES: list[tuple[str, str, set[str]]] = [
    ("accept", "reported", {"staff1", "sec1"}),
    ("complete_screening", "screening", {"staff1", "sec1", "med1", "smed"}),
    ("approve_escalation", "escalation_pending", {"jo"}),
    ("deny_escalation", "escalation_pending", {"jo"}),
    ("form_task_force", "mediating@community", {"pls", "lic"}),
    ("form_task_force", "mediating@street_joint", {"pls", "lic"}),
    ("form_task_force", "escalation_pending", {"pls", "lic"}),
    ("request_escalation", "mediating@community", {"sec1"}),
    ("request_escalation", "mediating@street_joint", {"jo"}),
    ("request_escalation", "mediating@hongmei", set()),
    ("request_escalation", "mediating@task_force", set()),
    ("refer", "screening", COMMUNITY),
    ("withdraw", "reported", COMMUNITY),
    ("withdraw", "screening", COMMUNITY),
]
for _lvl in ("community", "street_joint", "hongmei", "task_force"):
    CASES += [
        ("record_agreement", f"mediating@{_lvl}", HANDLERS[_lvl]),
        ("refer", f"mediating@{_lvl}", HANDLERS[_lvl]),
        ("withdraw", f"mediating@{_lvl}", HANDLERS[_lvl]),
        ("confirm_fulfillment", f"fulfilling@{_lvl}", HANDLERS[_lvl]),
        ("report_breach", f"fulfilling@{_lvl}", HANDLERS[_lvl]),
    ]


@pytest.mark.parametrize(("action", "setup", "allowed"), CASES, ids=[f"{a}-{s}" for a, s, _ in CASES])
def test_action_by_every_role(client: TestClient, d: Disputes, action: str, setup: str, allowed: set[str]) -> None:
    level = _level(setup)
    sees = SEES_AT.get(level, SEES)
    assert allowed <= sees
    did = prepare(d, setup)
    before = d.get(did, "admin")
    history = len(d.history(did, "admin"))
    wrong: list[str] = []
    for user in sorted(set(ALL) - allowed):
        expected = 403 if user in sees else 404
        r = d.act(user, did, action, _body(d, action, level))
        if r.status_code != expected or r.json()["code"] != {403: "forbidden", 404: "not_found"}[expected]:
            wrong.append(f"{user}: {r.status_code} (expected {expected})")
        if user in sees and action in d.get(did, user)["allowed_actions"]:
            wrong.append(f"{user}: offered {action}")
    assert not wrong, wrong
    after = d.get(did, "admin")
    assert after["version"] == before["version"] and len(d.history(did, "admin")) == history
    for user in sorted(allowed):
        fresh = prepare(d, setup)
        assert action in d.get(fresh, user)["allowed_actions"], user
        r = d.act(user, fresh, action, _body(d, action, level))
        assert r.status_code == 200, (user, r.text)


SUB = [
    ("screening", "screening", "put", COMMUNITY),
    ("sessions", "mediating@community", "post", COMMUNITY),
    ("sessions", "mediating@street_joint", "post", STREET),
    ("sessions", "mediating@hongmei", "post", STREET),
    ("sessions", "mediating@task_force", "post", TASK_FORCE),
    ("disposal-report", "mediating@task_force-nr", "post", TASK_FORCE),
    ("judicial-confirmation", "fulfilling@street_joint", "post", STREET),
]
SUB_BODIES = {
    "screening": {"background": "b"},
    "sessions": {"held_at": "2026-01-05T08:00:00Z", "participants": ["张三"], "notes": "n", "outcome": "adjourned"},
    "disposal-report": {"content": "报告"},
}


@pytest.mark.parametrize(("resource", "setup", "method", "allowed"), SUB, ids=[f"{r}-{s}" for r, s, _, _ in SUB])
def test_sub_records_by_every_role(
    client: TestClient, world: World, d: Disputes, resource: str, setup: str, method: str, allowed: set[str]
) -> None:
    level = _level(setup.removesuffix("-nr"))
    did = d.at_task_force() if setup.endswith("-nr") else prepare(d, setup)  # -nr: no report yet
    body = SUB_BODIES.get(resource) or {"court": "区法院", "applied_on": days_ago(0)}
    sees = SEES_AT.get(level, SEES)
    if resource == "judicial-confirmation":
        allowed = allowed | {"jo"}  # a judicial officer over the community, whatever the level
    version = d.get(did, "admin")["version"]
    wrong = []
    for user in sorted(set(ALL) - allowed):
        r = getattr(client, method)(f"/api/v1/disputes/{did}/{resource}", json=body, headers=world.h(user))
        expected = 403 if user in sees else 404
        if r.status_code != expected:
            wrong.append(f"{user}: {r.status_code} (expected {expected})")
    assert not wrong, wrong
    assert d.get(did, "admin")["version"] == version
    for user in sorted(allowed):
        fresh = d.at_task_force() if setup.endswith("-nr") else prepare(d, setup)
        r = getattr(client, method)(f"/api/v1/disputes/{fresh}/{resource}", json=body, headers=world.h(user))
        assert r.status_code in (200, 201), (user, r.text)


def test_judicial_officer_of_another_street_sees_nothing(client: TestClient, world: World, d: Disputes) -> None:
    did = prepare(d, "fulfilling@street_joint")
    r = client.post(
        f"/api/v1/disputes/{did}/judicial-confirmation",
        json={"court": "c", "applied_on": "2026-01-01"},
        headers=world.h("jo2"),
    )
    assert r.status_code == 404


def test_reporters_see_only_their_own(client: TestClient, world: World, d: Disputes) -> None:
    mine = d.create("res1")["id"]
    fed = d.create("ic", channel="yiwangtongguan", external_id="YW-1")["id"]
    other = d.create("staff1")["id"]
    for user, own in (("res1", mine), ("ic", fed)):
        listed = {x["id"] for x in client.get("/api/v1/disputes", headers=world.h(user)).json()["items"]}
        assert listed == {own}, user
        assert client.get(f"/api/v1/disputes/{other}", headers=world.h(user)).status_code == 404
        got = client.get(f"/api/v1/disputes/{own}", headers=world.h(user)).json()
        assert got["allowed_actions"] == [] and got["personal_data_masked"] is True
    for user in ("oc1", "pm1"):
        assert client.get("/api/v1/disputes", headers=world.h(user)).json()["items"] == []
    admin = {x["id"] for x in client.get("/api/v1/disputes", headers=world.h("admin")).json()["items"]}
    assert admin == {mine, fed, other}


# The same create rule as decisions': the community (no grid given) in the caller's reach under any
# grant is in scope, so a role that may not report is 403; a community outside every grant is 404.
REPORTS = {"C1": {"staff1", "sec1", "pol1", "res1", "ic"}, "C2": {"sec2", "staff2", "ic"}}
REACHES = {
    "C1": {"admin", "jo", "lic", "rol", "pls", "ll1", "sec1", "staff1", "la1", "med1", "smed", "pol1", "oc1"}
    | {"pm1", "res1", "ic"},
    "C2": {"admin", "jo", "lic", "rol", "pls", "smed", "ic", "sec2", "staff2"},
}


@pytest.mark.parametrize("community", ["C1", "C2"])
def test_create_by_every_role(client: TestClient, world: World, community: str) -> None:
    for who in ALL:
        # ic relays 一网统管 (world.py) and reports on that channel only
        channel = "yiwangtongguan" if who == "ic" else "walk_in"
        body = dispute_body(world, community_id=str(world.units[community]), channel=channel)
        r = client.post("/api/v1/disputes", json=body, headers=world.h(who))
        expected = 201 if who in REPORTS[community] else 403 if who in REACHES[community] else 404
        assert r.status_code == expected, (who, r.text)
