"""A step (a generated action or activity route) runs on the event loop on PostgreSQL
(``core.loop_writes``) and in the thread pool on SQLite. Either way it commits what it did, and a
step that fails leaves no transaction open behind it."""

import asyncio
import threading

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from conftest import PG_URL
from disputes.factories import Disputes
from governance_api.core.loop_writes import LoopWrites, StepSession
from governance_api.db import Database
from governance_api.settings import Settings
from world import World


def test_a_step_runs_on_the_loop_on_postgresql_and_in_the_pool_on_sqlite(settings: Settings, db: Database) -> None:
    def use_case(session: Session) -> int:
        assert session.scalar(text("SELECT 1")) == 1
        return threading.get_ident()

    async def run() -> tuple[int, int]:
        writes = LoopWrites(settings)
        await writes.open()
        try:
            step = writes.session() if writes.enabled else StepSession(db.session(write=True), None)
            try:
                return await step.run(use_case), threading.get_ident()
            finally:
                if step.on_loop is not None:
                    await step.on_loop.close()
                else:
                    step.session.close()
        finally:
            await writes.close()

    ran_in, loop_thread = asyncio.run(run())
    assert (ran_in == loop_thread) is bool(PG_URL)


def _open_transactions(settings: Settings) -> int:
    """Sessions of the test's database idle inside a transaction (PostgreSQL)."""
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return int(
                conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND state LIKE 'idle in transaction%'"
                    )
                )
                or 0
            )
    finally:
        engine.dispose()


def test_steps_commit_and_a_refused_step_leaves_nothing_open(client: TestClient, world: World) -> None:
    """Each refusal comes at a different point of the step (the locked read, a guard, the version
    check); after each the session is closed with its transaction rolled back, and the next step on
    the same dispute is neither blocked nor refused."""
    d = Disputes(client, world)
    did = d.create()["id"]
    assert d.act("med1", did, "accept").status_code == 403  # a role the action does not name
    assert d.act("staff1", did, "accept", if_match='"99"').status_code == 412  # another version
    assert d.act("staff1", did, "complete_screening").status_code == 409  # not from this state
    if PG_URL:
        assert _open_transactions(world.settings) == 0
    accepted = d.act("staff1", did, "accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["state"] == "screening"
    assert d.get(did, "staff1")["state"] == "screening"  # read back on another session: committed
    assert [h["action"] for h in d.history(did, "admin")][-1] == "accept"
    if PG_URL:
        assert _open_transactions(world.settings) == 0
