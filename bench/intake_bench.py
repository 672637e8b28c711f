"""Ingestion throughput of ``POST /api/v1/intake/work-orders`` on PostgreSQL (issue 11: ≥ 10 000
work orders/s in batches of 500).

Creates a database on the given server, migrates it, seeds one street (100 communities, 4 grids
each), a feed bound to 一网统管 and its category map; serves the API with uvicorn (2 workers by
default); then CLIENTS concurrent httpx clients post BATCHES batches of 500 new work orders (built
before the clock starts) and the run reports work orders created per second, batch latencies, the
statuses, and checks the rows written. The database is dropped at the end unless --keep.

Usage (from the repository root):
  PYTHONPATH=src python bench/intake_bench.py \
      --server postgresql+psycopg://floor@127.0.0.1:55432/postgres --batches 200 --clients 4
"""

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections import Counter
from typing import Any

import httpx
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
COMMUNITIES, GRIDS = 100, 4
SOURCE_CODES = [f"{n:04d}" for n in range(1, 11)]  # eight mapped, two not (→ other)
MAPPED = dict(
    zip(
        SOURCE_CODES[:8],
        ["neighbor", "property_management", "parking", "elevator", "renovation_noise", "family", "labor", "tenancy"],
        strict=True,
    )
)


def seed(url: str) -> dict[str, Any]:
    from governance_api.db import Database
    from governance_api.migrate import upgrade
    from governance_api.models.integration import CategoryMapEntry, IntegrationClient
    from governance_api.models.org import OrgUnit, RoleAssignment, User
    from governance_api.settings import Settings

    settings = Settings(environment="test", database_url=url, jwt_secret=SECRET)  # type: ignore[arg-type]
    upgrade(settings)
    db = Database(settings)
    units: list[dict[str, Any]] = []

    def unit(kind: str, code: str, parent: dict[str, Any] | None) -> dict[str, Any]:
        unit_id = uuid.uuid4()
        row = {
            "id": unit_id,
            "kind": kind,
            "code": code,
            "name": code,
            "active": True,
            "parent_id": parent["id"] if parent else None,
            "path": (parent["path"] if parent else "/") + unit_id.hex + "/",
        }
        units.append(row)
        return row

    street = unit("street", "ib-street", None)
    communities = [unit("community", f"ib-c-{i}", street) for i in range(COMMUNITIES)]
    grids = [unit("grid", f"ib-g-{c}-{g}", communities[c]) for c in range(COMMUNITIES) for g in range(GRIDS)]
    feed = uuid.uuid4()
    with db.transaction() as s:
        s.execute(insert(OrgUnit), units)
        s.execute(
            insert(User),
            [
                {
                    "id": feed,
                    "username": "ib_feed",
                    "password_hash": "!",
                    "display_name": "一网统管",
                    "phone": None,
                    "active": True,
                }
            ],
        )
        s.execute(
            insert(RoleAssignment),
            [{"id": uuid.uuid4(), "user_id": feed, "role": "integration_client", "org_unit_id": street["id"]}],
        )
        s.execute(insert(IntegrationClient), [{"user_id": feed, "channel": "yiwangtongguan"}])
        s.execute(
            insert(CategoryMapEntry),
            [{"channel": "yiwangtongguan", "source_code": k, "category": v} for k, v in MAPPED.items()],
        )
    from governance_api.tokens import issue

    token = issue(feed, settings).access_token
    db.dispose()
    return {"token": token, "communities": [c["code"] for c in communities], "grids": [g["code"] for g in grids]}


def batches(plan: dict[str, Any], count: int, size: int) -> list[bytes]:
    rng = random.Random(11)
    now = dt.datetime.now(dt.UTC)
    out = []
    for b in range(count):
        items = []
        for i in range(size):
            on_grid = rng.random() < 0.3
            item: dict[str, Any] = {
                "external_id": f"YWTG-{b:05d}-{i:03d}",
                "reported_at": (now - dt.timedelta(minutes=rng.randint(1, 10_000))).isoformat(),
                "category_code": rng.choice(SOURCE_CODES),
                "title": f"工单{b}-{i} 楼上装修噪音扰民",
                "description": "2号楼502室反映楼上夜间装修噪音, 多次沟通未果, 请求居委会协调处理。" * 2,
                "address": f"某某路{rng.randint(1, 999)}弄{rng.randint(1, 30)}号",
                "reporter": {"name": "张三", "phone": f"138{rng.randint(0, 99_999_999):08d}"},
                "attachments": [{"url": f"https://ywtg.example.gov.cn/files/{b}-{i}.jpg", "name": "现场照片"}],
            }
            if on_grid:
                item["grid_code"] = rng.choice(plan["grids"])
            else:
                item["community_code"] = rng.choice(plan["communities"])
            items.append(item)
        out.append(json.dumps({"items": items}, ensure_ascii=False).encode())
    return out


async def post_all(base: str, token: str, bodies: list[bytes], clients: int) -> tuple[float, list[float], Counter[str]]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            while not queue.empty():
                body = queue.get_nowait()
                started = time.perf_counter()
                r = await http.post("/api/v1/intake/work-orders", content=body, headers=headers)
                latencies.append(time.perf_counter() - started)
                if r.status_code != 200:
                    statuses[f"http {r.status_code}"] += 1
                    continue
                statuses.update(x["status"] for x in r.json()["results"])

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return time.perf_counter() - started, latencies, statuses


def _cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far, from /proc (Linux)."""
    used = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def _spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between the two readings, counting processes started meanwhile (a backend
    the API's pool opened mid-run) from zero; one that ended meanwhile is lost."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def _processes(parent: int | None = None, command: str | None = None) -> list[int]:
    """The pids of ``parent`` and its children, or of every process named ``command``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                head, tail = f.read().rsplit(")", 1)
        except OSError:
            continue
        name, ppid = head.split("(", 1)[1], int(tail.split()[1])
        if (parent is not None and (int(entry) == parent or ppid == parent)) or name == command:
            found.append(int(entry))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, help="a PostgreSQL URL whose role may create databases")
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=4, help="batches posted before the clock starts")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    name = f"intake_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.server).set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        plan = seed(url)
        bodies = batches(plan, args.batches + args.warmup, args.size)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = os.environ | {
            "GOVERNANCE_DATABASE_URL": url,
            "GOVERNANCE_JWT_SECRET": SECRET,
            "GOVERNANCE_ENVIRONMENT": "test",
            "GOVERNANCE_LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "governance_api", "serve", "--port", str(port), "--workers", str(args.workers)],
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(f"{base}/readyz").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        asyncio.run(post_all(base, plan["token"], bodies[: args.warmup], min(args.clients, args.warmup)))
        analyze = create_engine(url, isolation_level="AUTOCOMMIT")
        with analyze.connect() as conn:  # as a live database is: a table of a few rows plans otherwise
            conn.execute(text("ANALYZE"))
        analyze.dispose()
        api, database = _cpu(_processes(parent=server.pid)), _cpu(_processes(command="postgres"))
        started = time.process_time()
        elapsed, latencies, statuses = asyncio.run(post_all(base, plan["token"], bodies[args.warmup :], args.clients))
        load = time.process_time() - started
        api = _spent(api, _cpu(_processes(parent=server.pid)))
        database = _spent(database, _cpu(_processes(command="postgres")))
        created = statuses["created"]
        latencies.sort()
        print(f"batches: {args.batches} x {args.size}, clients: {args.clients}, workers: {args.workers}")
        print(f"statuses: {dict(statuses)}")
        print(f"elapsed: {elapsed:.2f} s; created work orders/s: {created / elapsed:,.0f}")
        print(
            f"batch latency ms: p50 {statistics.median(latencies) * 1000:.0f}, "
            f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f}, max {latencies[-1] * 1000:.0f}"
        )
        api, database, load = (cpu * 1000 / args.batches for cpu in (api, database, load))
        print(
            "CPU ms per batch (every PostgreSQL process of this machine counted): "
            f"API {api:.0f}, PostgreSQL {database:.0f}, load generator {load:.0f}"
        )
        engine = create_engine(url)
        with engine.connect() as conn:
            from governance_api.models.disputes import Dispute
            from governance_api.models.integration import WorkOrder
            from governance_api.models.records import OutboxEvent, TransitionRecord

            rows = {
                m.__tablename__: conn.scalar(select(func.count()).select_from(m))
                for m in (Dispute, WorkOrder, TransitionRecord, OutboxEvent)
            }
        engine.dispose()
        expected = (args.batches + args.warmup) * args.size
        print(f"rows: {rows} (expected {expected} each)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
