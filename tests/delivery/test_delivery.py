"""Delivery against a loopback receiver that checks signatures independently: retries, 410, timeouts,
the SSRF refusal, backoff bounds and the end of the retry window."""

import datetime as dt
import random

from fastapi.testclient import TestClient

from delivery.support import (
    Clock,
    Receiver,
    attempts,
    deliveries,
    loopback_settings,
    rounds,
    subscribe,
    subscription,
    worker,
)
from disputes.factories import Disputes
from governance_api.db import Database
from governance_api.delivery import repository as repo
from governance_api.delivery.fanout import fan_out
from governance_api.delivery.repository import Claimed
from governance_api.delivery.sending import Outcome, backoff_seconds, new_state, record
from governance_api.models.integration import WebhookDelivery, WebhookSubscription
from governance_api.settings import Settings
from world import World

CREATED = ["governance.dispute.created.v1"]


def test_500_twice_then_200_is_three_attempts_one_delivery(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    sub = subscribe(db, s, world, "admin", receiver, "flaky", CREATED)
    receiver.scripts["flaky"] = [500, 500]
    d.create()
    clock = Clock()
    rounds(worker(s, db, clock), 4, clock, seconds=2)  # backoff ≤ 1 s here

    [delivery] = deliveries(db, sub)
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert [a.status_code for a in attempts(db, delivery.id)] == [500, 500, 200]
    assert receiver.ids("flaky") == {str(delivery.id): 3}  # one webhook-id for every attempt
    bodies = {r.body for r in receiver.at("flaky")}
    assert bodies == {delivery.body}  # the same bytes each time
    assert receiver.bad_signatures == []


def test_410_disables_the_subscription(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    sub = subscribe(db, s, world, "admin", receiver, "gone", CREATED)
    receiver.scripts["gone"] = [410]
    d.create()
    d.create()
    clock = Clock()
    rounds(worker(s, db, clock), 3, clock, seconds=2)

    found = subscription(db, sub)
    assert found.active is False and "410" in (found.disabled_reason or "")
    statuses = sorted(x.status for x in deliveries(db, sub))
    # the other delivery went out in the same batch or stays pending: nothing more is sent
    assert statuses[0] in ("failed", "delivered", "pending") and "failed" in statuses
    sent = len(receiver.at("gone"))
    rounds(worker(s, db, clock), 2, clock, seconds=2)
    assert len(receiver.at("gone")) == sent


def test_a_receiver_slower_than_the_timeout_is_retried_later(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings, webhook_timeout_seconds=0.2)
    sub = subscribe(db, s, world, "admin", receiver, "slow", CREATED)
    receiver.scripts["slow"] = [("sleep", 0.6)]
    d.create()
    clock = Clock()
    rounds(worker(s, db, clock), 1, clock, seconds=0)
    [delivery] = deliveries(db, sub)
    [first] = attempts(db, delivery.id)
    assert first.error == "timeout" and first.status_code is None
    assert delivery.status == "pending" and delivery.locked_until is None
    assert clock.now <= delivery.next_attempt_at <= clock.now + dt.timedelta(seconds=1)

    clock.advance(seconds=2)
    rounds(worker(s, db, clock), 1, clock, seconds=0)
    [delivery] = deliveries(db, sub)
    assert delivery.status == "delivered" and delivery.attempts == 2


def test_a_loopback_url_is_refused_unless_allow_listed(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings, webhook_allowed_networks=[])
    sub = subscribe(
        db, s, world, "admin", receiver, "ssrf", CREATED, url=receiver.url("ssrf").replace("127.0.0.1", "localhost")
    )
    d.create()
    clock = Clock()
    rounds(worker(s, db, clock), 1, clock, seconds=0)
    [delivery] = deliveries(db, sub)
    [attempt] = attempts(db, delivery.id)
    assert attempt.status_code is None and (attempt.error or "").startswith("refused")
    assert delivery.status == "pending"  # retried later: the name may resolve elsewhere then
    assert receiver.received == []


def test_backoff_is_full_jitter_under_the_exponential_ceiling(settings: Settings) -> None:
    s = settings.model_copy(update={"webhook_backoff_base_seconds": 5.0, "webhook_backoff_cap_seconds": 3600.0})
    rng = random.Random(1)
    for attempt, ceiling in [(1, 5), (2, 10), (3, 20), (6, 160), (10, 2560), (11, 3600), (30, 3600)]:
        waits = [backoff_seconds(s, attempt, rng) for _ in range(300)]
        assert all(0 <= w <= ceiling for w in waits)
        assert max(waits) > ceiling * 0.8 and min(waits) < ceiling * 0.2  # spread over the whole range


def _outcome(queued_at: dt.datetime, code: int | None, attempts_before: int = 3) -> Outcome:
    import uuid

    claimed = Claimed(uuid.uuid4(), uuid.uuid4(), "{}", attempts_before, queued_at)
    return Outcome(claimed, queued_at, code, None if code == 200 else "x", 1)


def test_a_delivery_is_given_up_once_the_retry_window_has_passed(settings: Settings) -> None:
    rng = random.Random(2)
    queued = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    inside = new_state(settings, _outcome(queued, 503), queued + dt.timedelta(hours=23, minutes=59), rng)
    assert inside["status"] == "pending" and inside["next_attempt_at"] > queued + dt.timedelta(hours=23, minutes=59)
    assert inside["attempts"] == 4 and inside["locked_until"] is None
    after = new_state(settings, _outcome(queued, 503), queued + dt.timedelta(hours=24), rng)
    assert after["status"] == "failed"
    assert new_state(settings, _outcome(queued, None), queued + dt.timedelta(hours=25), rng)["status"] == "failed"
    assert new_state(settings, _outcome(queued, 200), queued + dt.timedelta(hours=25), rng)["status"] == "delivered"
    assert new_state(settings, _outcome(queued, 410), queued, rng)["status"] == "failed"


def test_give_up_end_to_end(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver, client: TestClient
) -> None:
    s = loopback_settings(settings, webhook_retry_hours=1.0)
    sub = subscribe(db, s, world, "admin", receiver, "down", CREATED)
    receiver.scripts["down"] = [503] * 10
    d.create()
    clock = Clock()
    rounds(worker(s, db, clock), 3, clock, minutes=40)
    [delivery] = deliveries(db, sub)
    assert delivery.status == "failed" and delivery.attempts == 3  # at 0, 40 and 80 minutes
    assert [a.status_code for a in attempts(db, delivery.id)] == [503, 503, 503]
    assert subscription(db, sub).active is True  # a give-up does not disable the subscription


def test_a_delivery_redelivered_or_deleted_in_flight_keeps_what_the_api_made_of_it(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    """The worker records only the deliveries it still holds: a redelivery (lease cleared) during
    the send stays pending for the next round, a deletion writes nothing (no foreign-key error)."""
    s = loopback_settings(settings)
    kept = subscribe(db, s, world, "admin", receiver, "kept", CREATED)
    gone = subscribe(db, s, world, "admin", receiver, "gone", CREATED)
    d.create()
    now = dt.datetime.now(dt.UTC)
    fan_out(db, now, 100)
    lease = now + dt.timedelta(seconds=60)
    with db.transaction() as session:
        claimed = repo.claim_due(session, now, lease, 100)
    assert len(claimed) == 2
    with db.transaction() as session:  # meanwhile, through the API: one redelivered, one deleted
        redelivered = session.get(WebhookDelivery, next(c.id for c in claimed if c.subscription_id == kept))
        assert redelivered is not None
        redelivered.locked_until = None
        redelivered.next_attempt_at = now
        session.delete(session.get(WebhookSubscription, gone))
    outcomes = [Outcome(c, now, 200, None, 1) for c in claimed]
    record(db, s, outcomes, now, random.Random(1), lease)

    [delivery] = deliveries(db, kept)
    assert delivery.status == "pending" and delivery.attempts == 0 and delivery.locked_until is None
    assert attempts(db, delivery.id) == [] and deliveries(db, gone) == []
