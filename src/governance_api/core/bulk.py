"""Many rows in one statement, for the writes that come in batches (a feed's work orders).

On PostgreSQL the rows go by ``COPY`` (psycopg formats them in C; in the binary format where the
column types allow); rows that may conflict, or that take values given once for all of them or ids
made by the server, are copied into a temporary table first and inserted from it (``ON CONFLICT``
for the former), with the rows each inserted row brings into other tables (``Follower``: its
history row, its event) written by that same statement. The usual multi-row
``VALUES`` (SQLAlchemy's insertmanyvalues) has one placeholder per value, and psycopg parses such a
statement afresh each time (it caches only short ones): at 500 rows that parsing cost more than
the insert itself, and arrays per column (``unnest``) spent as much in psycopg's Python array
dumper (measured: bench/RESULTS.md, 2026-12-01). On SQLite, a plain Core insert (insertmanyvalues)."""

import uuid
import zlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Json
from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    MetaData,
    Row,
    Table,
    any_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.expression import CTE, Executable
from sqlalchemy.types import (
    BigInteger,
    Boolean,
    DateTime,
    Enum,
    Integer,
    SmallInteger,
    String,
    TypeDecorator,
    TypeEngine,
    Uuid,
)


@dataclass(frozen=True)
class Follower:
    """A row that follows each row an ``insert_rows`` call inserts, into another table (its history
    row, its outbox event): alike for every inserted row but for the inserted row's key.
    ``takes``: (its column, the inserted row's column whose value it takes); ``values``: what they
    all share; ``new_id``: a column given a new random UUID."""

    table: Table
    takes: tuple[str, str]
    values: Mapping[str, Any]
    new_id: str | None = None


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    same: Mapping[str, Any] | None = None,
    new_id: str | None = None,
    skip_conflicts_on: Sequence[str] = (),
    returning: Sequence[str] = (),
    followers: Sequence[Follower] = (),
) -> list[Row[Any]]:
    """Insert ``rows`` (each with the same columns) in their order. ``same``: columns whose value is
    one for every row, sent once rather than on each row. ``new_id``: a column given a new random
    UUID per row (on PostgreSQL ``gen_random_uuid()``, built in since PostgreSQL 13, so none is made in
    Python or crosses the wire).
    With ``skip_conflicts_on`` (the columns of a unique constraint) a row whose key is taken, or being
    taken by a concurrent transaction, is skipped (``ON CONFLICT … DO NOTHING``; PostgreSQL waits for
    that transaction first). ``returning``: those columns of the rows inserted (and any column a
    follower takes). ``followers``: rows each inserted row brings into other tables, written by the
    same statement on PostgreSQL (a skipped row brings none)."""
    if not rows:
        return []
    same = dict(same or {})
    if session.get_bind().dialect.name == "postgresql":
        if not (same or new_id or skip_conflicts_on or returning or followers):
            _copy(session, table, list(rows[0]), rows)
            return []
        plan = _Plan(
            table, tuple(rows[0]), tuple(same), new_id, tuple(skip_conflicts_on), tuple(returning), tuple(followers)
        )
        return _staged(session, plan, rows, same)
    full = [{**same, **({new_id: uuid.uuid4()} if new_id else {}), **row} for row in rows]
    sqlite = sqlite_insert(table)
    if skip_conflicts_on:
        sqlite = sqlite.on_conflict_do_nothing(index_elements=[table.c[n] for n in skip_conflicts_on])
    wanted = _returned(returning, followers)
    if not wanted:
        session.execute(insert(table) if not skip_conflicts_on else sqlite, full)
        return []
    inserted = list(session.execute(sqlite.returning(*(table.c[n] for n in wanted)), full))
    for f in followers:
        follows = [
            {**f.values, **({f.new_id: uuid.uuid4()} if f.new_id else {}), f.takes[0]: row._mapping[f.takes[1]]}
            for row in inserted
        ]
        if follows:
            session.execute(insert(f.table), follows)
    return inserted


def _returned(returning: Sequence[str], followers: Sequence[Follower]) -> list[str]:
    """The columns an insert returns: those asked for, then those its followers take, once each."""
    return list(dict.fromkeys([*returning, *(f.takes[1] for f in followers)]))


def among(
    session: Session, column: ColumnElement[Any] | InstrumentedAttribute[Any], values: Collection[Any]
) -> ColumnElement[bool]:
    """``column IN values`` for a batch's worth of values: on PostgreSQL one array parameter
    (``= ANY(…)``) rather than one placeholder per value, which psycopg would parse on every call."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(cast(bindparam(None, list(values), type_=ARRAY(column.type)), ARRAY(column.type)))
    return column.in_(list(values))


_STAGES: dict[tuple[str, tuple[str, ...]], Table] = {}  # the temporary tables' Core descriptions


@dataclass(frozen=True)
class _Plan:
    """What a staged insert is: its table, the columns of its rows, the names of its shared values,
    its new id, conflict key and returned columns, and its followers."""

    table: Table
    names: tuple[str, ...]
    same: tuple[str, ...]
    new_id: str | None
    keys: tuple[str, ...]
    returning: tuple[str, ...]
    followers: tuple[Follower, ...]

    @property
    def key(self) -> tuple[Any, ...]:
        """Of its statement: everything but the values."""
        follow = tuple((f.table.name, f.takes, tuple(f.values), f.new_id) for f in self.followers)
        return (self.table.name, self.names, self.same, self.new_id, self.keys, self.returning, follow)


def _staged(
    session: Session, plan: _Plan, rows: Sequence[Mapping[str, Any]], same: Mapping[str, Any]
) -> list[Row[Any]]:
    """``COPY`` the rows into a temporary table of their columns (one per connection and column
    set), then one statement empties it into ``table`` — ``WITH staged AS (DELETE … RETURNING)
    INSERT … SELECT`` — adding the ``same`` values and new ids, ``ORDER BY`` the key ``ON CONFLICT
    DO NOTHING``, and the followers of the rows it inserted from its ``RETURNING``. In key order, so
    two transactions claiming overlapping keys take them in the same order and never wait for each
    other crosswise (no deadlock). Emptied as it is read, so a second call in the same transaction
    finds it empty."""
    stage = _stage(session, plan.table, list(plan.names))
    _copy(session, plan.table, list(plan.names), rows, into=stage.name)
    stmt = _STATEMENTS.get(plan.key)
    if stmt is None:
        stmt = _STATEMENTS[plan.key] = _from_stage(stage, plan)
    params = {f"same_{n}": v for n, v in same.items()}
    for i, f in enumerate(plan.followers):
        params |= {f"follower{i}_{n}": v for n, v in f.values.items()}
    result = session.connection().execute(stmt, params)
    return list(result) if plan.returning or plan.followers else []


# The insert from each stage, built once (building it and computing its cache key per call showed in
# the profile of a batch); the shared values are bound by name, ``same_<column>`` and, for the
# followers, ``follower<i>_<column>``.
_STATEMENTS: dict[tuple[Any, ...], Executable] = {}


def _from_stage(stage: Table, plan: _Plan) -> Executable:
    table = plan.table
    staged = delete(stage).returning(*stage.c).cte("staged")
    columns = [*([plan.new_id] if plan.new_id else []), *plan.same, *plan.names]
    values: list[ColumnElement[Any]] = [
        *([func.gen_random_uuid()] if plan.new_id else []),
        *(_shared(f"same_{n}", table.c[n]) for n in plan.same),
        *(staged.c[n] for n in plan.names),
    ]
    order = [staged.c[k] for k in plan.keys if k in staged.c]  # a key column in ``same`` orders nothing
    source = select(*values).select_from(staged).order_by(*order)
    stmt = pg_insert(table).from_select(columns, source).add_cte(staged)
    if plan.keys:
        stmt = stmt.on_conflict_do_nothing(index_elements=[table.c[k] for k in plan.keys])
    if not plan.followers:
        return stmt.returning(*(table.c[n] for n in plan.returning)) if plan.returning else stmt
    wanted = _returned(plan.returning, plan.followers)
    inserted = stmt.returning(*(table.c[n] for n in wanted)).cte("inserted")
    follow = [_follower(i, f, inserted) for i, f in enumerate(plan.followers)]
    return select(*(inserted.c[n] for n in wanted)).add_cte(*follow)


def _follower(i: int, f: Follower, inserted: CTE) -> CTE:
    """``INSERT INTO <follower table> SELECT … FROM inserted``, as a CTE of the insert it follows."""
    columns = [*([f.new_id] if f.new_id else []), *f.values, f.takes[0]]
    values: list[ColumnElement[Any]] = [
        *([func.gen_random_uuid()] if f.new_id else []),
        *(_shared(f"follower{i}_{n}", f.table.c[n]) for n in f.values),
        inserted.c[f.takes[1]],
    ]
    return insert(f.table).from_select(columns, select(*values).select_from(inserted)).cte(f"follower{i}")


def _shared(name: str, column: Column[Any]) -> ColumnElement[Any]:
    """A value shared by every row, bound once as ``name`` and cast to its column's type."""
    return cast(bindparam(name, type_=column.type), _unbounded(column.type))


def _unbounded(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type a shared value is cast to: a string column's without its length, because an explicit
    cast to ``varchar(n)`` truncates a longer value, where the insert's own assignment refuses it."""
    return String() if isinstance(type_, String) and type_.length is not None else type_


def _stage(session: Session, table: Table, names: list[str]) -> Table:
    """The temporary table ``rows`` of these columns of ``table`` are copied into: the columns given,
    nothing else (no constraints: the insert from it checks them), named by the column set so
    another caller's set of columns gets a table of its own; emptied at commit in any case."""
    name = f"stage_{table.name}_{zlib.crc32(','.join(names).encode()):08x}"
    columns = ", ".join(f'"{n}"' for n in names)
    create = (
        f'CREATE TEMP TABLE IF NOT EXISTS "{name}" ON COMMIT DELETE ROWS '
        f'AS SELECT {columns} FROM "{table.name}" WITH NO DATA'
    )
    with _driver(session, create) as cursor:
        cursor.execute(create)
    stage = _STAGES.get((name, tuple(names)))
    if stage is None:
        stage = Table(name, MetaData(), *(Column(n, table.c[n].type) for n in names))
        _STAGES[(name, tuple(names))] = stage
    return stage


def _copy(
    session: Session, table: Table, names: list[str], rows: Sequence[Mapping[str, Any]], into: str | None = None
) -> None:
    """``COPY`` the rows in, in the session's transaction: in PostgreSQL's binary format when every
    column's type has a binary form here (``_binary``) and every integer and boolean fits it
    (``_fits``), which costs psycopg about half the CPU of the text format and spares the server
    parsing ids and times from text; else as text. The values go to the driver as they are (the
    columns' Python-side conversions do not run): ids are UUIDs, times aware, JSON is wrapped here."""
    json_columns = {n for n in names if isinstance(_impl(table.c[n].type), JSON)}
    types = [_binary(table.c[n].type) for n in names]
    binary = all(types) and _fits(rows, names, types)
    columns = ", ".join(f'"{n}"' for n in names)
    sql = f'COPY "{into or table.name}" ({columns}) FROM STDIN' + (" (FORMAT BINARY)" if binary else "")
    with _driver(session, sql) as cursor, cursor.copy(sql) as copy:
        if binary:
            copy.set_types(types)
        for row in rows:
            copy.write_row([Json(row[n]) if n in json_columns else row[n] for n in names])


@contextmanager
def _driver(session: Session, sql: str) -> Iterator[psycopg.Cursor[Any]]:
    """A cursor of the session's driver connection, for what has no SQLAlchemy statement (a COPY, a
    DDL): an error the server raises comes out as SQLAlchemy's would (``DataError``,
    ``IntegrityError``, …), and a lost connection is invalidated and flagged so (answered 503)."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    try:
        with driver.cursor() as cursor:
            yield cursor
    except psycopg.Error as exc:
        error: Any = exc  # the dialect's protocol for a DB-API error, which psycopg's is
        lost = connection.dialect.is_disconnect(error, driver, None)
        if lost:
            connection.invalidate(exc)
        raise DBAPIError.instance(sql, None, exc, psycopg.Error, connection_invalidated=lost) from exc


_INT_BOUNDS = {"int2": 1 << 15, "int4": 1 << 31, "int8": 1 << 63}


def _fits(rows: Sequence[Mapping[str, Any]], names: list[str], types: list[str]) -> bool:
    """Whether every integer and boolean value is one its binary form carries as it is: psycopg's
    binary dumpers wrap an integer too large for its column and take any value as a boolean, where
    the text format lets the server refuse it. Ids, texts and times of another kind fail in the
    dumper; they are never mistaken for something else."""
    for name, type_ in zip(names, types, strict=True):
        bound = _INT_BOUNDS.get(type_)
        if bound is not None and not all(
            v is None or (type(v) is int and -bound <= v < bound) for v in (row[name] for row in rows)
        ):
            return False
        if type_ == "bool" and not all(v is None or type(v) is bool for v in (row[name] for row in rows)):
            return False
    return True


# The PostgreSQL type whose binary form psycopg writes for a column of each SQLAlchemy type (a
# varchar's binary form is a text's), subclasses first. A column of any other type (an enum, a
# number, an array, …) makes the COPY a text one.
_BINARY: tuple[tuple[type[TypeEngine[Any]], str], ...] = (
    (JSONB, "jsonb"),
    (JSON, "json"),
    (BigInteger, "int8"),
    (SmallInteger, "int2"),
    (Integer, "int4"),
    (Boolean, "bool"),
)


def _binary(type_: TypeEngine[Any]) -> str:
    """The name ``Copy.set_types`` takes for a column of this type, or "" when it has none here."""
    type_ = _impl(type_)
    if isinstance(type_, Enum):
        return ""
    if isinstance(type_, String):  # Text too
        return "text"
    if isinstance(type_, Uuid):
        return "uuid" if type_.as_uuid and type_.native_uuid else ""  # a native uuid, given as Python UUIDs
    if isinstance(type_, DateTime):
        return "timestamptz" if type_.timezone else ""
    return next((name for cls, name in _BINARY if isinstance(type_, cls)), "")


def _impl(type_: TypeEngine[Any]) -> TypeEngine[Any]:
    """The type a column is stored as: a ``TypeDecorator``'s underlying one."""
    return type_.impl_instance if isinstance(type_, TypeDecorator) else type_
