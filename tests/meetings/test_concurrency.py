"""Racing to close one resolution, and two resolutions of one meeting with the same If-Match,
against a real server: exactly one wins each race and the meeting's version counts only the winners."""

import threading
from typing import Any

import httpx
from fastapi.testclient import TestClient

from meetings.factories import API, community_meeting, get, record
from world import World

RACERS = 6


def race(base: str, headers: dict[str, str], requests: list[tuple[str, dict[str, Any]]]) -> list[int]:
    barrier = threading.Barrier(len(requests))
    codes: list[int] = []
    lock = threading.Lock()

    def run(path: str, body: dict[str, Any]) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            barrier.wait()
            r = http.post(path, json=body)
        with lock:
            codes.append(r.status_code)

    threads = [threading.Thread(target=run, args=req) for req in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def test_one_resolution_is_closed_once(client: TestClient, world: World, live_server: str) -> None:
    m = record(client, world, "sec1", community_meeting(world))
    rid = m["resolutions"][0]["id"]
    path = f"{API}/meetings/{m['id']}/resolutions/{rid}/done"
    codes = race(live_server, world.h("sec1"), [(path, {"note": f"第{i}次"}) for i in range(RACERS)])
    assert sorted(codes) == [200] + [409] * (RACERS - 1), codes
    after = get(client, world, m["id"])
    assert after["version"] == 2 and [r["done"] for r in after["resolutions"]] == [True, False]


def test_the_same_if_match_wins_once(client: TestClient, world: World, live_server: str) -> None:
    m = record(client, world, "sec1", community_meeting(world))
    paths = [f"{API}/meetings/{m['id']}/resolutions/{r['id']}/done" for r in m["resolutions"]]
    codes = race(live_server, world.h("sec1") | {"If-Match": '"1"'}, [(p, {"note": "n"}) for p in paths])
    assert sorted(codes) == [200, 412], codes
    after = get(client, world, m["id"])
    assert after["version"] == 2 and sorted(r["done"] for r in after["resolutions"]) == [False, True]
