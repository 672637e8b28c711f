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


def test_a_dropped_connection_is_503_once_then_the_pool_recovers(
    client: TestClient, world: World, db: Database, settings: Settings, dialect: str
) -> None:
    if dialect != "postgresql":
        pytest.skip("SQLite has no server to drop the connection")
    headers = world.h("sec1")
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # a connection now in the pool
    killer = create_engine(settings.database_url, isolation_level="AUTOCOMMIT")
    try:
        with killer.connect() as conn:
            dropped = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
    finally:
        killer.dispose()
    assert dropped >= 1
    r = client.get("/api/v1/me", headers=headers)
    assert_problem(r, 503, "unavailable")
    assert r.headers["Retry-After"] == "1"
    assert client.get("/api/v1/me", headers=headers).status_code == 200
