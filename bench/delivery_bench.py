"""Delivery throughput: N pending deliveries, two ``governance-api worker`` processes, a fast local
receiver; deliveries/s from the workers' start until every one is delivered (issue 11: ≥ 1 000/s).

    python bench/delivery_bench.py [--n 20000] [--workers 2] [--url postgresql+psycopg://floor@127.0.0.1:55432/postgres]

It (re)creates the database ``gov_delivery_bench`` on that server, migrates it, inserts the
deliveries straight into it (one subscription owned by an admin, one published outbox row each, a
CloudEvent body of the usual size), starts the receiver (raw asyncio on uvloop, two processes on one
port with SO_REUSEPORT, answering 204) and the workers, and polls the count of delivered rows."""

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from governance_api.migrate import upgrade  # noqa: E402
from governance_api.models.integration import WebhookDelivery, WebhookSubscription  # noqa: E402
from governance_api.models.org import OrgUnit, RoleAssignment, User  # noqa: E402
from governance_api.models.records import OutboxEvent  # noqa: E402
from governance_api.settings import Settings  # noqa: E402
from governance_api.webhooks import secrets  # noqa: E402

SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
DB = "gov_delivery_bench"


class Answer(asyncio.Protocol):
    """HTTP/1.1 keep-alive: read a request (headers + content-length body), answer 204."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.t = transport
        self.buf = b""

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end].lower()
            length = 0
            for line in head.split(b"\r\n"):
                if line.startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if len(self.buf) < end + 4 + length:
                return
            self.buf = self.buf[end + 4 + length :]
            self.t.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")  # type: ignore[attr-defined]


def serve(port: int) -> None:
    import uvloop

    async def main() -> None:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", port))
        server = await asyncio.get_running_loop().create_server(Answer, sock=sock, backlog=1024)
        await server.serve_forever()

    uvloop.run(main())


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


def prepare(server_url: str, n: int, receiver_url: str) -> str:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{DB}"'))
    admin.dispose()
    url = make_url(server_url).set(database=DB).render_as_string(hide_password=False)
    settings = Settings(environment="test", database_url=url, jwt_secret=SECRET)  # type: ignore[arg-type]
    upgrade(settings)
    engine = create_engine(url)
    now = dt.datetime.now(dt.UTC)
    street = uuid.uuid4()
    user = uuid.uuid4()
    sub = uuid.uuid4()
    with engine.begin() as c:
        c.execute(insert(OrgUnit).values(id=street, kind="street", code="bench", name="bench", path=f"/{street.hex}/"))
        c.execute(insert(User).values(id=user, username="bench-admin", password_hash="x", display_name="bench"))
        c.execute(insert(RoleAssignment).values(user_id=user, role="admin", org_unit_id=street))
        c.execute(
            insert(WebhookSubscription).values(
                id=sub,
                owner_id=user,
                url=receiver_url,
                event_types=["governance.dispute.transitioned.v1"],
                secret_ciphertext=secrets.seal(settings, secrets.new_secret()),
            )
        )
        for start in range(0, n, 5000):
            events = [uuid.uuid4() for _ in range(min(5000, n - start))]
            c.execute(
                insert(OutboxEvent),
                [
                    {
                        "id": e,
                        "aggregate_type": "dispute",
                        "aggregate_id": street,
                        "kind": "dispute.accept",
                        "payload": {},
                        "created_at": now,
                        "published_at": now,
                    }
                    for e in events
                ],
            )
            body = {
                "specversion": "1.0",
                "source": "/governance-api",
                "type": "governance.dispute.transitioned.v1",
                "subject": f"disputes/{street}",
                "time": now.isoformat(),
                "datacontenttype": "application/json",
                "data": {
                    "dispute_id": str(street),
                    "org_unit_id": str(street),
                    "action": "accept",
                    "from": "reported",
                    "to": "screening",
                },
            }
            c.execute(
                insert(WebhookDelivery),
                [
                    {
                        "id": uuid.uuid4(),
                        "subscription_id": sub,
                        "event_id": e,
                        "event_type": "governance.dispute.transitioned.v1",
                        "body": json.dumps(body | {"id": str(e)}),
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                        "queued_at": now,
                        "next_attempt_at": now,
                    }
                    for e in events
                ],
            )
    engine.dispose()
    return url


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=20000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--url", default="postgresql+psycopg://floor@127.0.0.1:55432/postgres")
    p.add_argument("--batch", type=int, default=None, help="GOVERNANCE_WORKER_BATCH_SIZE")
    p.add_argument("--concurrency", type=int, default=None, help="GOVERNANCE_WORKER_CONCURRENCY")
    args = p.parse_args()

    port = free_port()
    receivers = [multiprocessing.Process(target=serve, args=(port,), daemon=True) for _ in range(2)]
    for r in receivers:
        r.start()
    url = prepare(args.url, args.n, f"http://127.0.0.1:{port}/hook")
    env = os.environ | {
        "GOVERNANCE_ENVIRONMENT": "test",
        "GOVERNANCE_DATABASE_URL": url,
        "GOVERNANCE_JWT_SECRET": SECRET,
        "GOVERNANCE_WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
        "GOVERNANCE_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    if args.batch:
        env["GOVERNANCE_WORKER_BATCH_SIZE"] = str(args.batch)
    if args.concurrency:
        env["GOVERNANCE_WORKER_CONCURRENCY"] = str(args.concurrency)
    # the lease the settings require of a batch this size at this concurrency (10 s timeouts)
    batch, concurrency = args.batch or 200, args.concurrency or 64
    env["GOVERNANCE_WORKER_LEASE_SECONDS"] = str(max(120, -(-batch // concurrency) * 20 + 5))
    engine = create_engine(url)
    started = time.perf_counter()
    command = [sys.executable, "-m", "governance_api", "worker"]
    workers = [subprocess.Popen(command, env=env) for _ in range(args.workers)]
    done = 0
    try:
        while done < args.n:
            time.sleep(0.2)
            with engine.connect() as c:
                done = c.scalar(select(func.count()).where(WebhookDelivery.status == "delivered")) or 0
            if time.perf_counter() - started > 600:
                break
        elapsed = time.perf_counter() - started
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            w.wait(30)
        for r in receivers:
            r.terminate()
    with engine.connect() as c:
        attempts = c.scalar(text("SELECT count(*) FROM webhook_attempts")) or 0
    engine.dispose()
    print(
        f"{done} of {args.n} delivered in {elapsed:.2f} s by {args.workers} workers: "
        f"{done / elapsed:,.0f} deliveries/s "
        f"({attempts} attempts recorded)"
    )


if __name__ == "__main__":
    main()
