"""Small helpers that drive webhook subscriptions over HTTP, and delivery rows written straight into
the database (the delivery worker is another package: these stand for what it records)."""

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from decisions.factories import ok as ok  # the suite's one pair of response checks, re-exported
from decisions.factories import problem as problem
from governance_api.db import Database
from governance_api.models.base import utcnow
from governance_api.models.integration import WebhookAttempt, WebhookDelivery, WebhookSubscription
from governance_api.models.records import OutboxEvent
from world import USERS

API = "/api/v1/webhooks"
EVERYONE = [name for name, _, _ in USERS]
SUBSCRIBERS = {"admin", "jo", "jo2", "ic"}
CREATED = "governance.dispute.created.v1"
TRANSITIONED = "governance.dispute.transitioned.v1"


def body(**overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"url": "https://hooks.example.com/governance", "event_types": [CREATED]}
    out.update(overrides)
    return out


def subscribe(c: TestClient, h: dict[str, str], **overrides: Any) -> dict[str, Any]:
    return ok(c.post(API, json=body(**overrides), headers=h), 201)  # type: ignore[no-any-return]


def count(db: Database, model: type[Any]) -> int:
    with db.session(write=False) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def counts(db: Database) -> tuple[int, int, int]:
    return count(db, WebhookSubscription), count(db, WebhookDelivery), count(db, WebhookAttempt)


def add_delivery(
    db: Database,
    subscription_id: str,
    *,
    status: str = "failed",
    attempts: Sequence[tuple[int | None, str | None]] = (),
    created_at: dt.datetime | None = None,
    event_type: str = CREATED,
) -> uuid.UUID:
    """An event and its delivery to ``subscription_id`` with ``attempts`` (status code, error) made."""
    now = created_at or utcnow()
    with db.transaction() as s:
        event = OutboxEvent(aggregate_type="dispute", aggregate_id=uuid.uuid4(), kind="created", payload={})
        s.add(event)
        s.flush()
        cloud = {"specversion": "1.0", "id": str(event.id), "type": event_type, "source": "/governance-api"}
        delivery = WebhookDelivery(
            subscription_id=uuid.UUID(subscription_id),
            event_id=event.id,
            event_type=event_type,
            body=json.dumps(cloud),
            status=status,
            attempts=len(attempts),
            created_at=now,
            queued_at=now,
            next_attempt_at=now + dt.timedelta(minutes=5),
            locked_until=now + dt.timedelta(seconds=30) if status == "pending" else None,
            delivered_at=now if status == "delivered" else None,
            last_status_code=attempts[-1][0] if attempts else None,
        )
        s.add(delivery)
        s.flush()
        for seq, (code, error) in enumerate(attempts, start=1):
            s.add(
                WebhookAttempt(
                    delivery_id=delivery.id,
                    seq=seq,
                    at=now + dt.timedelta(seconds=seq),
                    status_code=code,
                    error=error,
                    duration_ms=10 * seq,
                )
            )
        return delivery.id
