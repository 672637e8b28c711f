"""Idempotency-Key on POST: a replay within the TTL returns the stored outcome, per caller."""

import datetime as dt
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from foundation.factories import assert_problem, count, unit_body
from governance_api.core.errors import Duplicate, IdempotencyKeyReuse
from governance_api.core.idempotency import IdempotencyStore, Lease
from governance_api.db import Database
from governance_api.models.org import OrgUnit
from governance_api.models.records import IdempotencyRecord
from governance_api.roles import Role
from governance_api.settings import Settings
from world import World

UNITS = "/api/v1/org-units"
REPLAYED = "Idempotent-Replayed"


def test_same_key_same_body_replays(client: TestClient, world: World, db: Database) -> None:
    before = count(db, OrgUnit)
    first = client.post(UNITS, json=unit_body("street", "idem-1"), headers=world.h("admin") | {"Idempotency-Key": "k1"})
    assert first.status_code == 201 and REPLAYED not in first.headers
    again = client.post(UNITS, json=unit_body("street", "idem-1"), headers=world.h("admin") | {"Idempotency-Key": "k1"})
    assert again.status_code == 201
    assert again.headers[REPLAYED] == "true"
    assert again.headers["content-type"].startswith("application/json")
    assert again.json() == first.json()
    assert count(db, OrgUnit) == before + 1


def test_same_key_different_body_is_422(client: TestClient, world: World, db: Database) -> None:
    h = world.h("admin") | {"Idempotency-Key": "k2"}
    assert client.post(UNITS, json=unit_body("street", "idem-2"), headers=h).status_code == 201
    before = count(db, OrgUnit)
    r = client.post(UNITS, json=unit_body("street", "idem-2-other"), headers=h)
    assert_problem(r, 422, "idempotency_key_reuse")
    assert count(db, OrgUnit) == before


def test_same_key_on_another_path_is_422(client: TestClient, world: World) -> None:
    h = world.h("admin") | {"Idempotency-Key": "k-path"}
    assert client.post(UNITS, json=unit_body("street", "idem-path"), headers=h).status_code == 201
    body = {"username": "idem-user", "password": "Secret-pass-1", "display_name": "x"}
    assert_problem(client.post("/api/v1/users", json=body, headers=h), 422, "idempotency_key_reuse")


def test_keys_are_per_caller(client: TestClient, world: World, db: Database) -> None:
    world.add_user("admin2", (Role.admin, "S2"))
    h1 = world.h("admin") | {"Idempotency-Key": "shared"}
    h2 = world.h("admin2") | {"Idempotency-Key": "shared"}
    assert client.post(UNITS, json=unit_body("street", "per-caller-1"), headers=h1).status_code == 201
    r = client.post(UNITS, json=unit_body("street", "per-caller-2"), headers=h2)
    assert r.status_code == 201 and REPLAYED not in r.headers
    # The same body from the other caller runs for real: here a duplicate code, not a replay.
    r = client.post(
        UNITS, json=unit_body("street", "per-caller-1"), headers=world.h("admin2") | {"Idempotency-Key": "x"}
    )
    assert_problem(r, 409, "duplicate")
    assert REPLAYED not in r.headers


def test_client_errors_are_replayed_too(client: TestClient, world: World, db: Database) -> None:
    h = world.h("admin") | {"Idempotency-Key": "k-4xx"}
    body = unit_body("grid", "idem-grid", world.units["S1"])  # a grid may not hang under a street
    first = client.post(UNITS, json=body, headers=h)
    assert_problem(first, 422, "validation_error")
    again = client.post(UNITS, json=body, headers=h)
    assert_problem(again, 422, "validation_error")
    assert again.headers[REPLAYED] == "true"
    assert again.json() == first.json()
    missing = unit_body("area", "idem-orphan", uuid.uuid4())
    h404 = world.h("admin") | {"Idempotency-Key": "k-404"}
    assert_problem(client.post(UNITS, json=missing, headers=h404), 404, "not_found")
    replay = client.post(UNITS, json=missing, headers=h404)
    assert replay.status_code == 404 and replay.headers[REPLAYED] == "true"


def test_requests_without_a_key_are_not_replayed(client: TestClient, world: World, db: Database) -> None:
    first = client.post(UNITS, json=unit_body("street", "no-key"), headers=world.h("admin"))
    assert first.status_code == 201
    second = client.post(UNITS, json=unit_body("street", "no-key"), headers=world.h("admin"))
    assert_problem(second, 409, "duplicate")
    assert REPLAYED not in second.headers
    assert count(db, IdempotencyRecord) == 0


def test_unauthenticated_posts_are_not_stored(client: TestClient, world: World, db: Database) -> None:
    r = client.post(UNITS, json=unit_body("street", "anon"), headers={"Idempotency-Key": "anon"})
    assert_problem(r, 401, "unauthorized")
    assert count(db, IdempotencyRecord) == 0


def test_sign_ins_are_never_stored(client: TestClient, world: World, db: Database) -> None:
    """An issued token is a secret: a sign-in with a bearer and a key is not kept for replay."""
    form = {"username": "sec1", "password": "World-pass-1234"}
    headers = world.h("admin") | {"Idempotency-Key": "sign-in"}
    first = client.post("/api/v1/auth/token", data=form, headers=headers)
    second = client.post("/api/v1/auth/token", data=form, headers=headers)
    assert first.status_code == second.status_code == 200 and REPLAYED not in second.headers
    assert count(db, IdempotencyRecord) == 0


def test_expired_records_are_not_replayed(client: TestClient, world: World, db: Database, settings: Settings) -> None:
    h = world.h("admin") | {"Idempotency-Key": "k-old"}
    assert client.post(UNITS, json=unit_body("street", "idem-old"), headers=h).status_code == 201
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=settings.idempotency_ttl_hours, minutes=1)
    with db.transaction() as s:
        s.execute(update(IdempotencyRecord).values(created_at=old))
    r = client.post(UNITS, json=unit_body("street", "idem-old"), headers=h)
    assert_problem(r, 409, "duplicate")  # ran again: the code is now taken
    assert REPLAYED not in r.headers
    # The fresh outcome is what the key now replays.
    r = client.post(UNITS, json=unit_body("street", "idem-old"), headers=h)
    assert r.status_code == 409 and r.headers[REPLAYED] == "true"


def test_record_just_inside_the_ttl_is_replayed(
    client: TestClient, world: World, db: Database, settings: Settings
) -> None:
    h = world.h("admin") | {"Idempotency-Key": "k-recent"}
    assert client.post(UNITS, json=unit_body("street", "idem-recent"), headers=h).status_code == 201
    recent = dt.datetime.now(dt.UTC) - dt.timedelta(hours=settings.idempotency_ttl_hours) + dt.timedelta(minutes=5)
    with db.transaction() as s:
        s.execute(update(IdempotencyRecord).values(created_at=recent))
    r = client.post(UNITS, json=unit_body("street", "idem-recent"), headers=h)
    assert r.status_code == 201 and r.headers[REPLAYED] == "true"


def test_overlong_key_is_422(client: TestClient, world: World, db: Database) -> None:
    h = world.h("admin") | {"Idempotency-Key": "k" * 256}
    assert_problem(client.post(UNITS, json=unit_body("street", "long-key"), headers=h), 422, "validation_error")
    assert count(db, IdempotencyRecord) == 0


def test_store_in_flight_and_server_errors(db: Database, settings: Settings, world: World) -> None:
    """A key whose first request is still running is 409 for a second one; a 5xx frees the key."""
    store = IdempotencyStore(db, settings)
    caller = world.users["admin"].hex
    first = store._reserve(caller, "k", "digest-a")
    assert isinstance(first, Lease) and first.attempt == 1
    with pytest.raises(Duplicate):
        store._reserve(caller, "k", "digest-a")
    with pytest.raises(IdempotencyKeyReuse):
        store._reserve(caller, "k", "digest-b")
    store._complete(first, 503, "application/problem+json", b"{}")
    with db.session(write=False) as s:
        assert s.scalars(select(IdempotencyRecord)).all() == []
    again = store._reserve(caller, "k", "digest-b")
    assert isinstance(again, Lease)
    store._complete(again, 201, "application/json", b'{"ok": true}')
    assert store._reserve(caller, "k", "digest-b") == (201, "application/json", b'{"ok": true}')


def test_a_412_is_not_replayed_so_the_retry_after_a_fresh_read_runs(client: TestClient, world: World) -> None:
    created = client.post(
        "/api/v1/disputes",
        json={
            "community_id": str(world.units["C1"]),
            "channel": "walk_in",
            "category": "neighbor",
            "title": "噪音",
            "description": "楼上噪音",
        },
        headers=world.h("staff1"),
    )
    url = created.headers["Location"] + "/actions/accept"
    key = {"Idempotency-Key": "accept-once"}
    stale = client.post(url, json={}, headers=world.h("staff1") | key | {"If-Match": '"999"'})
    assert stale.status_code == 412
    fresh = client.post(url, json={}, headers=world.h("staff1") | key | {"If-Match": created.headers["ETag"]})
    assert fresh.status_code == 200 and REPLAYED not in fresh.headers and fresh.json()["state"] == "screening"
    again = client.post(url, json={}, headers=world.h("staff1") | key | {"If-Match": created.headers["ETag"]})
    assert again.status_code == 200 and again.headers[REPLAYED] == "true"
