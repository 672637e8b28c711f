"""Idempotency-Key against a real server: a retry sent the moment the first answer arrived replays
it (the outcome is stored before the answer's first byte leaves), and concurrent duplicates run the
request exactly once."""

import datetime as dt
import json
import threading

import httpx
from sqlalchemy import select

from foundation.factories import count, unit_body
from governance_api.core.idempotency import request_digest
from governance_api.db import Database
from governance_api.models.org import OrgUnit
from governance_api.models.records import IdempotencyRecord
from world import World

UNITS = "/api/v1/org-units"
REPLAYED = "Idempotent-Replayed"


def test_sequential_retry_replays_every_time(live_server: str, world: World, db: Database) -> None:
    """The client's retry leaves as soon as the 201 arrived: it must find the outcome stored, never
    "still in progress" (it used to, intermittently: the record was completed after sending)."""
    before = count(db, OrgUnit)
    with httpx.Client(base_url=live_server, headers=world.h("admin"), timeout=30) as http:
        for i in range(50):
            body, key = unit_body("street", f"seq-{i}"), {"Idempotency-Key": f"seq-{i}"}
            first = http.post(UNITS, json=body, headers=key)
            again = http.post(UNITS, json=body, headers=key)
            assert first.status_code == 201 and REPLAYED not in first.headers, (i, first.text)
            assert again.status_code == 201, (i, again.text)
            assert again.headers[REPLAYED] == "true" and again.json() == first.json(), i
    assert count(db, OrgUnit) == before + 50


def _race(base: str, world: World, key: str, body: bytes, racers: int = 8) -> list[httpx.Response]:
    barrier = threading.Barrier(racers)
    answers: list[httpx.Response] = []
    lock = threading.Lock()
    headers = world.h("admin") | {"Idempotency-Key": key, "content-type": "application/json"}

    def run() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            barrier.wait()
            r = http.post(UNITS, content=body)
        with lock:
            answers.append(r)

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def _ran_once(answers: list[httpx.Response]) -> None:
    """Exactly one answer ran the request; each other one was told it is in progress (409) or,
    once the first was done, got its replay."""
    ran = [r for r in answers if r.status_code == 201 and REPLAYED not in r.headers]
    replayed = [r for r in answers if r.status_code == 201 and r.headers.get(REPLAYED) == "true"]
    busy = [r for r in answers if r.status_code == 409 and r.json()["code"] == "duplicate"]
    assert len(ran) == 1, [(r.status_code, r.text) for r in answers]
    assert len(ran) + len(replayed) + len(busy) == len(answers), [(r.status_code, r.text) for r in answers]
    assert all(r.json() == ran[0].json() for r in replayed)


def test_concurrent_duplicates_run_once(live_server: str, world: World, db: Database) -> None:
    before = count(db, OrgUnit)
    _ran_once(_race(live_server, world, "race", json.dumps(unit_body("street", "racer")).encode()))
    assert count(db, OrgUnit) == before + 1


def test_concurrent_retries_after_a_crash_take_over_once(live_server: str, world: World, db: Database) -> None:
    """Eight retries of a request whose worker died find its lease run out at once: one takes the
    reservation over (a conditional UPDATE on the attempt) and runs, the others do not."""
    body = json.dumps(unit_body("street", "after-crash")).encode()
    lapsed = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with db.transaction() as s:
        s.add(
            IdempotencyRecord(
                caller=world.users["admin"].hex,
                key="crashed",
                request_hash=request_digest(UNITS, body),
                locked_until=lapsed,
            )
        )
    before = count(db, OrgUnit)
    _ran_once(_race(live_server, world, "crashed", body))
    assert count(db, OrgUnit) == before + 1
    with db.session(write=False) as s:
        assert s.scalars(select(IdempotencyRecord.attempt)).one() == 2
