"""Idempotency-Key against a real server: a retry sent the moment the first answer arrived replays
it (the outcome is stored before the answer's first byte leaves), and concurrent duplicates run the
request exactly once."""

import threading

import httpx

from foundation.factories import count, unit_body
from governance_api.db import Database
from governance_api.models.org import OrgUnit
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


def test_concurrent_duplicates_run_once(live_server: str, world: World, db: Database) -> None:
    """Eight clients send the same keyed request at once: one runs (201), each other one is told it
    is in progress (409) or, once the first is done, gets its replay; one unit is created."""
    racers, before = 8, count(db, OrgUnit)
    barrier = threading.Barrier(racers)
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def run() -> None:
        with httpx.Client(base_url=live_server, headers=world.h("admin"), timeout=30) as http:
            barrier.wait()
            r = http.post(UNITS, json=unit_body("street", "racer"), headers={"Idempotency-Key": "race"})
        with lock:
            answers.append(r)

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ran = [r for r in answers if r.status_code == 201 and REPLAYED not in r.headers]
    replayed = [r for r in answers if r.status_code == 201 and r.headers.get(REPLAYED) == "true"]
    busy = [r for r in answers if r.status_code == 409 and r.json()["code"] == "duplicate"]
    assert len(ran) == 1 and len(ran) + len(replayed) + len(busy) == racers, [(r.status_code, r.text) for r in answers]
    assert all(r.json() == ran[0].json() for r in replayed)
    assert count(db, OrgUnit) == before + 1
