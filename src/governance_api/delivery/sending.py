"""Delivery: at least once, signed per Standard Webhooks, retried with exponential backoff and full
jitter until ``webhook_retry_hours`` after the round began.

One batch: lease the due deliveries and commit (``repository.claim_due``); send them concurrently
(``worker_concurrency`` in flight, ``webhook_timeout_seconds`` each), each host checked against the
SSRF rules first (``webhooks.addresses.resolve_and_check``, once per host and batch: a refusal is an
attempt with the reason, and no request is made); then record every attempt and every delivery's new
state, lease freed, in one transaction. A worker killed between the two commits loses nothing: its
leases run out after ``worker_lease_seconds`` and the deliveries are sent again (at least once — a
receiver de-duplicates by ``webhook-id``, the delivery's id, which stays the same).

Outcomes: 2xx → ``delivered``; 410 → ``failed`` and the subscription disabled; anything else (other
status, timeout, connection error, refused address) → retried at now + U(0, min(cap, base·2^(n−1)))
for the n-th attempt, or ``failed`` once the retry window has passed."""

import asyncio
import datetime as dt
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import InvalidToken
from sqlalchemy.orm import Session

from governance_api.db import Database
from governance_api.delivery import repository as repo
from governance_api.delivery.events import CONTENT_TYPE
from governance_api.delivery.http import Client, ConnectionFailed
from governance_api.delivery.repository import Claimed
from governance_api.models.integration import WebhookSubscription
from governance_api.settings import Settings
from governance_api.webhooks import addresses, signing
from governance_api.webhooks.secrets import signing_secrets

log = logging.getLogger(__name__)

GONE = 410
DISABLED_ON_GONE = "the receiver answered 410 Gone"


@dataclass(frozen=True)
class Target:
    url: str
    secrets: list[str]  # empty: the secret could not be decrypted (the data key was changed)


UNREADABLE_SECRET = "the subscription's secret cannot be decrypted (was the data key changed?): rotate it"


@dataclass(frozen=True)
class Outcome:
    delivery: Claimed
    at: dt.datetime
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff_seconds(settings: Settings, attempts: int, rng: random.Random) -> float:
    """Full jitter: uniform in [0, min(cap, base · 2^(attempts − 1))] after the ``attempts``-th try."""
    ceiling = min(settings.webhook_backoff_cap_seconds, settings.webhook_backoff_base_seconds * 2 ** (attempts - 1))
    return rng.uniform(0, ceiling)


def new_state(settings: Settings, outcome: Outcome, now: dt.datetime, rng: random.Random) -> dict[str, Any]:
    """The delivery's columns after ``outcome`` (its lease freed)."""
    d = outcome.delivery
    attempts = d.attempts + 1
    state: dict[str, Any] = {
        "id": d.id,
        "attempts": attempts,
        "last_status_code": outcome.status_code,
        "locked_until": None,
        "delivered_at": None,
        "status": "pending",
        "next_attempt_at": now,
    }
    if outcome.ok:
        state.update(status="delivered", delivered_at=now)
    elif outcome.status_code == GONE or now >= d.queued_at + dt.timedelta(hours=settings.webhook_retry_hours):
        state["status"] = "failed"
    else:
        state["next_attempt_at"] = now + dt.timedelta(seconds=backoff_seconds(settings, attempts, rng))
    return state


class Sender:
    """Sends one batch: every request concurrently, bounded by ``worker_concurrency``."""

    def __init__(self, settings: Settings, client: Client) -> None:
        self.settings = settings
        self.client = client
        self._limit = asyncio.Semaphore(settings.worker_concurrency)

    async def send(self, claimed: list[Claimed], targets: dict[uuid.UUID, Target]) -> list[Outcome]:
        checks: dict[str, asyncio.Task[str | None]] = {}  # per host and port, for this batch
        return list(await asyncio.gather(*(self._one(d, targets[d.subscription_id], checks) for d in claimed)))

    async def _refusal(self, url: str, checks: dict[str, asyncio.Task[str | None]]) -> str | None:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        if key not in checks:
            checks[key] = asyncio.create_task(self._check(url))
        return await checks[key]

    async def _check(self, url: str) -> str | None:
        """Why ``url`` may not be called now, or None; a lookup that hangs is bounded like a request."""
        try:
            await asyncio.wait_for(
                asyncio.to_thread(addresses.resolve_and_check, self.settings, url),
                timeout=self.settings.webhook_timeout_seconds,
            )
        except addresses.Refused as exc:
            return f"refused: {exc}"
        except TimeoutError:
            return "refused: the host did not resolve in time"
        return None

    async def _one(self, d: Claimed, target: Target, checks: dict[str, asyncio.Task[str | None]]) -> Outcome:
        async with self._limit:
            started = time.perf_counter()
            at = dt.datetime.now(dt.UTC)
            try:
                code, error = await self._attempt(d, target, checks)
            except Exception as exc:  # one delivery's surprise must not lose the batch's outcomes
                log.exception("delivery %s: unexpected error", d.id)
                code, error = None, f"internal error ({type(exc).__name__})"
            return Outcome(d, at, code, error[:300] if error else None, int((time.perf_counter() - started) * 1000))

    async def _attempt(
        self, d: Claimed, target: Target, checks: dict[str, asyncio.Task[str | None]]
    ) -> tuple[int | None, str | None]:
        """The answer's status and what went wrong, if anything."""
        if not target.secrets:
            return None, UNREADABLE_SECRET
        refusal = await self._refusal(target.url, checks)
        if refusal is not None:
            return None, refusal
        body = d.body.encode()
        headers = signing.headers(target.secrets, str(d.id), int(time.time()), body)
        headers["content-type"] = CONTENT_TYPE
        try:
            code = await self.client.post(target.url, body, headers)
        except TimeoutError:
            return None, "timeout"
        except (ConnectionFailed, OSError) as exc:
            return None, f"connection error: {exc}"
        return code, None if 200 <= code < 300 else f"the receiver answered {code}"


def new_client(settings: Settings) -> Client:
    """Keep-alive connections up to the concurrency per origin; no redirects followed (a redirect
    could point past the address check)."""
    return Client(
        settings.webhook_timeout_seconds,
        max_idle=settings.worker_concurrency,
        check=lambda address: addresses.check_resolved(settings, address),
    )


async def deliver_batch(
    db: Database,
    settings: Settings,
    sender: Sender,
    clock: Callable[[], dt.datetime],
    rng: random.Random,
) -> int:
    """Lease, send and record one batch; how many deliveries were attempted (0: none due)."""
    now = clock()
    lease_until = now + dt.timedelta(seconds=settings.worker_lease_seconds)
    with db.transaction() as session:
        claimed = repo.claim_due(session, now, lease_until, settings.worker_batch_size)
        if not claimed:
            return 0
        subs = repo.subscriptions(session, {d.subscription_id for d in claimed})
        targets = {sid: _target(settings, s, now) for sid, s in subs.items()}
    outcomes = await sender.send(claimed, targets)
    record(db, settings, outcomes, clock(), rng, lease_until)
    return len(claimed)


def _target(settings: Settings, sub: WebhookSubscription, now: dt.datetime) -> Target:
    try:
        return Target(sub.url, signing_secrets(settings, sub, now))
    except InvalidToken:  # its deliveries are attempts that fail with the reason, not a dead worker
        log.error("webhook subscription %s: its secret cannot be decrypted with the data key", sub.id)
        return Target(sub.url, [])


def record(
    db: Database,
    settings: Settings,
    outcomes: list[Outcome],
    now: dt.datetime,
    rng: random.Random,
    lease_until: dt.datetime,
) -> None:
    """Record the batch's attempts and new states, for the deliveries this worker still holds: one
    redelivered or deleted while in flight is left as the API made it (the redelivery sends it
    again: at least once still holds)."""
    with db.transaction() as session:
        repo.lock_subscriptions(session, {o.delivery.subscription_id for o in outcomes if o.status_code == GONE})
        held = repo.still_held(session, [o.delivery.id for o in outcomes], lease_until)
        _record(session, settings, [o for o in outcomes if o.delivery.id in held], now, rng)
    for o in outcomes:
        if not o.ok:
            log.info("delivery %s attempt %d failed: %s", o.delivery.id, o.delivery.attempts + 1, o.error)


def _record(
    session: Session, settings: Settings, outcomes: list[Outcome], now: dt.datetime, rng: random.Random
) -> None:
    attempts = [
        {
            "id": uuid.uuid4(),
            "delivery_id": o.delivery.id,
            "seq": o.delivery.attempts + 1,
            "at": o.at,
            "status_code": o.status_code,
            "error": o.error,
            "duration_ms": o.duration_ms,
        }
        for o in outcomes
    ]
    states = [new_state(settings, o, now, rng) for o in outcomes]
    disabled = {o.delivery.subscription_id: DISABLED_ON_GONE for o in outcomes if o.status_code == GONE}
    repo.record_attempts(session, attempts, states, disabled, now)
