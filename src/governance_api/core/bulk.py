"""Many rows in one statement, for the writes that come in batches (a feed's work orders).

On PostgreSQL the rows go by ``COPY`` (psycopg formats them in C); rows that may conflict, or
that take values given once for all of them or ids made by the server, are copied into a temporary
table first and inserted from it (``ON CONFLICT`` for the former). The usual multi-row
``VALUES`` (SQLAlchemy's insertmanyvalues) has one placeholder per value, and psycopg parses such a
statement afresh each time (it caches only short ones): at 500 rows that parsing cost more than
the insert itself, and arrays per column (``unnest``) spent as much in psycopg's Python array
dumper (measured: bench/RESULTS.md, 2026-12-01). On SQLite, a plain Core insert (insertmanyvalues)."""

import uuid
import zlib
from collections.abc import Collection, Mapping, Sequence
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
from sqlalchemy.sql.expression import Executable
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


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    same: Mapping[str, Any] | None = None,
    new_id: str | None = None,
    skip_conflicts_on: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[Row[Any]]:
    """Insert ``rows`` (each with the same columns) in their order. ``same``: columns whose value is
    one for every row, sent once rather than on each row. ``new_id``: a column given a new random
    UUID per row (on PostgreSQL ``gen_random_uuid()``, built in since PostgreSQL 13, so none is made in
    Python or crosses the wire).
    With ``skip_conflicts_on`` (the columns of a unique constraint) a row whose key is taken, or being
    taken by a concurrent transaction, is skipped (``ON CONFLICT … DO NOTHING``; PostgreSQL waits for
    that transaction first). ``returning``: those columns of the rows inserted."""
    if not rows:
        return []
    same = dict(same or {})
    if session.get_bind().dialect.name == "postgresql":
        if not (same or new_id or skip_conflicts_on or returning):
            _copy(session, table, list(rows[0]), rows)
            return []
        return _staged(session, table, rows, same, new_id, skip_conflicts_on, returning)
    full = [{**same, **({new_id: uuid.uuid4()} if new_id else {}), **row} for row in rows]
    sqlite = sqlite_insert(table)
    if skip_conflicts_on:
        sqlite = sqlite.on_conflict_do_nothing(index_elements=[table.c[n] for n in skip_conflicts_on])
    if returning:
        return list(session.execute(sqlite.returning(*(table.c[n] for n in returning)), full))
    session.execute(insert(table) if not skip_conflicts_on else sqlite, full)
    return []


def among(
    session: Session, column: ColumnElement[Any] | InstrumentedAttribute[Any], values: Collection[Any]
) -> ColumnElement[bool]:
    """``column IN values`` for a batch's worth of values: on PostgreSQL one array parameter
    (``= ANY(…)``) rather than one placeholder per value, which psycopg would parse on every call."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(cast(bindparam(None, list(values), type_=ARRAY(column.type)), ARRAY(column.type)))
    return column.in_(list(values))


_STAGES: dict[tuple[str, tuple[str, ...]], Table] = {}  # the temporary tables' Core descriptions


def _staged(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    same: Mapping[str, Any],
    new_id: str | None,
    keys: Sequence[str],
    returning: Sequence[str],
) -> list[Row[Any]]:
    """``COPY`` the rows into a temporary table of their columns (one per connection and column
    set), then one statement empties it into ``table`` — ``WITH staged AS (DELETE … RETURNING)
    INSERT … SELECT`` — adding the ``same`` values and new ids, ``ORDER BY`` the key ``ON CONFLICT
    DO NOTHING``. In key order, so two transactions claiming overlapping keys take them in the same
    order and never wait for each other crosswise (no deadlock). Emptied as it is read, so a second
    call in the same transaction finds it empty."""
    names = list(rows[0])
    stage = _stage(session, table, names)
    _copy(session, table, names, rows, into=stage.name)
    key = (stage.name, table.name, tuple(names), tuple(same), new_id, tuple(keys), tuple(returning))
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = _from_stage(stage, table, names, list(same), new_id, keys, returning)
    result = session.connection().execute(stmt, {f"same_{n}": v for n, v in same.items()})
    return list(result) if returning else []


# The insert from each stage, built once (building it and computing its cache key per call showed in
# the profile of a batch); the shared values are bound by name, ``same_<column>``.
_STATEMENTS: dict[tuple[Any, ...], Executable] = {}


def _from_stage(
    stage: Table,
    table: Table,
    names: list[str],
    same: list[str],
    new_id: str | None,
    keys: Sequence[str],
    returning: Sequence[str],
) -> Executable:
    staged = delete(stage).returning(*stage.c).cte("staged")
    columns = [*([new_id] if new_id else []), *same, *names]
    values: list[ColumnElement[Any]] = [
        *([func.gen_random_uuid()] if new_id else []),
        *(cast(bindparam(f"same_{n}", type_=table.c[n].type), _unbounded(table.c[n].type)) for n in same),
        *(staged.c[n] for n in names),
    ]
    order = [staged.c[k] for k in keys if k in staged.c]  # a key column in ``same`` orders nothing
    source = select(*values).select_from(staged).order_by(*order)
    stmt = pg_insert(table).from_select(columns, source).add_cte(staged)
    if keys:
        stmt = stmt.on_conflict_do_nothing(index_elements=[table.c[k] for k in keys])
    return stmt.returning(*(table.c[n] for n in returning)) if returning else stmt


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
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{name}" ON COMMIT DELETE ROWS '
            f'AS SELECT {columns} FROM "{table.name}" WITH NO DATA'
        )
    stage = _STAGES.get((name, tuple(names)))
    if stage is None:
        stage = Table(name, MetaData(), *(Column(n, table.c[n].type) for n in names))
        _STAGES[(name, tuple(names))] = stage
    return stage


def _copy(
    session: Session, table: Table, names: list[str], rows: Sequence[Mapping[str, Any]], into: str | None = None
) -> None:
    """``COPY`` the rows in, in the session's transaction: in PostgreSQL's binary format when every
    column's type has a binary form here (``_BINARY``), which costs psycopg about half the CPU of the
    text format and spares the server parsing ids and times from text. The values go to the driver
    as they are (the columns' Python-side conversions do not run): times must be aware, JSON is
    wrapped here. An error of the driver is raised as SQLAlchemy's (``DataError``, ``IntegrityError``,
    …), as for any other statement."""
    json_columns = {n for n in names if isinstance(table.c[n].type, JSON)}
    types = [_binary(table.c[n].type) for n in names]
    binary = all(types)
    driver = session.connection().connection.driver_connection
    assert driver is not None
    columns = ", ".join(f'"{n}"' for n in names)
    sql = f'COPY "{into or table.name}" ({columns}) FROM STDIN' + (" (FORMAT BINARY)" if binary else "")
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            if binary:
                copy.set_types(types)
            for row in rows:
                copy.write_row([Json(row[n]) if n in json_columns else row[n] for n in names])
    except psycopg.Error as exc:  # the driver's own: raised as SQLAlchemy raises the others
        raise DBAPIError.instance(sql, None, exc, psycopg.Error) from exc


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
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, Enum):
        return ""
    if isinstance(type_, String):  # Text too
        return "text"
    if isinstance(type_, Uuid):
        return "uuid" if type_.as_uuid else ""  # ids as Python UUIDs, not strings
    if isinstance(type_, DateTime):
        return "timestamptz" if type_.timezone else ""
    return next((name for cls, name in _BINARY if isinstance(type_, cls)), "")
