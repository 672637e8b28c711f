"""``seed-demo``: the demo street and its people.

Idempotent: when the ``demo-street`` unit exists, nothing is done.
"""

import time

from governance_api.db import Database
from governance_api.demo.world import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_UNITS, STREET, build_world
from governance_api.migrate import upgrade
from governance_api.org import repository as org_repo
from governance_api.settings import Settings


def seed_demo(settings: Settings) -> str:
    """Build the demo world unless it is there; say what was done and how long it took."""
    started = time.perf_counter()
    upgrade(settings)
    db = Database(settings)
    try:
        if _present(db):
            return f"demo data already present: nothing changed ({_since(started)})"
        build_world(db)
    finally:
        db.dispose()
    return (
        f"demo data created: {len(DEMO_UNITS)} units, {len(DEMO_PEOPLE)} users ({_since(started)}); "
        f"every user's password is {DEMO_PASSWORD}"
    )


def _present(db: Database) -> bool:
    with db.session(write=False) as session:
        return org_repo.unit_code_taken(session, STREET) is not None


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"
