"""Subscriptions over HTTP: create, read, change, delete; the secret shown once; who may do what on
whose subscription (a subscription is its owner's: anyone else gets 404, administrators excepted)."""

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from conftest import Shared
from governance_api.models.integration import WebhookSubscription
from governance_api.models.records import IdempotencyRecord
from governance_api.webhooks import secrets
from webhooks.factories import (
    API,
    CREATED,
    EVERYONE,
    SUBSCRIBERS,
    TRANSITIONED,
    add_delivery,
    body,
    counts,
    ok,
    problem,
    subscribe,
)


def _row(s: Shared, sub_id: str) -> WebhookSubscription | None:
    with s.db.session(write=False) as session:
        return session.get(WebhookSubscription, uuid.UUID(sub_id))


def test_create_read_change_delete(shared: Shared) -> None:
    c, h = shared.client, shared.h("jo")
    r = c.post(API, json=body(event_types=[CREATED, TRANSITIONED], description="司法所自用"), headers=h)
    created = ok(r, 201)
    assert r.headers["Location"] == f"{API}/{created['id']}"
    assert created["secret"].startswith("whsec_") and len(secrets.key_bytes(created["secret"])) == 32
    assert created["owner_id"] == str(shared.world.users["jo"])
    assert created["event_types"] == [CREATED, TRANSITIONED]
    assert created["active"] is True and created["disabled_reason"] is None
    assert created["secret_rotated_at"] is None and created["previous_secret_expires_at"] is None

    # Stored sealed: the table alone does not give the secret back.
    row = _row(shared, created["id"])
    assert row is not None and created["secret"] not in row.secret_ciphertext
    assert secrets.unseal(shared.settings, row.secret_ciphertext) == created["secret"]

    read = ok(c.get(f"{API}/{created['id']}", headers=h))
    assert read == {k: v for k, v in created.items() if k != "secret"}

    changed = ok(
        c.patch(
            f"{API}/{created['id']}",
            json={"url": "https://other.example.org/in", "event_types": [TRANSITIONED], "description": None},
            headers=h,
        )
    )
    assert changed["url"] == "https://other.example.org/in"
    assert changed["event_types"] == [TRANSITIONED] and changed["description"] is None
    assert changed["active"] is True  # left out: kept
    assert dt.datetime.fromisoformat(changed["updated_at"]) >= dt.datetime.fromisoformat(created["updated_at"])
    assert ok(c.patch(f"{API}/{created['id']}", json={"active": False}, headers=h))["active"] is False
    assert ok(c.get(f"{API}/{created['id']}", headers=h))["url"] == "https://other.example.org/in"

    add_delivery(shared.db, created["id"], attempts=[(500, None), (None, "timed out")])
    before = counts(shared.db)
    r = c.delete(f"{API}/{created['id']}", headers=h)
    assert r.status_code == 204 and r.content == b""
    problem(c.get(f"{API}/{created['id']}", headers=h), 404, "not_found")
    problem(c.delete(f"{API}/{created['id']}", headers=h), 404, "not_found")
    # Its deliveries and their attempts went with it.
    assert counts(shared.db) == (before[0] - 1, before[1] - 1, before[2] - 2)


def test_defaults_and_inactive_create(shared: Shared) -> None:
    sub = subscribe(shared.client, shared.h("ic"), active=False)
    assert sub["active"] is False and sub["description"] is None and sub["disabled_reason"] is None


def test_the_secret_is_shown_once(shared: Shared) -> None:
    c, h = shared.client, shared.h("ic")
    sub = subscribe(c, h)
    add_delivery(shared.db, sub["id"])
    reads = [
        c.get(f"{API}/{sub['id']}", headers=h),
        c.get(API, headers=h),
        c.patch(f"{API}/{sub['id']}", json={"description": "x"}, headers=h),
        c.get(f"{API}/{sub['id']}/deliveries", headers=h),
    ]
    for r in reads:
        assert r.status_code == 200, r.text
        assert "whsec_" not in r.text and '"secret"' not in r.text and "ciphertext" not in r.text


def test_an_idempotent_replay_does_not_keep_or_repeat_the_secret(shared: Shared) -> None:
    c, h = shared.client, {**shared.h("jo"), "Idempotency-Key": f"sub-{uuid.uuid4()}"}
    subs_before = counts(shared.db)[0]
    first = c.post(API, json=body(), headers=h)
    secret = ok(first, 201)["secret"]
    replay = c.post(API, json=body(), headers=h)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == first.json()["id"]
    assert replay.json()["secret"] == "whsec_********"
    assert counts(shared.db)[0] == subs_before + 1
    with shared.db.session(write=False) as s:
        stored = b"".join(r.body or b"" for r in s.scalars(select(IdempotencyRecord)))
    assert secret.encode() not in stored and secret.removeprefix("whsec_").encode() not in stored


@pytest.mark.parametrize("who", EVERYONE)
def test_who_may_subscribe(shared: Shared, who: str) -> None:
    before = counts(shared.db)
    r = shared.client.post(API, json=body(), headers=shared.h(who))
    if who in SUBSCRIBERS:
        assert ok(r, 201)["owner_id"] == str(shared.world.users[who])
        return
    problem(r, 403, "forbidden")
    problem(shared.client.get(API, headers=shared.h(who)), 403, "forbidden")
    assert counts(shared.db) == before


def _every_item_endpoint(c: Any, h: dict[str, str], sub_id: str, delivery_id: uuid.UUID) -> dict[str, int]:
    """The status of each endpoint on one subscription for one caller (the writes leave it as it was)."""
    one = f"{API}/{sub_id}"
    return {
        "get": c.get(one, headers=h).status_code,
        "patch": c.patch(one, json={"description": "看过"}, headers=h).status_code,
        "deliveries": c.get(f"{one}/deliveries", headers=h).status_code,
        "delivery": c.get(f"{one}/deliveries/{delivery_id}", headers=h).status_code,
        "redeliver": c.post(f"{one}/deliveries/{delivery_id}/redeliver", headers=h).status_code,
        "rotate": c.post(f"{one}/rotate-secret", headers=h).status_code,
    }


@pytest.mark.parametrize("who", EVERYONE)
def test_a_subscription_is_its_owners_and_the_administrators(shared: Shared, who: str) -> None:
    c = shared.client
    sub = subscribe(c, shared.h("jo"))
    delivery_id = add_delivery(shared.db, sub["id"])
    got = _every_item_endpoint(c, shared.h(who), sub["id"], delivery_id)
    if who in ("jo", "admin"):
        assert got == {"get": 200, "patch": 200, "deliveries": 200, "delivery": 200, "redeliver": 202, "rotate": 200}
    else:  # another officer, the feed, everyone else: not found, existence not leaked
        assert set(got.values()) == {404}, got
        assert ok(c.get(f"{API}/{sub['id']}", headers=shared.h("jo")))["description"] is None
    r = c.delete(f"{API}/{sub['id']}", headers=shared.h(who))
    assert r.status_code == (204 if who in ("jo", "admin") else 404)


def test_lists_hold_only_the_callers_own(shared: Shared) -> None:
    c = shared.client
    mine = {who: {subscribe(c, shared.h(who))["id"] for _ in range(2)} for who in ("jo", "jo2", "ic")}

    def listed(who: str) -> set[str]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 1} | ({"cursor": cursor} if cursor else {})
            page = ok(c.get(API, params=params, headers=shared.h(who)))
            items += page["items"]
            if not (cursor := page["next_cursor"]):
                break
        times = [i["created_at"] for i in items]
        assert times == sorted(times, reverse=True)  # newest first
        return {i["id"] for i in items}

    for who, ids in mine.items():
        assert listed(who) >= ids
        assert all(
            sub["owner_id"] == str(shared.world.users[who]) for sub in ok(c.get(API, headers=shared.h(who)))["items"]
        )
    assert listed("admin") >= set().union(*mine.values())


def test_an_owner_who_lost_the_role_is_refused_not_hidden(shared: Shared) -> None:
    """Scope first (the row is the caller's: found), then the role (403), as API.md orders them."""
    with shared.db.transaction() as s:
        row = WebhookSubscription(
            owner_id=shared.world.users["staff1"],
            url="https://hooks.example.com/old",
            event_types=[CREATED],
            secret_ciphertext=secrets.seal(shared.settings, secrets.new_secret()),
        )
        s.add(row)
        s.flush()
        sub_id = str(row.id)
    problem(shared.client.get(f"{API}/{sub_id}", headers=shared.h("staff1")), 403, "forbidden")
    problem(shared.client.delete(f"{API}/{sub_id}", headers=shared.h("staff1")), 403, "forbidden")
    problem(shared.client.get(f"{API}/{sub_id}", headers=shared.h("sec1")), 404, "not_found")
    assert ok(shared.client.get(f"{API}/{sub_id}", headers=shared.h("admin")))["owner_id"] == str(
        shared.world.users["staff1"]
    )


def test_switching_back_on_clears_the_workers_reason(shared: Shared) -> None:
    c, h = shared.client, shared.h("ic")
    sub = subscribe(c, h)
    with shared.db.transaction() as s:  # what the worker does when the endpoint answers 410
        row = s.get(WebhookSubscription, uuid.UUID(sub["id"]))
        assert row is not None
        row.active, row.disabled_reason = False, "the endpoint answered 410 Gone"
    one = f"{API}/{sub['id']}"
    assert ok(c.get(one, headers=h))["disabled_reason"] == "the endpoint answered 410 Gone"
    # Other changes, or switching it off again, keep the reason.
    assert ok(c.patch(one, json={"url": "https://hooks.example.com/v2"}, headers=h))["disabled_reason"]
    assert ok(c.patch(one, json={"active": False}, headers=h))["disabled_reason"]
    back = ok(c.patch(one, json={"active": True}, headers=h))
    assert back["active"] is True and back["disabled_reason"] is None


def test_unknown_ids_are_not_found(shared: Shared) -> None:
    c, h, missing = shared.client, shared.h("admin"), uuid.uuid4()
    problem(c.get(f"{API}/{missing}", headers=h), 404)
    problem(c.patch(f"{API}/{missing}", json={}, headers=h), 404)
    problem(c.delete(f"{API}/{missing}", headers=h), 404)
    problem(c.post(f"{API}/{missing}/rotate-secret", headers=h), 404)
    problem(c.get(f"{API}/{missing}/deliveries", headers=h), 404)
    sub = subscribe(c, h)
    problem(c.get(f"{API}/{sub['id']}/deliveries/{missing}", headers=h), 404)
    problem(c.post(f"{API}/{sub['id']}/deliveries/{missing}/redeliver", headers=h), 404)
