"""Idempotency-Key reservations are leases: a worker killed mid-request leaves its reservation
unfinished, and a retry after the lease takes it over and runs the request (it used to answer 409
"still in progress" for the key's whole 24 h). A request whose changes committed is never run again,
and an attempt that lost its lease cannot commit. The crash is simulated by planting the row a dead
worker leaves behind."""

import datetime as dt
import json
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from foundation.factories import assert_problem, count, unit_body
from governance_api.core.errors import Duplicate
from governance_api.core.idempotency import IdempotencyStore, Lease, fence, request_digest
from governance_api.db import Database
from governance_api.models.org import OrgUnit
from governance_api.models.records import IdempotencyRecord
from governance_api.settings import Settings
from world import World

UNITS = "/api/v1/org-units"
REPLAYED = "Idempotent-Replayed"
BODY = json.dumps(unit_body("street", "after-crash")).encode()
JSON = {"content-type": "application/json"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _plant(
    db: Database,
    caller: uuid.UUID,
    key: str,
    *,
    locked_until: dt.datetime | None,
    committed_at: dt.datetime | None = None,
) -> None:
    """The row a worker killed mid-request leaves: reserved by attempt 1, never answered."""
    with db.transaction() as s:
        s.add(
            IdempotencyRecord(
                caller=caller.hex,
                key=key,
                request_hash=request_digest(UNITS, BODY),
                attempt=1,
                locked_until=locked_until,
                committed_at=committed_at,
            )
        )


def _row(db: Database, key: str) -> IdempotencyRecord:
    with db.session(write=False) as s:
        return s.scalars(select(IdempotencyRecord).where(IdempotencyRecord.key == key)).one()


@pytest.mark.parametrize("lease", ["ran out", "none (a row from before leases)"])
def test_retry_after_the_lease_takes_over_and_runs(client: TestClient, world: World, db: Database, lease: str) -> None:
    _plant(
        db,
        world.users["admin"],
        "crashed",
        locked_until=_now() - dt.timedelta(seconds=1) if lease == "ran out" else None,
    )
    before = count(db, OrgUnit)
    h = world.h("admin") | JSON | {"Idempotency-Key": "crashed"}
    r = client.post(UNITS, content=BODY, headers=h)
    assert r.status_code == 201 and REPLAYED not in r.headers, r.text
    assert count(db, OrgUnit) == before + 1
    row = _row(db, "crashed")
    assert (row.attempt, row.status_code, row.locked_until) == (2, 201, None) and row.committed_at is not None
    again = client.post(UNITS, content=BODY, headers=h)
    assert again.status_code == 201 and again.headers[REPLAYED] == "true" and again.json() == r.json()
    assert count(db, OrgUnit) == before + 1


def test_retry_within_the_lease_is_in_progress(client: TestClient, world: World, db: Database) -> None:
    _plant(db, world.users["admin"], "running", locked_until=_now() + dt.timedelta(seconds=30))
    before = count(db, OrgUnit)
    r = client.post(UNITS, content=BODY, headers=world.h("admin") | JSON | {"Idempotency-Key": "running"})
    assert "in progress" in assert_problem(r, 409, "duplicate")["detail"]
    assert count(db, OrgUnit) == before and _row(db, "running").attempt == 1


def test_another_body_under_a_lapsed_key_is_still_422(client: TestClient, world: World, db: Database) -> None:
    _plant(db, world.users["admin"], "crashed", locked_until=_now() - dt.timedelta(seconds=1))
    other = json.dumps(unit_body("street", "something-else")).encode()
    r = client.post(UNITS, content=other, headers=world.h("admin") | JSON | {"Idempotency-Key": "crashed"})
    assert_problem(r, 422, "idempotency_key_reuse")
    assert _row(db, "crashed").attempt == 1


def test_committed_but_unanswered_is_never_run_again(client: TestClient, world: World, db: Database) -> None:
    """The worker died after its business commit, before storing the answer: a retry within the
    renewed lease is "in progress", after it 409 saying the work was done; it never runs twice."""
    done = _now() - dt.timedelta(seconds=2)
    _plant(db, world.users["admin"], "lost", locked_until=_now() + dt.timedelta(seconds=30), committed_at=done)
    _plant(db, world.users["admin"], "lost-late", locked_until=_now() - dt.timedelta(seconds=1), committed_at=done)
    before = count(db, OrgUnit)
    h = world.h("admin") | JSON
    r = client.post(UNITS, content=BODY, headers=h | {"Idempotency-Key": "lost"})
    assert "in progress" in assert_problem(r, 409, "duplicate")["detail"]
    r = client.post(UNITS, content=BODY, headers=h | {"Idempotency-Key": "lost-late"})
    assert "carried out" in assert_problem(r, 409, "duplicate")["detail"]
    assert count(db, OrgUnit) == before
    assert _row(db, "lost-late").attempt == 1


def _unit(name: str) -> OrgUnit:
    unit_id = uuid.uuid4()
    return OrgUnit(id=unit_id, kind="street", code=name, name=name, path=f"/{unit_id.hex}/")


def test_the_commit_is_fenced_by_the_attempt(db: Database, settings: Settings, world: World) -> None:
    """The request's own commit marks the reservation committed in the same transaction; once a
    retry has taken the reservation over, the old attempt's commit is refused and writes nothing."""
    store = IdempotencyStore(db, settings)
    lease = store._reserve(world.users["admin"].hex, "fenced", "digest")
    assert isinstance(lease, Lease)
    before = count(db, OrgUnit)
    with db.transaction() as s:  # a retry took the reservation over
        s.execute(update(IdempotencyRecord).values(attempt=2))
    with db.session(write=True) as session:
        fence(session, lease)
        session.add(_unit("fenced-out"))
        with pytest.raises(Duplicate):
            session.commit()
    assert count(db, OrgUnit) == before and _row(db, "fenced").committed_at is None

    holder = Lease(lease.caller, lease.key, 2, lease.seconds)
    with db.session(write=True) as session:
        fence(session, holder)
        session.add(_unit("fenced-in"))
        session.commit()
    row = _row(db, "fenced")
    assert count(db, OrgUnit) == before + 1 and row.committed_at is not None
    assert row.locked_until is not None and row.locked_until > _now()  # renewed while the answer is stored


def test_a_server_error_after_the_commit_keeps_the_key(db: Database, settings: Settings, world: World) -> None:
    """A 5xx frees the key only when nothing committed; after a commit the work is done and a retry
    is told so at once instead of doing it again."""
    store = IdempotencyStore(db, settings)
    caller = world.users["admin"].hex
    lease = store._reserve(caller, "late-500", "digest")
    assert isinstance(lease, Lease)
    with db.session(write=True) as session:
        fence(session, lease)
        session.add(_unit("committed"))
        session.commit()
    store._complete(lease, 500, "application/problem+json", b"{}")
    with pytest.raises(Duplicate, match="carried out"):
        store._reserve(caller, "late-500", "digest")


def test_the_lease_is_a_setting(
    db: Database, settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVERNANCE_IDEMPOTENCY_LEASE_SECONDS", "7")
    assert Settings(environment="development").idempotency_lease_seconds == 7
    assert settings.idempotency_lease_seconds == 60  # the default: above the longest request
    store = IdempotencyStore(db, settings.model_copy(update={"idempotency_lease_seconds": 7}))
    lease = store._reserve(world.users["admin"].hex, "leased", "digest")
    assert isinstance(lease, Lease) and lease.seconds == 7
    locked_until = _row(db, "leased").locked_until
    assert locked_until is not None and dt.timedelta(seconds=5) < locked_until - _now() <= dt.timedelta(seconds=7)
