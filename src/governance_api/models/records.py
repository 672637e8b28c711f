"""Cross-cutting records: transition history, the event outbox, idempotency replays, sign-in
windows, audit of personal-data reads. Append-only except idempotency records and sign-in windows,
which expire."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from governance_api.models.base import Base, IdMixin, utcnow


class TransitionRecord(IdMixin, Base):
    """One row per action taken on an aggregate, written in the transaction of the change itself."""

    __tablename__ = "transition_history"

    aggregate_type: Mapped[str] = mapped_column(String(32))
    aggregate_id: Mapped[uuid.UUID] = mapped_column()  # read with its type: the unique index below
    seq: Mapped[int] = mapped_column(Integer)  # the aggregate's version after the action
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (UniqueConstraint("aggregate_type", "aggregate_id", "seq"),)


class OutboxEvent(IdMixin, Base):
    """A domain event (e.g. an early warning) committed with the change that raised it, for relay."""

    __tablename__ = "outbox_events"
    # The worker claims the oldest unpublished rows: an index of those alone stays small however
    # long the outbox grows.
    __table_args__ = (
        Index(
            "ix_outbox_events_unpublished",
            "created_at",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
    )

    aggregate_type: Mapped[str] = mapped_column(String(32))
    # Not indexed: nothing reads the outbox by aggregate or kind, and every step of every machine
    # writes a row here.
    aggregate_id: Mapped[uuid.UUID] = mapped_column()
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column()


class IdempotencyRecord(IdMixin, Base):
    """A POST's outcome under (caller, Idempotency-Key), kept for the TTL (``core.idempotency``).

    While the request runs (``status_code`` null) the row is a reservation held by one ``attempt``
    until ``locked_until``; after that a retry may take it over (``attempt`` + 1). ``committed_at``
    is written in the request's own business transaction, so a request whose changes committed is
    never run again, even if its process died before the answer was stored."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("caller", "key"),)

    caller: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    locked_until: Mapped[dt.datetime | None] = mapped_column()
    committed_at: Mapped[dt.datetime | None] = mapped_column()


class SignInWindow(Base):
    """Sign-in attempts in the current minute for one (client address, username), shared by every
    instance (``core.ratelimit``). The key is an HMAC of both under a server secret: the table holds
    no usernames or addresses, and a copy of it does not give them back."""

    __tablename__ = "sign_in_windows"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer)


class PersonalDataAccess(IdMixin, Base):
    """Audit of one unmasked read of personal data (who, what, when)."""

    __tablename__ = "personal_data_access"

    actor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[uuid.UUID] = mapped_column(index=True)
    fields: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
