"""Every query on disputes. Visibility (DOMAIN.md §1) is a SQL clause, so a dispute the caller may not
see is simply not found; writes load with ``FOR UPDATE`` so concurrent actions serialize."""

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    Select,
    Table,
    bindparam,
    func,
    insert,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import Session, defer, joinedload, lazyload, raiseload

from governance_api.core import appends
from governance_api.core.actor import Actor
from governance_api.core.bulk import Follower, insert_rows
from governance_api.core.pagination import BoundPage, keyset_page
from governance_api.core.scope import like_prefix
from governance_api.disputes.visibility import Shape, overdue_binds, overdue_template, visibility, visible_template
from governance_api.models.base import utcnow
from governance_api.models.disputes import (
    Agreement,
    DisposalReport,
    Dispute,
    DisputeCategory,
    DisputeParty,
    EscalationApplication,
    JudicialConfirmation,
    MediationSession,
)
from governance_api.models.integration import IntegrationClient
from governance_api.models.org import OrgUnit, User
from governance_api.models.records import PersonalDataAccess
from governance_api.settings import DisputeTimeLimits


@lru_cache(maxsize=128)
def _one(shape: Shape, lock: bool) -> Select[Dispute]:
    stmt = (
        select(Dispute)
        .where(Dispute.id == bindparam("dispute_id"), visible_template(shape))
        .options(joinedload(Dispute.parties), joinedload(Dispute.task_force_departments))
    )
    return stmt.with_for_update(of=Dispute) if lock else stmt


def get_visible(session: Session, actor: Actor, dispute_id: uuid.UUID, *, lock: bool = False) -> Dispute | None:
    """One dispute with its parties and task-force departments, in one query (joined, not the
    models' default ``selectin``, which costs a round trip per collection). The statement is built
    once per shape of caller and bound per call: building it, with its loader options, cost more
    than running it (bench/RESULTS.md, 2026-12-01 afternoon)."""
    shape, binds = visibility(actor)
    return session.execute(_one(shape, lock), {"dispute_id": dispute_id, **binds}).unique().scalar_one_or_none()


@dataclass(frozen=True)
class DisputeFilters:
    state: str | None = None
    level: str | None = None
    channel: str | None = None
    category: str | None = None
    risk_level: str | None = None
    overdue: bool | None = None
    # The org_unit_id filter, as the narrowest equivalent the indexes serve: a community's id, a
    # grid's id, or another unit's subtree path.
    community_id: uuid.UUID | None = None
    org_unit_id: uuid.UUID | None = None
    org_unit_path: str | None = None
    created_from: dt.datetime | None = None
    created_to: dt.datetime | None = None
    q: str | None = None


# A list row needs neither the free text of the 三查三问 checklist nor the description (raiseload:
# a read model that starts using one fails its tests instead of loading it row by row), and the
# task force's departments only for a task-force row whose allowed actions ask (rare: lazily).
LIST_OMITS = (  # free text a list row never shows
    Dispute.description,
    Dispute.background,
    Dispute.demands,
    Dispute.risks,
    Dispute.asked_party,
    Dispute.asked_neighbors,
    Dispute.asked_related_parties,
)
_LIST_LOADING = (
    *(defer(column, raiseload=True) for column in LIST_OMITS),
    raiseload(Dispute.parties),  # read for the whole page by ``party_briefs``
    lazyload(Dispute.task_force_departments),
)


def party_briefs(session: Session, dispute_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Any]]:
    """The parties of a list page in one query, as plain rows (name, role, phone) by dispute: a page
    shows no more of them, and ORM objects for every party cost more than the page's own query."""
    out: dict[uuid.UUID, list[Any]] = {i: [] for i in dispute_ids}
    if dispute_ids:
        stmt = (
            select(DisputeParty.dispute_id, DisputeParty.name, DisputeParty.role, DisputeParty.phone)
            .where(DisputeParty.dispute_id.in_(dispute_ids))
            .order_by(DisputeParty.dispute_id, DisputeParty.seq)
        )
        for row in session.execute(stmt):
            out[row.dispute_id].append(row)
    return out


_EQUAL_FILTERS = ("state", "level", "channel", "category", "risk_level")
_UNIT_FILTERS = ("community_id", "org_unit_id", "org_unit_path")


@dataclass(frozen=True)
class ListShape:
    """What changes the list statement's text: the caller's visibility shape and which filters are
    set (never their values)."""

    visibility: Shape
    equal: tuple[str, ...]
    overdue: bool | None
    unit: str | None
    since: bool
    until: bool
    text: bool
    terminal: tuple[str, ...]


@lru_cache(maxsize=256)
def _list_statement(shape: ListShape, after: bool) -> Select[Any]:
    stmt = list_filtered(select(Dispute).options(*_LIST_LOADING), shape)
    return keyset_page(stmt, Dispute.created_at, Dispute.id, after=after)


def list_filtered(stmt: Select[Any], shape: ListShape) -> Select[Any]:
    """``stmt`` (disputes, as entities or as columns) narrowed to the list's visibility and filters."""
    stmt = stmt.where(visible_template(shape.visibility))
    for name in shape.equal:
        stmt = stmt.where(getattr(Dispute, name) == bindparam(f"f_{name}"))
    if shape.overdue is not None:
        clause = overdue_template(shape.terminal)
        stmt = stmt.where(clause if shape.overdue else not_(clause))
    if shape.unit == "community_id":
        stmt = stmt.where(Dispute.community_id == bindparam("f_unit"))  # the community's index, in list order
    elif shape.unit == "org_unit_id":
        stmt = stmt.where(Dispute.org_unit_id == bindparam("f_unit"))  # a grid: a leaf, so its own disputes
    elif shape.unit == "org_unit_path":
        stmt = stmt.where(Dispute.scope_path.like(bindparam("f_unit"), escape="/"))
    if shape.since:
        stmt = stmt.where(Dispute.created_at >= bindparam("f_since"))
    if shape.until:
        stmt = stmt.where(Dispute.created_at < bindparam("f_until"))
    if shape.text:
        pattern: BindParameter[str] = bindparam("f_text")
        stmt = stmt.where(
            or_(Dispute.title.ilike(pattern, escape="\\"), Dispute.description.ilike(pattern, escape="\\"))
        )
    return stmt


def list_query(
    actor: Actor, f: DisputeFilters, now: dt.datetime, limits: DisputeTimeLimits, terminal: Collection[str]
) -> BoundPage:
    """The list page's statement, built once per shape (``ListShape``), and this call's values."""
    shape, binds = list_shape(actor, f, now, limits, terminal)
    return BoundPage(partial(_list_statement, shape), binds)


def list_shape(
    actor: Actor, f: DisputeFilters, now: dt.datetime, limits: DisputeTimeLimits, terminal: Collection[str]
) -> tuple[ListShape, dict[str, Any]]:
    """Which list statement the call needs (its shape) and the values it binds."""
    seen, binds = visibility(actor)
    equal = tuple(name for name in _EQUAL_FILTERS if getattr(f, name) is not None)
    binds |= {f"f_{name}": getattr(f, name) for name in equal}
    if f.overdue is not None:
        binds |= overdue_binds(now, limits)
    unit = next((name for name in _UNIT_FILTERS if getattr(f, name) is not None), None)
    if unit is not None:
        value = getattr(f, unit)
        binds["f_unit"] = like_prefix(value) if unit == "org_unit_path" else value
    if f.created_from is not None:
        binds["f_since"] = f.created_from
    if f.created_to is not None:
        binds["f_until"] = f.created_to
    if f.q:
        binds["f_text"] = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    shape = ListShape(
        seen,
        equal,
        f.overdue,
        unit,
        f.created_from is not None,
        f.created_to is not None,
        bool(f.q),
        tuple(terminal),
    )
    return shape, binds


def by_tracking_code(session: Session, code: str) -> Dispute | None:
    return session.scalar(select(Dispute).where(Dispute.tracking_code == code))


def claim_feed_disputes(
    session: Session, rows: Sequence[dict[str, Any]], alike: dict[str, Any], followers: Sequence[Follower]
) -> dict[str, uuid.UUID]:
    """Insert feed disputes (``rows``: each one's own columns; ``alike``: the values all share; the
    ids are new) except those whose (channel, external_id) is recorded or being recorded by another
    transaction, each inserted one with its ``followers`` (its history row and event); the inserted
    ones' ids by external id. On PostgreSQL the rows are inserted in external id order."""
    table = cast(Table, Dispute.__table__)
    inserted = insert_rows(
        session,
        table,
        rows,
        same=alike,
        new_id="id",
        skip_conflicts_on=("channel", "external_id"),
        returning=("id", "external_id"),
        followers=followers,
    )
    return {row.external_id: row.id for row in inserted}


def insert_parties(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    insert_rows(session, cast(Table, DisputeParty.__table__), rows)


def bound_channel(session: Session, user_id: uuid.UUID) -> str | None:
    """The channel a feed (integration client) is bound to, if any (DOMAIN §6)."""
    return session.scalar(select(IntegrationClient.channel).where(IntegrationClient.user_id == user_id))


def existing_categories(session: Session, codes: Collection[str]) -> set[str]:
    return set(session.scalars(select(DisputeCategory.code).where(DisputeCategory.code.in_(list(codes)))))


def by_external_id(session: Session, channel: str, external_id: str) -> Dispute | None:
    return session.scalar(select(Dispute).where(Dispute.channel == channel, Dispute.external_id == external_id))


# ---- categories ---------------------------------------------------------------------------------


def get_category(session: Session, code: str) -> DisputeCategory | None:
    return session.get(DisputeCategory, code)


def list_categories(session: Session) -> list[DisputeCategory]:
    return list(session.scalars(select(DisputeCategory).order_by(DisputeCategory.builtin.desc(), DisputeCategory.code)))


# ---- units and users named by a request ---------------------------------------------------------


def get_unit(session: Session, unit_id: uuid.UUID) -> OrgUnit | None:
    return session.get(OrgUnit, unit_id)


def get_units(session: Session, ids: Sequence[uuid.UUID]) -> list[OrgUnit]:
    if not ids:
        return []
    return list(session.scalars(select(OrgUnit).where(OrgUnit.id.in_(list(ids)))))


def get_active_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.scalar(select(User).where(User.id == user_id, User.active))


# ---- sub-records --------------------------------------------------------------------------------


def sessions_of(session: Session, dispute_id: uuid.UUID) -> list[MediationSession]:
    stmt = select(MediationSession).where(MediationSession.dispute_id == dispute_id)
    return list(session.scalars(stmt.order_by(MediationSession.held_at, MediationSession.created_at)))


def count_sessions_at(session: Session, dispute_id: uuid.UUID, level: str) -> int:
    stmt = select(func.count()).where(MediationSession.dispute_id == dispute_id, MediationSession.level == level)
    return int(session.scalar(stmt) or 0)


def applications_of(session: Session, dispute_id: uuid.UUID) -> list[EscalationApplication]:
    stmt = select(EscalationApplication).where(EscalationApplication.dispute_id == dispute_id)
    return list(session.scalars(stmt.order_by(EscalationApplication.applied_at)))


def pending_application(session: Session, dispute_id: uuid.UUID) -> EscalationApplication | None:
    stmt = select(EscalationApplication).where(
        EscalationApplication.dispute_id == dispute_id, EscalationApplication.decision.is_(None)
    )
    return session.scalar(stmt.order_by(EscalationApplication.applied_at.desc()).limit(1))


def current_agreement(session: Session, dispute_id: uuid.UUID) -> Agreement | None:
    stmt = select(Agreement).where(Agreement.dispute_id == dispute_id)
    return session.scalar(stmt.order_by(Agreement.created_at.desc(), Agreement.id.desc()).limit(1))


def confirmation_of(session: Session, agreement_id: uuid.UUID) -> JudicialConfirmation | None:
    return session.scalar(select(JudicialConfirmation).where(JudicialConfirmation.agreement_id == agreement_id))


def confirmations_of(session: Session, dispute_id: uuid.UUID) -> list[JudicialConfirmation]:
    stmt = select(JudicialConfirmation).where(JudicialConfirmation.dispute_id == dispute_id)
    return list(session.scalars(stmt.order_by(JudicialConfirmation.created_at)))


def disposal_report_of(session: Session, dispute_id: uuid.UUID) -> DisposalReport | None:
    return session.scalar(select(DisposalReport).where(DisposalReport.dispute_id == dispute_id))


def add(session: Session, row: object) -> None:
    session.add(row)
    session.flush()


_ACCESS = cast(Table, PersonalDataAccess.__table__)
# The audit row's insert on the event loop (``loop_reads.record_access``), built once.
ACCESS_INSERT = insert(_ACCESS)


def record_access(session: Session, actor: Actor, dispute_id: uuid.UUID, fields: str) -> None:
    """Audit one unmasked read of parties' personal data (who, which dispute, which fields), in the
    caller's transaction: held to its commit (``core.appends``) and written with the step's history
    and events, as nothing reads the row back in the request."""
    appends.append(session, _ACCESS, [access_row(actor, dispute_id, fields)])


def access_row(actor: Actor, dispute_id: uuid.UUID, fields: str) -> dict[str, Any]:
    """The audit row of an unmasked read, now (``record_access``, and ``loop_reads.record_access`` on
    the event loop)."""
    return {
        "id": uuid.uuid4(),
        "at": utcnow(),
        "actor_id": actor.user_id,
        "subject_type": "dispute",
        "subject_id": dispute_id,
        "fields": fields,
    }
