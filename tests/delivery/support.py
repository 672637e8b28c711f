"""A loopback webhook receiver that checks every request with an independent implementation of
Standard Webhooks (the ``standardwebhooks`` package), answers per a script, and counts what it got;
and helpers to make subscriptions and drive the worker with a clock the test holds."""

import asyncio
import datetime as dt
import ipaddress
import json
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import select
from standardwebhooks import Webhook

from governance_api.db import Database
from governance_api.delivery.runner import Worker
from governance_api.models.integration import WebhookAttempt, WebhookDelivery, WebhookSubscription
from governance_api.settings import Settings
from governance_api.webhooks import secrets
from world import World

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]

# A script step: an HTTP status to answer, or ("sleep", seconds) before answering 200.
Step = int | tuple[str, float]


@dataclass
class Received:
    path: str
    webhook_id: str
    headers: dict[str, str]
    body: str

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]


@dataclass
class Receiver:
    """``http://127.0.0.1:PORT/<path>``: each path has its own secret and script (default 200)."""

    secrets: dict[str, str] = field(default_factory=dict)
    scripts: dict[str, list[Step]] = field(default_factory=lambda: defaultdict(list))
    received: list[Received] = field(default_factory=list)
    bad_signatures: list[str] = field(default_factory=list)
    delay: float = 0.0  # every answer waits this long (a slow receiver)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/{path}"

    def ids(self, path: str | None = None) -> Counter[str]:
        with self.lock:
            return Counter(r.webhook_id for r in self.received if path is None or r.path == path)

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                path = self.path.strip("/")
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    Webhook(receiver.secrets[path]).verify(body, headers)
                except Exception as exc:  # any failure to verify is a defect of the sender
                    receiver.bad_signatures.append(f"{path}: {exc!r}")
                with receiver.lock:
                    receiver.received.append(Received(path, headers.get("webhook-id", ""), headers, body))
                    script = receiver.scripts[path]
                    step: Step = script.pop(0) if script else 200
                if receiver.delay:
                    time.sleep(receiver.delay)
                if isinstance(step, tuple):
                    time.sleep(step[1])
                    step = 200
                self.send_response(step)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def loopback_settings(settings: Settings, **over: Any) -> Settings:
    """The test settings with loopback allow-listed and short backoff. The request timeout is
    generous: a test that expects an answer must not see a timeout when a loaded CI machine is slow
    to schedule the receiver's thread; a test of timeouts sets its own, below its receiver's delay."""
    values: dict[str, Any] = {
        "webhook_allowed_networks": LOOPBACK,
        "webhook_timeout_seconds": 5.0,
        "webhook_backoff_base_seconds": 1.0,
        "webhook_backoff_cap_seconds": 1.0,
        "worker_poll_seconds": 0.05,
    }
    return settings.model_copy(update=values | over)


def subscribe(
    db: Database,
    settings: Settings,
    w: World,
    owner: str,
    receiver: Receiver,
    path: str,
    event_types: list[str] | None = None,
    url: str | None = None,
) -> uuid.UUID:
    """A subscription made straight in the database (the HTTP API is another part's); its secret is
    given to the receiver under ``path``."""
    secret = secrets.new_secret()
    receiver.secrets[path] = secret
    sub = WebhookSubscription(
        owner_id=w.users[owner],
        url=url or receiver.url(path),
        event_types=event_types
        or [
            "governance.dispute.created.v1",
            "governance.dispute.transitioned.v1",
            "governance.dispute.early_warning.v1",
            "governance.dispute.overdue.v1",
            "governance.decision.transitioned.v1",
            "governance.decision.filing_created.v1",
            "governance.decision.filing_unanswered.v1",
            "governance.agreement.confirmation_deadline.v1",
        ],
        secret_ciphertext=secrets.seal(settings, secret),
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1),
    )
    with db.transaction() as s:
        s.add(sub)
    return sub.id


class Clock:
    """A clock the test moves."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def worker(settings: Settings, db: Database, clock: Clock | None = None) -> Worker:
    return Worker(settings, db, clock=clock or Clock(), rng=random.Random(7))


def rounds(w: Worker, n: int, clock: Clock, **advance: float) -> None:
    """``n`` rounds of the worker's duties, the clock moved by ``advance`` after each."""

    async def go() -> None:
        from governance_api.delivery.sending import Sender, new_client

        async with new_client(w.settings) as client:
            sender = Sender(w.settings, client)
            for _ in range(n):
                await w.step(sender)
                clock.advance(**advance)

    asyncio.run(go())


def deliveries(db: Database, sub_id: uuid.UUID) -> list[WebhookDelivery]:
    with db.session(write=False) as s:
        return list(s.scalars(select(WebhookDelivery).where(WebhookDelivery.subscription_id == sub_id)))


def attempts(db: Database, delivery_id: uuid.UUID) -> list[WebhookAttempt]:
    with db.session(write=False) as s:
        return list(
            s.scalars(
                select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id).order_by(WebhookAttempt.seq)
            )
        )


def subscription(db: Database, sub_id: uuid.UUID) -> WebhookSubscription:
    with db.session(write=False) as s:
        found = s.get(WebhookSubscription, sub_id)
        assert found is not None
        return found
