"""Every query of intake: feeds and their channel, the units a batch names by code, the channel's
category map, the work orders already received. Flushes, never commits."""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, text, union
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from governance_api.core.bulk import among, insert_rows
from governance_api.models.base import utcnow
from governance_api.models.disputes import Dispute, DisputeCategory
from governance_api.models.integration import CategoryMapEntry, IntegrationClient, WorkOrder
from governance_api.models.org import OrgUnit, RoleAssignment, User
from governance_api.roles import Role


def binding(session: Session, user_id: uuid.UUID) -> IntegrationClient | None:
    return session.get(IntegrationClient, user_id)


@dataclass(frozen=True)
class Unit:
    """What a batch needs of an org unit it names (plain rows: a batch names up to a thousand)."""

    id: uuid.UUID
    code: str
    kind: str
    parent_id: uuid.UUID | None
    path: str


_UNIT = (OrgUnit.id, OrgUnit.code, OrgUnit.kind, OrgUnit.parent_id, OrgUnit.path)


def units_named(session: Session, codes: Collection[str]) -> list[Unit]:
    """The units a batch names by code, and the parent of each (a grid named alone brings its
    community): one query for the whole batch."""
    if not codes:
        return []
    named = among(session, OrgUnit.code, codes)
    parents = select(OrgUnit.parent_id).where(named).scalar_subquery()
    # A union of two index scans, not one scan with ``OR``: PostgreSQL's generic plan of the latter
    # (psycopg prepares a statement run often) tests each unit against the whole array in turn.
    stmt = union(select(*_UNIT).where(named), select(*_UNIT).where(OrgUnit.id.in_(parents)))
    return [Unit(*r) for r in session.execute(stmt)]


def category_map(session: Session, channel: str, codes: Collection[str] | None = None) -> dict[str, str]:
    """The channel's source code → category rows (only ``codes`` when given)."""
    stmt = select(CategoryMapEntry.source_code, CategoryMapEntry.category).where(CategoryMapEntry.channel == channel)
    if codes is not None:
        if not codes:
            return {}
        stmt = stmt.where(CategoryMapEntry.source_code.in_(list(codes)))
    return {code: category for code, category in session.execute(stmt.order_by(CategoryMapEntry.source_code))}


def lock_category_map(session: Session, channel: str) -> None:
    """Serialize replacements of one channel's table (delete, then insert) on PostgreSQL; SQLite's
    write transactions are serialized already (``BEGIN IMMEDIATE``)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"intake_category_map:{channel}"})


def replace_category_map(session: Session, channel: str, rows: Sequence[dict[str, Any]]) -> None:
    session.execute(delete(CategoryMapEntry).where(CategoryMapEntry.channel == channel))
    if rows:
        session.execute(insert(cast(Table, CategoryMapEntry.__table__)), list(rows))


def existing_categories(session: Session, codes: Collection[str]) -> set[str]:
    if not codes:
        return set()
    return set(session.scalars(select(DisputeCategory.code).where(DisputeCategory.code.in_(list(codes)))))


@dataclass(frozen=True)
class Received:
    """A (channel, external id) already recorded: its dispute, and the content hash of the work order
    it came in as (None: recorded by ``POST /disputes``, not by a work order), and who reported it."""

    dispute_id: uuid.UUID
    content_hash: str | None
    created_by_id: uuid.UUID | None


def received(session: Session, channel: str, external_ids: Collection[str]) -> dict[str, Received]:
    """The disputes already recorded for these ids of the channel, with their work orders: one query."""
    if not external_ids:
        return {}
    stmt = (
        select(Dispute.external_id, Dispute.id, WorkOrder.content_hash, Dispute.created_by_id)
        .outerjoin(WorkOrder, WorkOrder.dispute_id == Dispute.id)
        .where(Dispute.channel == channel, among(session, Dispute.external_id, external_ids))
    )
    return {
        ext: Received(dispute_id, content_hash, by)
        for ext, dispute_id, content_hash, by in session.execute(stmt)
        if ext
    }


def insert_work_orders(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    insert_rows(session, cast(Table, WorkOrder.__table__), rows)


# ---- feeds --------------------------------------------------------------------------------------


def clients(session: Session) -> list[tuple[User, IntegrationClient | None]]:
    """Every user holding ``integration_client``, with its binding (or None), by username."""
    holders = select(RoleAssignment.user_id).where(RoleAssignment.role == Role.integration_client.value)
    stmt = (
        select(User, IntegrationClient)
        .outerjoin(IntegrationClient, IntegrationClient.user_id == User.id)
        .where(User.id.in_(holders))
        .order_by(User.username)
    )
    return [(user, client) for user, client in session.execute(stmt)]


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def holds_client_role(session: Session, user_id: uuid.UUID) -> bool:
    stmt = select(func.count()).where(
        RoleAssignment.user_id == user_id, RoleAssignment.role == Role.integration_client.value
    )
    return bool(session.scalar(stmt))


def bind(session: Session, user_id: uuid.UUID, channel: str) -> None:
    """Bind (or re-bind) a feed to its channel (``created_at``: since when); two concurrent binds
    leave one of them, not an error."""
    table = cast(Table, IntegrationClient.__table__)
    dialect = session.get_bind().dialect.name
    now = utcnow()
    stmt = (pg_insert(table) if dialect == "postgresql" else sqlite_insert(table)).values(
        user_id=user_id, channel=channel, created_at=now
    )
    session.execute(
        stmt.on_conflict_do_update(index_elements=[table.c.user_id], set_={"channel": channel, "created_at": now})
    )
