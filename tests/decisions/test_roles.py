"""Every action and sub-resource write × every world user: allowed only for DOMAIN.md's roles;
outside the caller's scope 404, in scope without the role 403, and nothing changed either way."""

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from decisions.factories import (
    API,
    PLAN,
    act,
    answer_filings,
    create,
    decision_in,
    get,
    history_len,
    meeting,
    ok,
    post,
)
from world import USERS, World

EVERYONE = [name for name, _, _ in USERS]
# Who sees a C1 decision by scope: roles other than resident / integration client held on C1 or above.
SEES_C1 = {"admin", "jo", "lic", "rol", "pls", "ll1", "sec1", "staff1", "la1", "med1", "smed", "pol1", "oc1", "pm1"}


def _prep_consensus(c: TestClient, w: World, did: str) -> None:
    ok(post(c, w, "sec1", did, "meetings", meeting()))


def _prep_filings(c: TestClient, w: World, did: str) -> None:
    answer_filings(c, w, did)


def _prep_opinion(c: TestClient, w: World, did: str) -> None:
    ok(post(c, w, "la1", did, "legal-opinions", {"conclusion": "lawful", "opinion": "于法有据"}))


def _none(c: TestClient, w: World, did: str) -> None:
    return None


ACTIONS: list[tuple[str, str, dict[str, Any], set[str], Callable[[TestClient, World, str], None]]] = [
    ("propose", "listed", PLAN, {"sec1"}, _none),
    ("open_consultation", "proposed", {}, {"sec1"}, _none),
    ("confirm_consensus", "consulting", {}, {"sec1"}, _prep_consensus),
    ("revise", "consulting", {"reason": "方案调整"}, {"sec1"}, _none),
    ("submit_for_review", "filing", {}, {"sec1"}, _prep_filings),
    ("approve", "legal_review", {"conclusion": "approved", "conditions": []}, {"jo"}, _prep_opinion),
    ("return_for_revision", "legal_review", {"reason": "补充材料"}, {"jo"}, _none),
    ("reject", "legal_review", {"reason": "违法"}, {"jo"}, _none),
    ("complete", "implementing", {"summary": "完成"}, {"sec1"}, _none),
    ("withdraw", "listed", {"reason": "撤回"}, {"sec1"}, _none),
]


def expect_refused(c: TestClient, w: World, did: str, who: str, r: Response) -> None:
    status = 403 if who in SEES_C1 else 404
    assert r.status_code == status, (who, r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(("action", "state", "body", "allowed", "prep"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_action_by_every_role(
    client: TestClient, world: World, action: str, state: str, body: dict[str, Any], allowed: set[str], prep: Any
) -> None:
    d = decision_in(client, world, state)
    prep(client, world, d["id"])
    before = get(client, world, d["id"], who="admin")
    n = history_len(client, world, d["id"])
    for who in EVERYONE:
        if who in allowed:
            continue
        expect_refused(client, world, d["id"], who, act(client, world, who, d["id"], action, body))
    assert get(client, world, d["id"], who="admin")["version"] == before["version"]
    assert history_len(client, world, d["id"]) == n
    for who in allowed:
        assert action in get(client, world, d["id"], who=who)["allowed_actions"]
        ok(act(client, world, who, d["id"], action, body))
    assert history_len(client, world, d["id"]) == n + 1


def _owners_decision(c: TestClient, w: World) -> str:
    d = create(c, w, code="parking_management", title="停车管理")
    ok(act(c, w, "sec1", d["id"], "propose", PLAN))
    ok(act(c, w, "sec1", d["id"], "open_consultation", {"total_area_m2": "5000.00", "total_owners": 50}))
    return str(d["id"])


def _implementing_with_condition(c: TestClient, w: World) -> tuple[str, str]:
    d = decision_in(c, w, "legal_review")
    _prep_opinion(c, w, d["id"])
    ok(act(c, w, "jo", d["id"], "approve", {"conclusion": "approved_with_conditions", "conditions": ["先公示"]}))
    return d["id"], get(c, w, d["id"], sub="/conditions")["items"][0]["id"]


SUBS = {
    "ballots": ("consulting-owners", {"sec1", "staff1", "oc1"}),
    "meetings": ("consulting", {"sec1", "staff1"}),
    "legal-opinions": ("legal_review", {"la1", "jo"}),
    "progress": ("implementing", {"sec1", "staff1"}),
    "publicity": ("implementing", {"sec1", "staff1"}),
    "typical-case": ("closed", {"jo"}),
}


def _sub_body(sub: str, who: str) -> dict[str, Any]:
    return {
        "ballots": {"unit_ref": f"unit-{who}", "area_m2": "90.50", "choice": "for"},
        "meetings": meeting(),
        "legal-opinions": {"conclusion": "lawful", "opinion": "可行"},
        "progress": {"content": "进展"},
        "publicity": {"content": "公示"},
        "typical-case": {"note": "典型"},
    }[sub]


@pytest.mark.parametrize("sub", list(SUBS))
def test_sub_resource_write_by_every_role(client: TestClient, world: World, sub: str) -> None:
    state, allowed = SUBS[sub]
    did = _owners_decision(client, world) if state == "consulting-owners" else decision_in(client, world, state)["id"]
    version = get(client, world, did, who="admin")["version"]
    for who in EVERYONE:
        if who not in allowed:
            expect_refused(client, world, did, who, post(client, world, who, did, sub, _sub_body(sub, who)))
    assert get(client, world, did, who="admin")["version"] == version
    for who in allowed:
        ok(post(client, world, who, did, sub, _sub_body(sub, who)))
        if sub == "typical-case":
            break
    assert get(client, world, did, who="admin")["version"] > version


def test_condition_met_by_every_role(client: TestClient, world: World) -> None:
    did, cid = _implementing_with_condition(client, world)
    for who in EVERYONE:
        if who != "sec1":
            expect_refused(
                client, world, did, who, post(client, world, who, did, f"conditions/{cid}/met", {"note": "x"})
            )
    assert get(client, world, did, sub="/conditions")["items"][0]["met"] is False
    ok(post(client, world, "sec1", did, f"conditions/{cid}/met", {"note": "已公示"}))


def test_filing_response_by_every_role(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "filing")
    filings = {f["target_role"]: f["id"] for f in get(client, world, d["id"], sub="/filings")["items"]}
    for role, holder in (("leader_in_charge", "lic"), ("liaison_leader", "ll1")):
        for who in EVERYONE:
            if who != holder:
                body = {"response": "acknowledged", "opinion": "同意"}
                r = post(client, world, who, d["id"], f"filings/{filings[role]}/response", body)
                expect_refused(client, world, d["id"], who, r)
        ok(
            post(
                client,
                world,
                holder,
                d["id"],
                f"filings/{filings[role]}/response",
                {"response": "objection", "opinion": "有异议"},
            )
        )


# A create's scope is the community: every user holding any role on it or above (residents and
# integration clients too, though they see no decisions) is refused by role, 403; the others 404.
CREATE_SCOPE = {
    "C1": SEES_C1 | {"res1", "ic"},
    "C2": {"admin", "jo", "lic", "rol", "pls", "smed", "ic", "sec2", "staff2"},
}
CREATORS = {"C1": {"sec1", "staff1"}, "C2": {"sec2", "staff2"}}


@pytest.mark.parametrize("community", ["C1", "C2"])
def test_create_by_every_role(client: TestClient, world: World, community: str) -> None:
    body = {
        "community_id": str(world.units[community]),
        "catalog_code": "corridor_clearance",
        "title": "t",
        "description": "d",
    }
    for who in EVERYONE:
        r = client.post(f"{API}/decisions", json=body, headers=world.h(who))
        expected = 201 if who in CREATORS[community] else 403 if who in CREATE_SCOPE[community] else 404
        assert r.status_code == expected, (who, r.text)
    assert len(ok(client.get(f"{API}/decisions", headers=world.h("admin")))["items"]) == 2


def test_resident_creating_in_its_own_community_is_403(client: TestClient, world: World) -> None:
    """The community is in a resident's scope (it holds ``resident`` there); only the role is
    missing, and API.md answers scope (404) before role (403). Another community stays 404."""
    for community, status in (("C1", 403), ("C2", 404), ("C3", 404)):
        body = {"community_id": str(world.units[community]), "catalog_code": "corridor_clearance"}
        r = client.post(f"{API}/decisions", json=body | {"title": "t", "description": "d"}, headers=world.h("res1"))
        assert r.status_code == status, (community, r.text)
        assert r.json()["code"] == ("forbidden" if status == 403 else "not_found")
    # Scope and role come before the body: a bad body from the resident is still 403.
    bad = {"community_id": str(world.units["C1"]), "catalog_code": "corridor_clearance", "title": ""}
    assert client.post(f"{API}/decisions", json=bad, headers=world.h("res1")).status_code == 403


def test_residents_and_integration_clients_see_no_decisions(client: TestClient, world: World) -> None:
    d = decision_in(client, world, "listed")
    for who in ("res1", "ic", "sec2", "jo2", "gw1"):
        assert ok(client.get(f"{API}/decisions", headers=world.h(who)))["items"] == []
        assert client.get(f"{API}/decisions/{d['id']}", headers=world.h(who)).status_code == 404
        assert client.get(f"{API}/decisions/{d['id']}/tally", headers=world.h(who)).status_code == 404
