"""Each process keeps a caller's grants for at most ``grants_cache_seconds`` (5): a role revoked or a
user disabled by another process is refused on every worker within that time. Served for real by
``governance-api serve --workers 2`` (two processes, each with its own cache), with the change
committed from this test's process, so no worker hears of it except through the database."""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import delete, update

from conftest import SECRET
from governance_api.db import Database
from governance_api.models.org import RoleAssignment, User
from governance_api.roles import Role
from governance_api.settings import Settings
from world import World

GRACE = 5.0  # the promise: refused within this many seconds
CALLS = 30  # requests per round, each on a new connection, so both workers answer some


@pytest.fixture
def two_workers(settings: Settings, world: World, tmp_path: os.PathLike[str]) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "GOVERNANCE_DATABASE_URL": settings.database_url,
        "GOVERNANCE_JWT_SECRET": SECRET,
        "GOVERNANCE_ENVIRONMENT": "test",
        "GOVERNANCE_LOG_LEVEL": "WARNING",
    }
    log = open(f"{tmp_path}/server.log", "wb")  # noqa: SIM115 (closed below, after the server)
    server = subprocess.Popen(
        [sys.executable, "-m", "governance_api", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("the two-worker server did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def _statuses(base: str, headers: dict[str, str]) -> list[int]:
    """``CALLS`` admin-only reads, each on a fresh connection (the kernel spreads them over the workers)."""
    out = []
    for _ in range(CALLS):
        with httpx.Client(base_url=base, headers=headers, timeout=10) as c:
            out.append(c.get("/api/v1/users", params={"limit": 1}).status_code)
    return out


def _after_grace(changed_at: float) -> None:
    time.sleep(max(0.0, changed_at + GRACE + 0.2 - time.monotonic()))


def test_a_revoked_role_is_refused_on_every_worker_within_5_seconds(
    two_workers: str, world: World, db: Database
) -> None:
    user = world.users["sec1"]
    grant_id = uuid.uuid4()
    with db.transaction() as s:
        s.add(RoleAssignment(id=grant_id, user_id=user, role=Role.admin.value, org_unit_id=world.units["S1"]))
    headers = world.h("sec1")
    assert _statuses(two_workers, headers) == [200] * CALLS  # both workers now hold the admin grant
    with db.transaction() as s:
        s.execute(delete(RoleAssignment).where(RoleAssignment.id == grant_id))
    changed_at = time.monotonic()
    _after_grace(changed_at)
    assert _statuses(two_workers, headers) == [403] * CALLS


def test_a_disabled_user_is_refused_on_every_worker_within_5_seconds(
    two_workers: str, world: World, db: Database
) -> None:
    headers = world.h("admin")
    assert _statuses(two_workers, headers) == [200] * CALLS
    with db.transaction() as s:
        s.execute(update(User).where(User.id == world.users["admin"]).values(active=False))
    changed_at = time.monotonic()
    _after_grace(changed_at)
    assert _statuses(two_workers, headers) == [401] * CALLS
