"""Fan-out: unpublished outbox rows become one delivery per subscription that may receive them.

A batch of rows is claimed (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), its deliveries inserted and
the rows marked published in one transaction: a worker that dies before the commit leaves them
unpublished for the next one, and a row is never fanned out twice. The CloudEvent's text is frozen
in the delivery (``body``), so every attempt and a redelivery send the same bytes."""

import datetime as dt
import uuid
from typing import Any

from governance_api.db import Database
from governance_api.delivery import repository as repo
from governance_api.delivery.audience import receivers
from governance_api.delivery.events import cloud_event, event_type

SOURCE = "/governance-api"  # the CloudEvents ``source`` of every event this service raises


def fan_out(db: Database, now: dt.datetime, limit: int) -> int:
    """Fan out up to ``limit`` outbox rows; how many were taken (0: none left)."""
    with db.transaction() as session:
        events = repo.claim_outbox(session, limit)
        if not events:
            return 0
        typed = [(e, t) for e in events if (t := event_type(e.kind)) is not None]
        rows: list[dict[str, Any]] = []
        if typed:
            found = repo.subjects(session, [e for e, _ in typed])
            audience = receivers(session, list(repo.active_subscriptions(session)))
            for event, etype in typed:
                subject = found.get(event.aggregate_id)
                if subject is None:
                    continue
                bodies: dict[str | None, str] = {}
                for receiver in audience:
                    if not receiver.wants(event, etype.value, subject):
                        continue
                    external_id = subject.external_id if receiver.reported(subject) else None
                    if external_id not in bodies:
                        bodies[external_id] = cloud_event(event, etype, subject, SOURCE, external_id)
                    rows.append(
                        {
                            "id": uuid.uuid4(),
                            "subscription_id": receiver.subscription.id,
                            "event_id": event.id,
                            "event_type": etype.value,
                            "body": bodies[external_id],
                            "status": "pending",
                            "attempts": 0,
                            "created_at": now,
                            "queued_at": now,
                            "next_attempt_at": now,
                            "locked_until": None,
                        }
                    )
        repo.add_deliveries(session, rows)
        repo.mark_published(session, [e.id for e in events], now)
    return len(events)
