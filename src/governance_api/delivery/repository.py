"""Every query of the worker. Claims take rows with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
several workers share the work without waiting on each other; on SQLite the write session's
``BEGIN IMMEDIATE`` serializes them (run one worker there). Writes are bulk statements; the callers
commit."""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.orm import Session

from governance_api.delivery.events import Subject
from governance_api.models.decisions import Decision
from governance_api.models.disputes import Dispute
from governance_api.models.integration import WebhookAttempt, WebhookDelivery, WebhookSubscription
from governance_api.models.records import OutboxEvent


def skip_locked(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# ---- fan-out --------------------------------------------------------------------------------------


def claim_outbox(session: Session, limit: int) -> Sequence[OutboxEvent]:
    """The oldest unpublished outbox rows (the partial index of unpublished rows serves this)."""
    stmt = (
        select(OutboxEvent)
        .where(OutboxEvent.published_at.is_(None))
        .order_by(OutboxEvent.created_at, OutboxEvent.id)
        .limit(limit)
    )
    if skip_locked(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return session.scalars(stmt).all()


def subjects(session: Session, events: Sequence[OutboxEvent]) -> dict[uuid.UUID, Subject]:
    """The records the events are about, by id: what decides who sees them (one query per table)."""
    out: dict[uuid.UUID, Subject] = {}
    dispute_ids = {e.aggregate_id for e in events if e.aggregate_type == "dispute"}
    decision_ids = {e.aggregate_id for e in events if e.aggregate_type == "decision"}
    if dispute_ids:
        for d in session.execute(
            select(
                Dispute.id, Dispute.scope_path, Dispute.org_unit_id, Dispute.created_by_id, Dispute.external_id
            ).where(Dispute.id.in_(dispute_ids))
        ):
            out[d.id] = Subject("dispute", d.id, d.scope_path, d.org_unit_id, d.created_by_id, d.external_id)
    if decision_ids:
        for c in session.execute(
            select(Decision.id, Decision.scope_path, Decision.org_unit_id, Decision.created_by_id).where(
                Decision.id.in_(decision_ids)
            )
        ):
            out[c.id] = Subject("decision", c.id, c.scope_path, c.org_unit_id, c.created_by_id)
    return out


def active_subscriptions(session: Session) -> Sequence[WebhookSubscription]:
    return session.scalars(select(WebhookSubscription).where(WebhookSubscription.active)).all()


def add_deliveries(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(WebhookDelivery), rows)


def mark_published(session: Session, ids: list[uuid.UUID], now: dt.datetime) -> None:
    if ids:
        session.execute(
            update(OutboxEvent).where(OutboxEvent.id.in_(ids)).values(published_at=now),
            execution_options={"synchronize_session": False},
        )


# ---- delivery -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    """A delivery leased to this worker: what to send, to whom, and its round so far."""

    id: uuid.UUID
    subscription_id: uuid.UUID
    body: str
    attempts: int
    queued_at: dt.datetime


def claim_due(session: Session, now: dt.datetime, lease_until: dt.datetime, limit: int) -> list[Claimed]:
    """Lease the due deliveries of active subscriptions: pending, their time come, and no live lease
    (a worker that died leaves its lease to run out). The lease is written in the claim's own
    transaction, so after the commit no other worker takes them until it ends."""
    stmt = (
        select(
            WebhookDelivery.id,
            WebhookDelivery.subscription_id,
            WebhookDelivery.body,
            WebhookDelivery.attempts,
            WebhookDelivery.queued_at,
        )
        .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.locked_until.is_(None), WebhookDelivery.locked_until <= now),
            WebhookSubscription.active,
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )
    if skip_locked(session):
        stmt = stmt.with_for_update(of=WebhookDelivery, skip_locked=True)
    rows = session.execute(stmt).all()
    if not rows:
        return []
    session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id.in_([r.id for r in rows])).values(locked_until=lease_until),
        execution_options={"synchronize_session": False},
    )
    return [Claimed(r.id, r.subscription_id, r.body, r.attempts, r.queued_at) for r in rows]


def subscriptions(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, WebhookSubscription]:
    rows = session.scalars(select(WebhookSubscription).where(WebhookSubscription.id.in_(ids))).all()
    return {s.id: s for s in rows}


def lock_subscriptions(session: Session, ids: set[uuid.UUID]) -> None:
    """Lock the subscriptions a batch will disable, in id order, before its deliveries: the API's
    redelivery and deletion lock a subscription and then its deliveries, and taking them in the other
    order here could deadlock with them."""
    if ids and skip_locked(session):
        session.execute(
            select(WebhookSubscription.id)
            .where(WebhookSubscription.id.in_(ids))
            .order_by(WebhookSubscription.id)
            .with_for_update(key_share=True)  # FOR NO KEY UPDATE: fan-out's inserts may go on
        )


def still_held(session: Session, ids: list[uuid.UUID], lease_until: dt.datetime) -> set[uuid.UUID]:
    """Which of ``ids`` still carry this worker's lease, locked until the batch is recorded. A
    delivery redelivered (lease cleared), deleted with its subscription, or retaken by another worker
    after the lease ran out while it was in flight is not ours to record any more."""
    stmt = select(WebhookDelivery.id).where(WebhookDelivery.id.in_(ids), WebhookDelivery.locked_until == lease_until)
    if skip_locked(session):
        stmt = stmt.with_for_update()
    return set(session.scalars(stmt))


def record_attempts(
    session: Session,
    attempts: list[dict[str, Any]],
    deliveries: list[dict[str, Any]],
    disabled: dict[uuid.UUID, str],
    now: dt.datetime,
) -> None:
    """Every attempt of a batch, each delivery's new state (its lease freed) and the subscriptions
    a receiver asked to be dropped (410), in bulk."""
    if attempts:
        session.execute(insert(WebhookAttempt), attempts)
    if deliveries:
        session.execute(update(WebhookDelivery), deliveries)  # bulk UPDATE by primary key
    for sub_id, reason in disabled.items():
        session.execute(
            update(WebhookSubscription)
            .where(WebhookSubscription.id == sub_id)
            .values(active=False, disabled_reason=reason, updated_at=now),
            execution_options={"synchronize_session": False},
        )
