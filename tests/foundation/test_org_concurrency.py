"""Concurrent creates of the same username or unit code: one 201, the rest 409 duplicate, never 500."""

import threading
from collections import Counter
from typing import Any

import httpx

from foundation.factories import count, unit_body
from governance_api.db import Database
from governance_api.models.org import OrgUnit, User
from world import World

N = 6


def _race(url: str, body: dict[str, Any], headers: dict[str, str]) -> Counter[int]:
    barrier = threading.Barrier(N)
    statuses: list[int] = []
    lock = threading.Lock()

    def post() -> None:
        with httpx.Client(timeout=30) as c:
            barrier.wait()
            r = c.post(url, json=body, headers=headers)
        with lock:
            statuses.append(r.status_code)

    threads = [threading.Thread(target=post) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return Counter(statuses)


def test_same_username_at_once(live_server: str, world: World, db: Database) -> None:
    before = count(db, User)
    body = {"username": "twin", "password": "Secret-pass-1", "display_name": "双胞胎", "roles": []}
    got = _race(f"{live_server}/api/v1/users", body, world.h("admin"))
    assert got == Counter({201: 1, 409: N - 1})
    assert count(db, User) == before + 1


def test_same_unit_code_at_once(live_server: str, world: World, db: Database) -> None:
    before = count(db, OrgUnit)
    got = _race(f"{live_server}/api/v1/org-units", unit_body("street", "twin-street"), world.h("admin"))
    assert got == Counter({201: 1, 409: N - 1})
    assert count(db, OrgUnit) == before + 1
