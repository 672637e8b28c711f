"""Reading the append-only transition history the engine writes (``core.transitions``): the query
and the common shape of an entry, which each domain extends with its own facets."""

import datetime as dt
import uuid
from typing import Any, Self

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from governance_api.core import appends
from governance_api.models.records import TransitionRecord


class HistoryEntry(BaseModel):
    action: str
    from_state: str | None
    to_state: str
    actor_id: uuid.UUID | None
    actor_name: str
    at: dt.datetime
    comment: str | None

    @classmethod
    def of(cls, record: TransitionRecord, **extra: Any) -> Self:
        return cls(
            action=record.action,
            from_state=record.from_state,
            to_state=record.to_state,
            actor_id=record.actor_id,
            actor_name=record.actor_name,
            at=record.at,
            comment=record.comment,
            **extra,
        )


def history_of(session: Session, machine_name: str, aggregate_id: uuid.UUID) -> list[TransitionRecord]:
    """Every action taken on one aggregate, oldest first: a step taken earlier in the same
    transaction included, its row still held for the commit (``core.appends``)."""
    appends.write(session)
    stmt = select(TransitionRecord).where(
        TransitionRecord.aggregate_type == machine_name, TransitionRecord.aggregate_id == aggregate_id
    )
    return list(session.scalars(stmt.order_by(TransitionRecord.seq)))
