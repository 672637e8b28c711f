"""Real concurrency against a live server: simultaneous ``approve_escalation`` (司法所) and
``form_task_force`` (分管政法副书记) on one dispute. Exactly one wins; the level agrees with history."""

import itertools
import threading
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from disputes.factories import Disputes
from world import World


def _race(live_server: str, calls: list[tuple[dict[str, str], str, dict[str, Any]]]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(calls))
    results: list[httpx.Response | None] = [None] * len(calls)

    def run(i: int, headers: dict[str, str], url: str, body: dict[str, Any]) -> None:
        with httpx.Client(base_url=live_server, timeout=30) as http:
            barrier.wait()
            results[i] = http.post(url, json=body, headers=headers)

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def _check_history(d: Disputes, did: str) -> list[dict[str, Any]]:
    items = d.history(did, "admin")
    for prev, cur in itertools.pairwise(items):
        assert cur["level_before"] == prev["level_after"]
    assert items[-1]["level_after"] == d.get(did, "admin")["level"]
    return items


@pytest.mark.parametrize("round_", range(3))
def test_approve_and_task_force_race_with_if_match(
    live_server: str, client: TestClient, world: World, d: Disputes, round_: int
) -> None:
    did = d.escalation_pending()
    version = f'"{d.get(did, "admin")["version"]}"'
    base = f"/api/v1/disputes/{did}/actions"
    results = _race(
        live_server,
        [
            (world.h("jo") | {"If-Match": version}, f"{base}/approve_escalation", {"level": "hongmei"}),
            (world.h("pls") | {"If-Match": version}, f"{base}/form_task_force", d.task_force_body()),
        ],
    )
    codes = sorted(r.status_code for r in results)
    assert codes[0] == 200 and codes[1] in (409, 412), [r.text for r in results]
    winner = next(r for r in results if r.status_code == 200).json()
    items = _check_history(d, did)
    last = items[-1]
    assert [h["action"] for h in items].count("approve_escalation") + [h["action"] for h in items].count(
        "form_task_force"
    ) == 1
    assert last["level_after"] == winner["level"] in ("hongmei", "task_force")
    assert d.get(did, "admin")["version"] == winner["version"]


def test_approve_and_task_force_race_without_if_match(live_server: str, world: World, d: Disputes) -> None:
    """Without If-Match the two serialize: the task force always ends on top (it is valid from both
    states), approval only if it came first; either way each action appears once at most."""
    did = d.escalation_pending()
    base = f"/api/v1/disputes/{did}/actions"
    results = _race(
        live_server,
        [
            (world.h("jo"), f"{base}/approve_escalation", {"level": "street_joint"}),
            (world.h("pls"), f"{base}/form_task_force", d.task_force_body()),
        ],
    )
    by_action = dict(zip(("approve", "task_force"), (r.status_code for r in results), strict=True))
    assert by_action["task_force"] == 200
    assert by_action["approve"] in (200, 409)
    items = _check_history(d, did)
    actions = [h["action"] for h in items]
    assert actions.count("form_task_force") == 1
    assert actions.count("approve_escalation") == (1 if by_action["approve"] == 200 else 0)
    assert d.get(did, "admin")["level"] == "task_force"


def test_concurrent_feed_deliveries_of_one_external_id(live_server: str, world: World, d: Disputes) -> None:
    from disputes.factories import dispute_body

    body = dispute_body(world, channel="yiwangtongguan", external_id="YW-RACE", parties=[])
    results = _race(live_server, [(world.h("ic"), "/api/v1/disputes", body)] * 4)
    codes = sorted(r.status_code for r in results)
    assert codes == [201, 409, 409, 409], [r.text for r in results]
    winner = next(r for r in results if r.status_code == 201).json()["id"]
    assert all(r.json()["existing_id"] == winner for r in results if r.status_code == 409)
