"""Integration with city platforms (DOMAIN §6): feeds bound to a channel, their work orders and
category maps; webhook subscriptions, their deliveries and every attempt; reminders already sent."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance_api.models.base import Base, IdMixin, utcnow


class IntegrationClient(Base):
    """An ``integration_client`` user bound to the one channel it relays (一网统管, 110, 联勤, …)."""

    __tablename__ = "integration_clients"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CategoryMapEntry(Base):
    """One row of a source's category table (kept by the 司法所): the source's own code → a dispute
    category. A code without a row maps to ``other``; the raw code is kept on the work order."""

    __tablename__ = "intake_category_map"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    source_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    category: Mapped[str] = mapped_column(ForeignKey("dispute_categories.code"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WorkOrder(Base):
    """A feed's work order (工单) as received, one per dispute it became: a hash of its content
    (identical replay → ``unchanged``, different content → ``duplicate``) and what the dispute has no
    column for. Its key is its dispute's: the channel and external id a replay is recognised by, who
    relayed it and when are the dispute's ``channel``, ``external_id``, ``created_by_id`` and
    ``created_at`` (migration 0014: no second copy of them, checked and indexed on every insert)."""

    __tablename__ = "work_orders"

    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_category_code: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[dt.datetime] = mapped_column()
    address: Mapped[str | None] = mapped_column(String(300))
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{url, name}], references


class WebhookSubscription(IdMixin, Base):
    """A webhook subscription: where to POST which event types. The signing secret is stored
    encrypted (``webhooks.secrets``); after a rotation the previous one signs too until it expires."""

    __tablename__ = "webhook_subscriptions"

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(String(200))
    secret_ciphertext: Mapped[str] = mapped_column(Text)
    previous_secret_ciphertext: Mapped[str | None] = mapped_column(Text)
    previous_secret_expires_at: Mapped[dt.datetime | None] = mapped_column()
    disabled_reason: Mapped[str | None] = mapped_column(String(200))  # e.g. the receiver answered 410
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WebhookDelivery(IdMixin, Base):
    """One event for one subscription. ``body`` is the CloudEvent exactly as first built, so every
    attempt (and a redelivery) sends the same bytes under the same ``webhook-id`` (this row's id).
    ``locked_until`` is a worker's lease on it: a worker that dies lets it go when the lease ends."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        # a subscription's delivery log, newest first, is a walk of this index
        Index("ix_webhook_deliveries_log", "subscription_id", "created_at", "id"),
    )

    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox_events.id"), index=True)
    event_type: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending / delivered / failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When the current round of attempts began (fan-out, or a redelivery): retries stop
    # ``webhook_retry_hours`` after it.
    queued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    delivered_at: Mapped[dt.datetime | None] = mapped_column()
    last_status_code: Mapped[int | None] = mapped_column(Integer)


class WebhookAttempt(IdMixin, Base):
    """One HTTP attempt of a delivery: when, what the receiver answered (or why nothing was sent)."""

    __tablename__ = "webhook_attempts"

    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(300))
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


class ReminderSent(Base):
    """A reminder already raised (DOMAIN §6): the key is the reminder's kind, its subject and what
    makes it once-only (the level for an overdue dispute), so several workers raise each once."""

    __tablename__ = "reminders_sent"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    subject_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


__all__ = [
    "CategoryMapEntry",
    "IntegrationClient",
    "ReminderSent",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkOrder",
]
