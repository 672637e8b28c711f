"""Bad input on every evaluation write: a problem response, never a 500, nothing written."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from decisions.factories import ok, problem
from evaluations.factories import API, EVALUATE, SUBMIT, YEAR, act, create, evaluation_in
from world import World


def _count(client: TestClient, world: World) -> int:
    return len(ok(client.get(f"{API}/evaluations", params={"limit": 100}, headers=world.h("admin")))["items"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"year": YEAR}, "body.community_id"),
        ({"community_id": "C1"}, "body.year"),
        ({"community_id": "C1", "year": YEAR + 1}, "body.year"),
        ({"community_id": "C1", "year": 1999}, "body.year"),
        ({"community_id": "C1", "year": 2026.5}, "body.year"),
        ({"community_id": "C1", "year": YEAR, "grade": "excellent"}, "body.grade"),
        ({"community_id": "S1", "year": YEAR}, "body.community_id"),
    ],
)
def test_create_refuses_bad_bodies(client: TestClient, world: World, body: dict[str, Any], field: str) -> None:
    if "community_id" in body:
        body = body | {"community_id": str(world.units[body["community_id"]])}
    r = client.post(f"{API}/evaluations", json=body, headers=world.h("jo"))
    assert problem(r, 422, "validation_error")["errors"][0]["field"] == field
    assert _count(client, world) == 0


def test_create_scope_role_and_duplicate(client: TestClient, world: World) -> None:
    problem(create(client, world, who="jo2"), 404, "not_found")  # another street's community
    problem(create(client, world, who="sec1", community="C2"), 404, "not_found")
    for who in ("staff1", "res1", "lic", "la1"):
        problem(create(client, world, who=who), 403, "forbidden")
    unknown = {"community_id": "00000000-0000-4000-8000-000000000000", "year": YEAR}
    problem(client.post(f"{API}/evaluations", json=unknown, headers=world.h("jo")), 404, "not_found")
    first = ok(create(client, world))
    again = problem(create(client, world, who="jo"), 409, "duplicate")
    assert again["existing_id"] == first["id"]
    ok(create(client, world, year=YEAR - 1))  # another year is another evaluation
    assert _count(client, world) == 2


@pytest.mark.parametrize(
    ("action", "who", "state", "body", "field"),
    [
        ("submit", "sec1", "self_assessing", SUBMIT | {"self_score": 101}, "body.self_score"),
        ("submit", "sec1", "self_assessing", SUBMIT | {"self_score": -1}, "body.self_score"),
        ("submit", "sec1", "self_assessing", SUBMIT | {"self_assessment": "自评\u0000"}, "body.self_assessment"),
        ("submit", "sec1", "self_assessing", SUBMIT | {"extra": 1}, "body.extra"),
        ("evaluate", "jo", "submitted", EVALUATE | {"grade": "A"}, "body.grade"),
        (
            "evaluate",
            "jo",
            "submitted",
            EVALUATE | {"demonstration_nomination": "province"},
            "body.demonstration_nomination",
        ),
        ("evaluate", "jo", "submitted", EVALUATE | {"funding_uplift": "maybe"}, "body.funding_uplift"),
        ("publish", "jo", "evaluated", {"commendations": "金色雅筑"}, "body.commendations"),
        ("publish", "jo", "evaluated", {"commendations": ["  "]}, "body.commendations.0"),
    ],
)
def test_actions_refuse_bad_bodies(
    client: TestClient, world: World, action: str, who: str, state: str, body: dict[str, Any], field: str
) -> None:
    e = evaluation_in(client, world, state)
    r = act(client, world, who, e["id"], action, body)
    assert problem(r, 422, "validation_error")["errors"][0]["field"] == field
    after = ok(client.get(f"{API}/evaluations/{e['id']}", headers=world.h("jo")))
    assert (after["state"], after["version"]) == (state, e["version"])


def test_guards_name_what_is_missing(client: TestClient, world: World) -> None:
    e = evaluation_in(client, world, "submitted")
    body = problem(act(client, world, "jo", e["id"], "evaluate", {"funding_uplift": True}), 409, "guard_failed")
    assert body["unmet"] == ["score", "grade", "comments"]
    assert problem(act(client, world, "jo", e["id"], "return", {"reason": " "}), 409, "guard_failed")["unmet"] == [
        "reason"
    ]


def test_stale_if_match_is_412_and_writes_nothing(client: TestClient, world: World) -> None:
    e = evaluation_in(client, world, "self_assessing")
    headers = world.h("sec1") | {"If-Match": '"7"'}
    r = client.post(f"{API}/evaluations/{e['id']}/actions/submit", json=SUBMIT, headers=headers)
    problem(r, 412, "version_conflict")
    assert ok(client.get(f"{API}/evaluations/{e['id']}", headers=world.h("sec1")))["state"] == "self_assessing"
