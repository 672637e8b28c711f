"""The dispute queries served on the event loop (PostgreSQL; ``core.loop_reads``): a GET's read and
its audit row, and a list page. Each mirrors a query of ``repository`` on the sync path — the same
scope clause and filters, the same columns, the same order — and the parity tests hold them to the
same answers (tests/disputes/test_loop_reads.py)."""

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, case, func, inspect, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import InstrumentedAttribute

from governance_api.core.actor import Actor
from governance_api.core.loop_reads import LoopReads, detached
from governance_api.core.pagination import PageParams, cut_page, keyset_page, page_values
from governance_api.disputes.repository import (
    ACCESS_INSERT,
    LIST_OMITS,
    DisputeFilters,
    ListShape,
    access_row,
    list_filtered,
    list_shape,
)
from governance_api.disputes.visibility import Shape, visibility, visible_template
from governance_api.models.disputes import Dispute, DisputeCategory, DisputeParty, TaskForceDepartment
from governance_api.models.org import OrgUnit
from governance_api.settings import DisputeTimeLimits

_EMPTY: ColumnElement[Any] = literal_column("'[]'::json")
_PARTY_KEYS = ("seq", "name", "role", "phone", "id_number")
_LIST_OMITS = {column.key for column in LIST_OMITS}


class PartyRow(NamedTuple):
    """A party as a list row shows it (``repository.party_briefs``'s rows)."""

    name: str
    role: str
    phone: str | None


def _json_list(*columns: InstrumentedAttribute[Any], order: InstrumentedAttribute[Any]) -> ColumnElement[Any]:
    """``columns`` of the rows of ``columns[0]``'s table that belong to the outer dispute, as a JSON
    array of arrays in ``order`` (``[]`` for none): a collection in the dispute's own row."""
    owner = columns[0].class_.dispute_id
    aggregated = func.coalesce(func.json_agg(aggregate_order_by(func.json_build_array(*columns), order)), _EMPTY)
    return select(aggregated).where(owner == Dispute.id).scalar_subquery()


def _columns(model: type[Any] = Dispute, omit: Collection[str] = ()) -> list[ColumnElement[Any]]:
    """The model's mapped columns, each labelled with its attribute's name (as ``detached`` sets them)."""
    return [a.columns[0].label(a.key) for a in inspect(model).column_attrs if a.key not in omit]


def _departments() -> ColumnElement[Any]:
    """The task force's departments. The effect that forms a task force sets its lead and its
    departments together (``effects``), so a dispute without a lead skips the probe: on a list page,
    most rows."""
    dep = TaskForceDepartment
    listed = _json_list(dep.department_id, dep.department_path, order=dep.department_id)
    return case((Dispute.task_force_lead_id.is_(None), _EMPTY), else_=listed).label("departments")


@lru_cache(maxsize=64)
def _one(shape: Shape) -> Select[Any]:
    """``repository.get_visible`` as one statement and one round trip: the dispute's columns, with
    its parties (in ``seq`` order) and its task force's departments as JSON arrays beside them."""
    parties = _json_list(*(getattr(DisputeParty, k) for k in _PARTY_KEYS), order=DisputeParty.seq)
    return select(*_columns(), parties.label("parties"), _departments()).where(
        Dispute.id == bindparam("dispute_id"), visible_template(shape)
    )


def _dispute(row: dict[str, Any], parties: list[Any]) -> Dispute:
    """A detached dispute of a row of ``_one`` or ``_page``, with ``parties`` as given."""
    did = row["id"]
    departments = [
        detached(TaskForceDepartment, {"dispute_id": did, "department_id": uuid.UUID(d), "department_path": path})
        for d, path in row.pop("departments")
    ]
    return detached(Dispute, row | {"parties": parties, "task_force_departments": departments})


async def get_visible(reads: LoopReads, actor: Actor, dispute_id: uuid.UUID) -> Dispute | None:
    """One dispute the caller may see, with its parties and departments, as a detached instance."""
    shape, binds = visibility(actor)
    row = await reads.first(_one(shape), {"dispute_id": dispute_id, **binds})
    if row is None:
        return None
    parties = [
        detached(DisputeParty, {"dispute_id": dispute_id, **dict(zip(_PARTY_KEYS, p, strict=True))})
        for p in row.pop("parties")
    ]
    return _dispute(row, parties)


@lru_cache(maxsize=256)
def _page(shape: ListShape, after: bool) -> Select[Any]:
    """``repository._list_statement`` with each row's parties (name, role, phone) and departments
    beside it, instead of a second query for the page's parties and a lazy load per task force."""
    parties = _json_list(DisputeParty.name, DisputeParty.role, DisputeParty.phone, order=DisputeParty.seq)
    stmt = select(*_columns(omit=_LIST_OMITS), parties.label("parties"), _departments())
    return keyset_page(list_filtered(stmt, shape), Dispute.created_at, Dispute.id, after=after)


async def list_page(
    reads: LoopReads,
    actor: Actor,
    filters: DisputeFilters,
    now: dt.datetime,
    limits: DisputeTimeLimits,
    terminal: Collection[str],
    params: PageParams,
) -> tuple[list[tuple[Dispute, Sequence[PartyRow]]], str | None]:
    """One page of the disputes the caller may see, each with its parties, and the next cursor."""
    shape, binds = list_shape(actor, filters, now, limits, terminal)
    after, values = page_values(binds, params)
    # A community's or a grid's page is read through an index that starts with its unit (a
    # community's in list order) and holds no more rows than that unit has: one plan serves every
    # value. A street's page (a path prefix) and an unfiltered one keep plans per value.
    generic = shape.unit in ("community_id", "org_unit_id")
    found = await reads.all(_page(shape, after), values, generic_plan=generic)
    rows, cursor = cut_page(found, params, lambda r: (r["created_at"], r["id"]))
    page: list[tuple[Dispute, Sequence[PartyRow]]] = []
    for row in rows:
        parties = [PartyRow(*p) for p in row.pop("parties")]
        page.append((_dispute(row, []), parties))
    return page, cursor


class UnitPlace(NamedTuple):
    """Where an org unit sits: what a list filter by unit needs of it (``service._unit_filter``)."""

    id: uuid.UUID
    kind: str
    path: str


# An org unit's kind and path never change once created (an update may rename or deactivate it, not
# move it: ``org.schemas.OrgUnitUpdate``) and units are never deleted, so each process may keep the
# places it has read: every process reads the same ones, and none can go stale. A unit not found is
# not kept: it may be created next. Bounded all the same, for a city with more units than that.
_PLACES: dict[uuid.UUID, UnitPlace] = {}
_PLACES_KEPT = 4096


@lru_cache(maxsize=1)
def _unit() -> Select[Any]:
    place: list[Any] = [OrgUnit.id, OrgUnit.kind, OrgUnit.path]
    return select(*place).where(OrgUnit.id == bindparam("unit_id"))


async def unit_place(reads: LoopReads, unit_id: uuid.UUID) -> UnitPlace | None:
    place = _PLACES.get(unit_id)
    if place is None:
        row = await reads.first(_unit(), {"unit_id": unit_id})
        if row is None:
            return None
        if len(_PLACES) >= _PLACES_KEPT:
            _PLACES.clear()
        place = _PLACES[unit_id] = UnitPlace(**row)
    return place


@lru_cache(maxsize=1)
def _category() -> Select[Any]:
    return select(DisputeCategory.code).where(DisputeCategory.code == bindparam("code"))


async def category_exists(reads: LoopReads, code: str) -> bool:
    return await reads.first(_category(), {"code": code}) is not None


async def record_access(reads: LoopReads, actor: Actor, dispute_id: uuid.UUID, fields: str) -> None:
    """``repository.record_access`` written at once, in a transaction of its own."""
    await reads.write(ACCESS_INSERT, access_row(actor, dispute_id, fields))
