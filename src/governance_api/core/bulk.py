"""Many rows in one statement, for the writes that come in batches (a feed's work orders).

On PostgreSQL the rows go by ``COPY`` (psycopg formats them in C); rows that may conflict are
copied into a temporary table first and inserted from it with ``ON CONFLICT``. The usual multi-row
``VALUES`` (SQLAlchemy's insertmanyvalues) has one placeholder per value, and psycopg parses such a
statement afresh each time (it caches only short ones): at 500 rows that parsing cost more than
the insert itself, and arrays per column (``unnest``) spent as much in psycopg's Python array
dumper (measured: bench/RESULTS.md, 2026-12-01). On SQLite, a plain Core insert (insertmanyvalues)."""

import zlib
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from psycopg.types.json import Json
from sqlalchemy import JSON, Column, ColumnElement, MetaData, Row, Table, any_, bindparam, cast, insert, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import InstrumentedAttribute, Session


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    skip_conflicts_on: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> list[Row[Any]]:
    """Insert ``rows`` (each with the same columns) in their order. With ``skip_conflicts_on`` (the
    columns of a unique constraint) a row whose key is taken, or being taken by a concurrent
    transaction, is skipped (``ON CONFLICT … DO NOTHING``; PostgreSQL waits for that transaction
    first). ``returning``: those columns of the rows inserted."""
    if not rows:
        return []
    names = list(rows[0])
    if session.get_bind().dialect.name == "postgresql":
        if not skip_conflicts_on and not returning:
            _copy(session, table, names, rows)
            return []
        return _claim(session, table, names, rows, skip_conflicts_on, returning)
    sqlite = sqlite_insert(table)
    if skip_conflicts_on:
        sqlite = sqlite.on_conflict_do_nothing(index_elements=[table.c[n] for n in skip_conflicts_on])
    if returning:
        return list(session.execute(sqlite.returning(*(table.c[n] for n in returning)), list(rows)))
    session.execute(insert(table) if not skip_conflicts_on else sqlite, list(rows))
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


def _claim(
    session: Session,
    table: Table,
    names: list[str],
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
    returning: Sequence[str],
) -> list[Row[Any]]:
    """Rows that may conflict: ``COPY`` into a temporary table of their columns (one per connection
    and column set, emptied at commit), then one ``INSERT … SELECT … ORDER BY`` the key ``ON CONFLICT
    DO NOTHING``. In key order, so two transactions claiming overlapping keys take them in the same
    order and never wait for each other crosswise (no deadlock)."""
    # The columns given, nothing else (no constraints: the insert from it checks them), named by
    # the column set, so another caller's set of columns gets a table of its own.
    stage = f"stage_{table.name}_{zlib.crc32(','.join(names).encode()):08x}"
    columns = ", ".join(f'"{n}"' for n in names)
    driver = session.connection().connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{stage}" ON COMMIT DELETE ROWS '
            f'AS SELECT {columns} FROM "{table.name}" WITH NO DATA'
        )
    _copy(session, table, names, rows, into=stage)
    source = _STAGES.get((stage, tuple(names)))
    if source is None:
        source = Table(stage, MetaData(), *(Column(n, table.c[n].type) for n in names))
        _STAGES[(stage, tuple(names))] = source
    stmt = (
        pg_insert(table)
        .from_select(names, select(*(source.c[n] for n in names)).order_by(*(source.c[k] for k in keys)))
        .on_conflict_do_nothing(index_elements=[table.c[k] for k in keys])
    )
    if returning:
        return list(session.execute(stmt.returning(*(table.c[n] for n in returning))))
    session.execute(stmt)
    return []


def _copy(
    session: Session, table: Table, names: list[str], rows: Sequence[Mapping[str, Any]], into: str | None = None
) -> None:
    """``COPY`` the rows in, in the session's transaction. The values go to the driver as they are
    (the columns' Python-side conversions do not run): times must be aware, JSON is wrapped here."""
    json_columns = {n for n in names if isinstance(table.c[n].type, JSON)}
    driver = session.connection().connection.driver_connection
    assert driver is not None
    columns = ", ".join(f'"{n}"' for n in names)
    with driver.cursor() as cursor, cursor.copy(f'COPY "{into or table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Json(row[n]) if n in json_columns else row[n] for n in names])
