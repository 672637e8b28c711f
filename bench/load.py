"""Closed-loop load against a running governance-api: N concurrent clients, each sending its next
request when the last one answered, for a fixed number of requests per scenario. Prints one JSON
line per scenario: requests/s, p50/p99 latency, errors.

Usage: python bench/load.py BASE_URL SCENARIO_FILE.json
The scenario file (written by bench/seed.py) names the users, ids and actions to use.
"""

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

Request = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


async def run(name: str, client: httpx.AsyncClient, make: Request, total: int, concurrency: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def worker() -> None:
        nonlocal errors
        for i in counter:
            started = time.perf_counter()
            response = await make(client, i)
            latencies.append(time.perf_counter() - started)
            if response.status_code >= 400:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "scenario": name,
        "requests": total,
        "concurrency": concurrency,
        "rps": round(total / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
        "errors": errors,
    }


async def main(base: str, plan: dict[str, Any]) -> None:
    api = base.rstrip("/") + "/api/v1"
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=api, timeout=60, limits=limits) as client:
        users = plan["users"]

        async def token(c: httpx.AsyncClient, i: int) -> httpx.Response:
            return await c.post("/auth/token", data={"username": users[i % len(users)], "password": plan["password"]})

        print(json.dumps(await run("token issue", client, token, plan["token_requests"], 8)), flush=True)
        r = await client.post("/auth/token", data={"username": plan["reader"], "password": plan["password"]})
        client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        ids = plan["get_ids"]

        async def get_one(c: httpx.AsyncClient, i: int) -> httpx.Response:
            return await c.get(plan["get_path"].format(id=ids[i % len(ids)]))

        async def list_page(c: httpx.AsyncClient, i: int) -> httpx.Response:
            return await c.get(plan["list_path"], params={"limit": 50})

        print(json.dumps(await run("GET by id", client, get_one, plan["requests"], 32)), flush=True)
        print(json.dumps(await run("scoped list page", client, list_page, plan["requests"], 32)), flush=True)
        if plan.get("action_path"):
            r = await client.post("/auth/token", data={"username": plan["actor"], "password": plan["password"]})
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
            targets = plan["action_ids"]

            async def act(c: httpx.AsyncClient, i: int) -> httpx.Response:
                return await c.post(
                    plan["action_path"].format(id=targets[i]), json=plan["action_body"], headers=headers
                )

            total = min(plan["requests"], len(targets))
            print(json.dumps(await run("state-machine action", client, act, total, 32)), flush=True)


if __name__ == "__main__":
    with open(sys.argv[2], encoding="utf-8") as f:
        asyncio.run(main(sys.argv[1], json.load(f)))
