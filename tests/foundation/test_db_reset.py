"""The pool keeps no pre-pinged connections: when the server drops them (a restart, a failover), the
request that meets a dead one answers 503 ``unavailable`` with Retry-After, having written
nothing, and the next request gets a fresh connection."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from foundation.factories import assert_problem
from governance_api.db import Database
from governance_api.settings import Settings
from world import World


def _drop_connections(settings: Settings) -> int:
    """Terminates every other server connection to the test database, as a restart would."""
    killer = create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    try:
        with killer.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            )
    finally:
        killer.dispose()


def test_a_dropped_connection_is_503_once_then_the_pool_recovers(
    client: TestClient, world: World, db: Database, settings: Settings, dialect: str
) -> None:
    if dialect != "postgresql":
        pytest.skip("SQLite has no server to drop the connection")
    headers = world.h("sec1")
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # a connection now in the pool
    dropped = _drop_connections(settings)
    assert dropped >= 1
    r = client.get("/api/v1/me", headers=headers)
    assert_problem(r, 503, "unavailable")
    assert r.headers["Retry-After"] == "1"
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_a_dropped_connection_under_an_idempotency_key_is_503_too(
    client: TestClient, world: World, settings: Settings, dialect: str
) -> None:
    """The key's reservation is the request's first query, made in middleware outside the app's
    handlers: a dead connection there is 503 as well, and the retry with the same key runs."""
    if dialect != "postgresql":
        pytest.skip("SQLite has no server to drop the connection")
    headers = {**world.h("sec1"), "Idempotency-Key": "reset-1"}
    assert client.get("/api/v1/me", headers=world.h("sec1")).status_code == 200
    assert _drop_connections(settings) >= 1
    assert_problem(client.post("/api/v1/disputes", json={}, headers=headers), 503, "unavailable")
    assert client.post("/api/v1/disputes", json={}, headers=headers).status_code == 422
