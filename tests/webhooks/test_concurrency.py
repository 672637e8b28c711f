"""Rotations at once serialize on the subscription's row: each answered secret was in force in
turn, and afterwards the two that sign are the last two answered (never the original or a lost one,
which two rotations reading the same row would leave)."""

import datetime as dt
import threading
import time
import uuid

import httpx
import pytest

from governance_api.db import Database
from governance_api.models.integration import WebhookSubscription
from governance_api.settings import Settings
from governance_api.webhooks import secrets, service
from world import World

N = 5


def test_concurrent_rotations_lose_no_secret(
    live_server: str, world: World, db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Widen the window between reading the row and writing it (the server runs in this process), so
    # that rotations not serialized by the row lock would overlap in it.
    rotate_now = secrets.rotate

    def slow_rotate(config: Settings, sub: WebhookSubscription, now: dt.datetime) -> str:
        time.sleep(0.1)
        return rotate_now(config, sub, now)

    monkeypatch.setattr(service.secrets, "rotate", slow_rotate)
    h = world.h("ic")
    with httpx.Client(base_url=live_server, timeout=30) as c:
        created = c.post(
            "/api/v1/webhooks",
            json={"url": "https://x.example.org/", "event_types": ["governance.dispute.created.v1"]},
            headers=h,
        )
    assert created.status_code == 201, created.text
    sub_id = created.json()["id"]
    barrier = threading.Barrier(N)
    answered: list[tuple[int, str]] = []
    lock = threading.Lock()

    def rotate() -> None:
        with httpx.Client(base_url=live_server, timeout=30) as c:
            barrier.wait()
            r = c.post(f"/api/v1/webhooks/{sub_id}/rotate-secret", headers=h)
        with lock:
            answered.append((r.status_code, r.json().get("secret", "")))

    threads = [threading.Thread(target=rotate) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [code for code, _ in answered] == [200] * N, answered
    given = {secret for _, secret in answered}
    assert len(given) == N
    with db.session(write=False) as s:
        row = s.get(WebhookSubscription, uuid.UUID(sub_id))
        assert row is not None
        in_force = secrets.signing_secrets(settings, row, dt.datetime.now(dt.UTC))
    assert len(in_force) == 2 and set(in_force) <= given, "a rotation was lost or the original still signs"
