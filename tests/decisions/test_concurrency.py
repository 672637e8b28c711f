"""Concurrent confirm_consensus and concurrent approve on one item against a real server: exactly
one wins, the others see 409, and the history has exactly one such row."""

import threading
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from decisions.factories import API, decision_in, get, meeting, ok, post
from world import World

RACERS = 6


def race(base: str, headers: dict[str, str], path: str, body: dict[str, Any]) -> list[int]:
    barrier = threading.Barrier(RACERS)
    codes: list[int] = []
    lock = threading.Lock()

    def run() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            barrier.wait()
            r = http.post(path, json=body)
        with lock:
            codes.append(r.status_code)

    threads = [threading.Thread(target=run) for _ in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


@pytest.mark.parametrize(
    ("state", "who", "action", "body"),
    [
        ("consulting", "sec1", "confirm_consensus", {}),
        ("legal_review", "jo", "approve", {"conclusion": "approved_with_conditions", "conditions": ["先公示"]}),
    ],
)
def test_concurrent_action_has_one_winner(
    client: TestClient, world: World, live_server: str, state: str, who: str, action: str, body: dict[str, Any]
) -> None:
    d = decision_in(client, world, state)
    if state == "consulting":
        ok(post(client, world, "sec1", d["id"], "meetings", meeting()))
    else:
        ok(post(client, world, "la1", d["id"], "legal-opinions", {"conclusion": "lawful", "opinion": "o"}))
    codes = race(live_server, world.h(who), f"{API}/decisions/{d['id']}/actions/{action}", body)
    assert sorted(codes) == [200] + [409] * (RACERS - 1), codes
    history = [h["action"] for h in get(client, world, d["id"], sub="/history")["items"]]
    assert history.count(action) == 1
    if action == "confirm_consensus":
        assert len(get(client, world, d["id"], sub="/filings")["items"]) == 2  # one set of filings
    else:
        assert len(get(client, world, d["id"], sub="/conditions")["items"]) == 1


def test_concurrent_ballots_for_one_unit_record_one(client: TestClient, world: World, live_server: str) -> None:
    d = decision_in(client, world, "listed", code="parking_management")
    ok(
        client.post(
            f"{API}/decisions/{d['id']}/actions/propose",
            headers=world.h("sec1"),
            json={"plan": "p", "scope": "s", "schedule": "t"},
        )
    )
    ok(
        client.post(
            f"{API}/decisions/{d['id']}/actions/open_consultation",
            headers=world.h("sec1"),
            json={"total_area_m2": "1000.00", "total_owners": 10},
        )
    )
    body = {"unit_ref": "1-101", "area_m2": "88.00", "choice": "for"}
    codes = race(live_server, world.h("staff1"), f"{API}/decisions/{d['id']}/ballots", body)
    assert sorted(codes) == [201] + [409] * (RACERS - 1), codes
    assert len(get(client, world, d["id"], sub="/ballots")["items"]) == 1
