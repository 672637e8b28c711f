"""Every kind of bad input on every endpoint: a 4xx problem naming the field, and nothing written."""

import uuid
from typing import Any

import pytest

from conftest import Shared
from webhooks.factories import API, CREATED, add_delivery, body, counts, ok, problem, subscribe

LONG_URL = "https://hooks.example.com/" + "a" * 1975  # 2001 characters

BAD_CREATES: list[tuple[str, dict[str, Any], str]] = [
    ("no url", {"event_types": [CREATED]}, "body.url"),
    ("url null", body(url=None), "body.url"),
    ("url a number", body(url=123), "body.url"),
    ("url a list", body(url=["https://x.org/"]), "body.url"),
    ("url empty", body(url=""), "body.url"),
    ("url blank", body(url="   "), "body.url"),
    ("url too long", body(url=LONG_URL), "body.url"),
    ("url with NUL", body(url="https://x.org/\x00"), "body.url"),
    ("no event types", {"url": "https://x.org/"}, "body.event_types"),
    ("event types empty", body(event_types=[]), "body.event_types"),
    ("event types null", body(event_types=None), "body.event_types"),
    ("event type unknown", body(event_types=["governance.dispute.deleted.v1"]), "body.event_types.0"),
    ("event type unversioned", body(event_types=["governance.dispute.created"]), "body.event_types.0"),
    ("event type a number", body(event_types=[1]), "body.event_types.0"),
    ("event types a string", body(event_types=CREATED), "body.event_types"),
    ("event types twice", body(event_types=[CREATED, CREATED]), "body.event_types"),
    ("active a word", body(active="maybe"), "body.active"),
    ("active null", body(active=None), "body.active"),
    ("active a list", body(active=[True]), "body.active"),
    ("description blank", body(description="  "), "body.description"),
    ("description too long", body(description="说" * 201), "body.description"),
    ("description a number", body(description=5), "body.description"),
    ("own secret", body(secret="whsec_" + "A" * 44), "body.secret"),
    ("owner chosen", body(owner_id=str(uuid.uuid4())), "body.owner_id"),
    ("disabled reason set", body(disabled_reason="x"), "body.disabled_reason"),
]


@pytest.mark.parametrize(("raw", "field"), [(b, f) for _, b, f in BAD_CREATES], ids=[n for n, _, _ in BAD_CREATES])
def test_bad_create(shared: Shared, raw: dict[str, Any], field: str) -> None:
    before = counts(shared.db)
    p = problem(shared.client.post(API, json=raw, headers=shared.h("jo")), 422, "validation_error")
    assert field in [e["field"] for e in p["errors"]], p
    assert counts(shared.db) == before


def test_a_url_of_2000_characters_is_accepted(shared: Shared) -> None:
    url = LONG_URL[:-1]
    assert len(url) == 2000
    assert subscribe(shared.client, shared.h("jo"), url=url)["url"] == url


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        ("not json", 400, "bad_request"),
        ("[1, 2]", 422, "validation_error"),
        ('"a string"', 422, "validation_error"),
        ("null", 422, "validation_error"),
    ],
)
def test_bad_create_bodies(shared: Shared, raw: str, status: int, code: str) -> None:
    before = counts(shared.db)
    headers = {**shared.h("ic"), "Content-Type": "application/json"}
    problem(shared.client.post(API, content=raw, headers=headers), status, code)
    problem(shared.client.post(API, content="{}", headers={**shared.h("ic"), "Content-Type": "text/plain"}), 400)
    assert counts(shared.db) == before


def test_a_caller_without_the_role_is_refused_before_the_body(shared: Shared) -> None:
    problem(shared.client.post(API, json={"url": 5}, headers=shared.h("staff1")), 403, "forbidden")


BAD_PATCHES: list[tuple[str, dict[str, Any], str]] = [
    ("url null", {"url": None}, "body.url"),
    ("url too long", {"url": LONG_URL}, "body.url"),
    ("url ftp", {"url": "ftp://x.org/"}, "body.url"),
    ("event types null", {"event_types": None}, "body.event_types"),
    ("event types empty", {"event_types": []}, "body.event_types"),
    ("event types twice", {"event_types": [CREATED, CREATED]}, "body.event_types"),
    ("event type unknown", {"event_types": ["nope"]}, "body.event_types.0"),
    ("active null", {"active": None}, "body.active"),
    ("active a word", {"active": "maybe"}, "body.active"),
    ("description blank", {"description": ""}, "body.description"),
    ("unknown field", {"secret": "whsec_x"}, "body.secret"),
    ("reason by hand", {"disabled_reason": None}, "body.disabled_reason"),
]


@pytest.mark.parametrize(("raw", "field"), [(b, f) for _, b, f in BAD_PATCHES], ids=[n for n, _, _ in BAD_PATCHES])
def test_bad_patch(shared: Shared, raw: dict[str, Any], field: str) -> None:
    c, h = shared.client, shared.h("jo")
    sub = subscribe(c, h, description="原样")
    p = problem(c.patch(f"{API}/{sub['id']}", json=raw, headers=h), 422, "validation_error")
    assert field in [e["field"] for e in p["errors"]], p
    after = ok(c.get(f"{API}/{sub['id']}", headers=h))
    assert after == {k: v for k, v in sub.items() if k != "secret"}


def test_bad_paths_and_queries(shared: Shared) -> None:
    c, h = shared.client, shared.h("jo")
    sub = subscribe(c, h)
    did = add_delivery(shared.db, sub["id"])
    before = counts(shared.db)
    for method, path in [
        ("GET", f"{API}/not-a-uuid"),
        ("PATCH", f"{API}/not-a-uuid"),
        ("DELETE", f"{API}/not-a-uuid"),
        ("POST", f"{API}/not-a-uuid/rotate-secret"),
        ("GET", f"{API}/not-a-uuid/deliveries"),
        ("GET", f"{API}/{sub['id']}/deliveries/not-a-uuid"),
        ("POST", f"{API}/{sub['id']}/deliveries/not-a-uuid/redeliver"),
        ("GET", f"{API}/{sub['id']}/deliveries?status=lost"),
        ("GET", f"{API}/{sub['id']}/deliveries?limit=0"),
        ("GET", f"{API}/{sub['id']}/deliveries?limit=201"),
        ("GET", f"{API}/{sub['id']}/deliveries?cursor=bm9wZQ"),
        ("GET", f"{API}?limit=abc"),
        ("GET", f"{API}?cursor=%00"),
    ]:
        problem(c.request(method, path, json={} if method == "PATCH" else None, headers=h), 422, "validation_error")
    problem(c.put(f"{API}/{sub['id']}", json={}, headers=h), 405)
    problem(c.get(API), 401, "unauthorized")
    problem(c.post(f"{API}/{sub['id']}/deliveries/{did}/redeliver"), 401, "unauthorized")
    assert counts(shared.db) == before
    assert ok(c.get(f"{API}/{sub['id']}/deliveries/{did}", headers=h))["status"] == "failed"
