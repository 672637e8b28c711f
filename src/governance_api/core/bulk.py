"""Many rows in one statement, for the writes that come in batches (a feed's work orders).

On PostgreSQL, plain rows go by ``COPY`` (psycopg formats them in C), and rows that may conflict
as one array per column, ``INSERT … SELECT … FROM unnest(…) ON CONFLICT …``: a statement of a few
dozen parameters whatever the number of rows. The usual multi-row ``VALUES`` (SQLAlchemy's
insertmanyvalues) has one placeholder per value, and psycopg parses such a statement afresh each
time (it caches only short ones): at 500 rows that parsing cost more than the insert itself
(measured: bench/RESULTS.md, 2026-12-01). On SQLite, a plain Core insert (insertmanyvalues)."""

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from psycopg.types.json import Json
from sqlalchemy import JSON, ColumnElement, Row, Table, any_, bindparam, cast, func, insert, select
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
        arrays = [
            cast(bindparam(f"a_{n}", [r[n] for r in rows], type_=ARRAY(table.c[n].type)), ARRAY(table.c[n].type))
            for n in names
        ]
        source = func.unnest(*arrays).table_valued(*names).render_derived()
        stmt = pg_insert(table).from_select(names, select(*(source.c[n] for n in names)))
        if skip_conflicts_on:
            stmt = stmt.on_conflict_do_nothing(index_elements=[table.c[n] for n in skip_conflicts_on])
        if returning:
            return list(session.execute(stmt.returning(*(table.c[n] for n in returning))))
        session.execute(stmt)
        return []
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


def _copy(session: Session, table: Table, names: list[str], rows: Sequence[Mapping[str, Any]]) -> None:
    """``COPY`` the rows in, in the session's transaction. The values go to the driver as they are
    (the columns' Python-side conversions do not run): times must be aware, JSON is wrapped here."""
    json_columns = {n for n in names if isinstance(table.c[n].type, JSON)}
    driver = session.connection().connection.driver_connection
    assert driver is not None
    columns = ", ".join(f'"{n}"' for n in names)
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Json(row[n]) if n in json_columns else row[n] for n in names])
