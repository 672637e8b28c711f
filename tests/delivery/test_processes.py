"""Real workers: two on PostgreSQL share the work without sending a delivery twice; a worker killed
with SIGKILL mid-batch loses nothing (its leases run out and a restarted worker sends them); SIGTERM
finishes the batch in hand and exits 0."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import SECRET
from delivery.support import Receiver, loopback_settings, subscribe
from disputes.factories import Disputes
from governance_api.db import Database
from governance_api.delivery.runner import Worker
from governance_api.models.integration import WebhookDelivery
from governance_api.models.records import OutboxEvent
from governance_api.settings import Settings
from world import World

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _events(db: Database, dispute_id: str, n: int) -> None:
    """``n`` outbox rows about one dispute, as if its history had ``n`` entries."""
    with db.transaction() as s:
        s.add_all(
            OutboxEvent(aggregate_type="dispute", aggregate_id=uuid.UUID(dispute_id), kind="dispute.accept", payload={})
            for _ in range(n)
        )


def _count(db: Database, *where: object) -> int:
    with db.session(write=False) as s:
        return s.scalar(select(func.count()).select_from(WebhookDelivery).where(*where)) or 0  # type: ignore[arg-type]


def _wait(predicate: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_two_workers_never_send_one_delivery_twice(
    dialect: str, db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    if dialect != "postgresql":
        pytest.skip("several workers share the work on PostgreSQL only (SKIP LOCKED); SQLite runs one")
    s = loopback_settings(settings, worker_batch_size=25, worker_concurrency=8)
    subscribe(db, s, world, "admin", receiver, "both")
    did = d.reported()
    _events(db, did, 400)
    total = 401
    workers = [Worker(s, Database(s)) for _ in range(2)]
    loops: list[asyncio.AbstractEventLoop] = []

    def run(w: Worker) -> None:
        loop = asyncio.new_event_loop()
        loops.append(loop)
        loop.run_until_complete(w.run())

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    try:
        _wait(lambda: _count(db, WebhookDelivery.status == "delivered") == total, 60)
    finally:
        for w, loop in zip(workers, loops, strict=False):
            loop.call_soon_threadsafe(w.stop)
        for t in threads:
            t.join(10)
        for w in workers:
            w.db.dispose()
    ids = receiver.ids("both")
    assert len(ids) == total and set(ids.values()) == {1}, ids.most_common(3)
    assert receiver.bad_signatures == []


def _env(settings: Settings) -> dict[str, str]:
    """The environment of a worker (or server) process of these tests: loopback allow-listed."""
    return os.environ | {
        "GOVERNANCE_ENVIRONMENT": "test",
        "GOVERNANCE_DATABASE_URL": settings.database_url,
        "GOVERNANCE_JWT_SECRET": SECRET,
        "GOVERNANCE_WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
        "GOVERNANCE_WORKER_POLL_SECONDS": "0.05",
        "GOVERNANCE_LOG_LEVEL": "WARNING",
        "PYTHONPATH": SRC,
    }


def _spawn(settings: Settings, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "governance_api", "worker"],
        env=_env(settings) | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_a_worker_killed_mid_batch_loses_nothing(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    subscribe(db, loopback_settings(settings), world, "admin", receiver, "kill")
    did = d.reported()
    _events(db, did, 29)
    total = 30
    receiver.delay = 1.0  # a slow receiver: the batch is in flight when the kill comes
    # the shortest lease the settings allow for one wave of 1.5-second requests: 2 × 1.5 + 5
    lease = {
        "GOVERNANCE_WORKER_LEASE_SECONDS": "8",
        "GOVERNANCE_WORKER_BATCH_SIZE": "10",
        "GOVERNANCE_WEBHOOK_TIMEOUT_SECONDS": "1.5",
    }
    first = _spawn(settings, GOVERNANCE_WORKER_CONCURRENCY="10", **lease)
    try:
        _wait(lambda: len(receiver.received) >= 5, 20)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    # one batch of the outbox fanned out and leased, none recorded; the rest of the outbox unpublished
    assert _count(db) == 10 and _count(db, WebhookDelivery.locked_until.is_not(None)) == 10
    assert _count(db, WebhookDelivery.status == "delivered") == 0
    with db.session(write=False) as s:
        assert s.scalar(select(func.count()).where(OutboxEvent.published_at.is_(None))) == total - 10
    receiver.delay = 0.0
    second = _spawn(settings, **lease)
    try:
        _wait(lambda: _count(db, WebhookDelivery.status == "delivered") == total, 30)
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(10) == 0
    assert set(receiver.ids("kill")) == {str(i) for i in _ids(db)}  # every one sent; the first 10 twice
    assert receiver.bad_signatures == []


def _ids(db: Database) -> list[uuid.UUID]:
    with db.session(write=False) as s:
        return list(s.scalars(select(WebhookDelivery.id)))


def test_sigterm_finishes_the_batch_in_hand_and_exits_0(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    subscribe(db, loopback_settings(settings), world, "admin", receiver, "term")
    d.reported()
    receiver.delay = 1.0
    worker = _spawn(settings)
    try:
        _wait(lambda: len(receiver.received) >= 1, 20)
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(10)
    assert code == 0, worker.stdout.read() if worker.stdout else ""
    [delivery] = [x for x in _deliveries(db)]
    assert delivery.status == "delivered" and delivery.locked_until is None  # recorded before exit


def _deliveries(db: Database) -> list[WebhookDelivery]:
    with db.session(write=False) as s:
        return list(s.scalars(select(WebhookDelivery)))


def test_two_workers_raise_a_reminder_once(dialect: str, db: Database, settings: Settings, d: Disputes) -> None:
    if dialect != "postgresql":
        pytest.skip("concurrent workers run on PostgreSQL only")
    import datetime as dt

    from governance_api.delivery import reminders

    for _ in range(3):
        d.mediating()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=settings.dispute_time_limits.community, minutes=1)
    barrier = threading.Barrier(4)
    databases = [Database(settings) for _ in range(4)]
    counts: list[int] = []

    def run(database: Database) -> None:
        barrier.wait()
        counts.append(reminders.run(database, settings, later))

    threads = [threading.Thread(target=run, args=(x,)) for x in databases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for x in databases:
        x.dispose()
    assert sorted(counts)[-1] >= 1 and sum(counts) == 3
    with db.session(write=False) as s:
        assert s.scalar(select(func.count()).where(OutboxEvent.kind == "dispute.overdue")) == 3


def _cmdline(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:  # it ended in between
        return b""


def test_serve_with_worker_delivers_and_stops_its_worker(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    """``serve --with-worker`` (the README's first command): the worker beside the server delivers a
    dispute's event, is started again when it dies, and stops with the server."""
    subscribe(db, loopback_settings(settings), world, "admin", receiver, "served")
    d.create()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    command = [sys.executable, "-m", "governance_api", "serve", "--port", str(port), "--with-worker"]
    server = subprocess.Popen(command, env=_env(settings), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def workers_now() -> list[str]:
        # every thread's children: a worker started again is the child of the watching thread
        children = [c for t in Path(f"/proc/{server.pid}/task").iterdir() for c in (t / "children").read_text().split()]
        return [c for c in children if b"worker" in _cmdline(c)]

    try:
        _wait(lambda: receiver.at("served"), 30)
        [first] = workers_now()
        # a worker that dies is started again: deliveries never stop silently while serve runs
        os.kill(int(first), signal.SIGKILL)
        _wait(lambda: [w for w in workers_now() if w != first], 20)
        workers = workers_now()
        assert len(workers) == 1 and workers[0] != first
        d.create()
        _wait(lambda: len(receiver.at("served")) == 2, 30)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    status = Path(f"/proc/{workers[0]}/status")

    def ended() -> bool:  # gone, or a zombie nobody reaped (PID 1 of a container may not)
        try:
            return b"zombie" in status.read_bytes()
        except FileNotFoundError:
            return True

    _wait(ended, 15)
