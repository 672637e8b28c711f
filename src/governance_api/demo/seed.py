"""``seed-demo``: the demo street, its people, and decisions, disputes and year-end evaluations in
every state.

The org tree and the users are written straight into the database (with one shared password hash);
every decision and dispute is then made through the service's own HTTP API, in-process
(``driver``: a ``TestClient`` on ``create_app``), as the demo user whose step it is, with a bearer token minted for
that user. Two reasons: the demo world passes every rule (scope, roles, guards, validation) that a
real client's data would, so it shows nothing a client could not produce; and it depends only on the
published API, so it keeps working while the services behind it are restructured. No decision or
dispute row is ever written directly.

Idempotent: when the ``demo-street`` unit exists, nothing is done.
"""

import time
from collections.abc import Callable

from governance_api.db import Database
from governance_api.demo import (
    community_disputes,
    decision_cases,
    evaluations,
    governance_bodies,
    integration,
    ladder_disputes,
    patrols,
)
from governance_api.demo.decisions import name_catalog_departments
from governance_api.demo.driver import Api, connect
from governance_api.demo.meetings import seed_meetings
from governance_api.demo.world import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_UNITS, STREET, DemoWorld, build_world
from governance_api.migrate import upgrade
from governance_api.org import repository as org_repo
from governance_api.settings import Settings

Case = Callable[[Api, DemoWorld], None]


def seed_demo(settings: Settings) -> str:
    """Build the demo world unless it is there; say what was done and how long it took."""
    started = time.perf_counter()
    upgrade(settings)
    db = Database(settings)
    try:
        if _present(db):
            return f"demo data already present: nothing changed ({_since(started)})"
        world = build_world(db)
        decisions, disputes, calls = _records(settings, db, world)
    finally:
        db.dispose()
    return (
        f"demo data created: {len(DEMO_UNITS)} units, {len(DEMO_PEOPLE)} users, {decisions} decisions, "
        f"{disputes} disputes ({calls} API calls, {_since(started)}); every user's password is {DEMO_PASSWORD}"
    )


def _present(db: Database) -> bool:
    with db.session(write=False) as session:
        return org_repo.unit_code_taken(session, STREET) is not None


def _records(settings: Settings, db: Database, world: DemoWorld) -> tuple[int, int, int]:
    """Decisions and disputes through the API; returns how many of each, and the calls made."""
    with connect(settings, db, world.users) as api:
        name_catalog_departments(api, world)
        _run(api, world, decision_cases.CASES)
        disputes = community_disputes.CASES + ladder_disputes.CASES
        _run(api, world, disputes)
        _run(api, world, integration.CASES)  # 一网统管: the category table and a batch of work orders
        _run(api, world, patrols.CASES)  # the grid patrols of the year; one clue becomes a dispute
        _run(api, world, governance_bodies.CASES)
        seed_meetings(api, world)  # after both: their agendas link decisions and disputes
        _run(api, world, evaluations.CASES)  # last: each snapshot holds the demo year's records
        return len(decision_cases.CASES), len(disputes) + integration.DISPUTES, api.calls


def _run(api: Api, world: DemoWorld, cases: tuple[Case, ...]) -> None:
    for case in cases:
        case(api, world)


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"
