"""What one bad subscription must not do to the worker, and the address check at connect time: a
host no resolver can be asked, a secret the data key no longer opens, a round that raises, and a
name that answers a public address to the check and a private one to the connection (DNS
rebinding)."""

import asyncio
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update

from delivery.support import Clock, Receiver, attempts, deliveries, loopback_settings, rounds, subscribe, worker
from disputes.factories import Disputes
from governance_api.db import Database
from governance_api.delivery import runner
from governance_api.delivery.fanout import fan_out
from governance_api.delivery.sending import UNREADABLE_SECRET
from governance_api.models.integration import WebhookSubscription
from governance_api.settings import Settings
from governance_api.webhooks import addresses
from world import World

CREATED = ["governance.dispute.created.v1"]


def _set(db: Database, sub: Any, **values: Any) -> None:
    with db.transaction() as session:
        session.execute(update(WebhookSubscription).where(WebhookSubscription.id == sub).values(**values))


def test_a_host_no_resolver_can_encode_is_a_refused_attempt_and_the_others_are_delivered(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    bad = subscribe(db, s, world, "admin", receiver, "bad", CREATED, url="https://a..b/hook")
    good = subscribe(db, s, world, "admin", receiver, "good", CREATED)
    d.create()
    clock = Clock()
    rounds(worker(s, db, clock), 1, clock, seconds=0)
    [attempt] = attempts(db, deliveries(db, bad)[0].id)
    assert attempt.status_code is None and attempt.error == "refused: the URL's host is not a valid name"
    assert deliveries(db, good)[0].status == "delivered" and len(receiver.at("good")) == 1


def test_a_secret_the_data_key_cannot_open_fails_its_attempts_only(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    locked = subscribe(db, s, world, "admin", receiver, "locked", CREATED)
    good = subscribe(db, s, world, "admin", receiver, "good", CREATED)
    _set(db, locked, secret_ciphertext="gAAAAAB-sealed-with-a-key-this-server-does-not-have")
    d.create()
    clock = Clock()
    rounds(worker(s, db, clock), 1, clock, seconds=0)
    [delivery] = deliveries(db, locked)
    [attempt] = attempts(db, delivery.id)
    assert attempt.error == UNREADABLE_SECRET and delivery.status == "pending"
    assert receiver.at("locked") == [] and len(receiver.at("good")) == 1
    assert deliveries(db, good)[0].status == "delivered"


def test_a_name_repointed_after_the_check_is_refused_at_connect_time(
    db: Database,
    settings: Settings,
    world: World,
    d: Disputes,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The check before the batch is told a public address (as a rebinding name answers it first);
    the connection resolves the name again and gets loopback, which these settings refuse."""
    s = loopback_settings(settings, webhook_allowed_networks=[])
    url = receiver.url("rebind").replace("127.0.0.1", "localhost")
    sub = subscribe(db, s, world, "admin", receiver, "rebind", CREATED, url=url)
    monkeypatch.setattr(addresses, "resolve_and_check", lambda *_: None)
    d.create()
    clock = Clock()
    rounds(worker(s, db, clock), 1, clock, seconds=0)
    [attempt] = attempts(db, deliveries(db, sub)[0].id)
    assert attempt.status_code is None
    assert "refused: the address is not a public one" in (attempt.error or ""), attempt.error
    assert "127.0.0.1" not in (attempt.error or "")
    assert receiver.received == []


def test_a_duty_that_raises_is_logged_and_the_others_go_on(
    db: Database,
    settings: Settings,
    world: World,
    d: Disputes,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fan-out raises on every round (an outbox row it cannot handle): the delivery already queued
    is still sent, and the worker keeps going until it is stopped."""
    s = loopback_settings(settings, worker_poll_seconds=0.01)
    sub = subscribe(db, s, world, "admin", receiver, "queued", CREATED)
    d.create()
    assert fan_out(db, dt.datetime.now(dt.UTC), 100) >= 1  # queued before the bad row came
    w = worker(s, db)
    calls: list[int] = []

    def failing_fan_out(*_: Any) -> int:
        calls.append(1)
        if deliveries(db, sub)[0].status == "delivered" and len(calls) >= 3:
            w.stop()
        raise RuntimeError("a row no one expected")

    monkeypatch.setattr(runner, "fan_out", failing_fan_out)
    asyncio.run(asyncio.wait_for(w.run(), timeout=20))
    assert deliveries(db, sub)[0].status == "delivered" and len(receiver.at("queued")) == 1
    assert len(calls) >= 3  # fan-out raised round after round; the worker carried on
    w.stopping.clear()
    with pytest.raises(RuntimeError):  # a single pass (tests, cron) still shows the error
        asyncio.run(w.run(once=True))


def test_resolver_checks_every_address_it_returns() -> None:
    from governance_api.delivery.http import CheckedResolver

    def check_all(seen: list[str]) -> Any:
        return seen.append

    async def go() -> None:
        seen: list[str] = []
        r = CheckedResolver(check_all(seen))
        try:
            answer = await r.resolve("localhost", 80)
            assert sorted(seen) == sorted(a["host"] for a in answer) and seen  # every one, none skipped
            refused: list[str] = []

            def refuse_loopback(address: str) -> None:
                refused.append(address)
                if address.startswith("127."):
                    raise addresses.Refused("the address is not a public one")

            r2 = CheckedResolver(refuse_loopback)
            with pytest.raises(OSError, match="refused: the address is not a public one"):
                await r2.resolve("localhost", 80)
            await r2.close()
        finally:
            await r.close()

    asyncio.run(go())
