"""Append-only rows of a write (history, outbox events, the audit of a personal-data read), held
until the commit and written there: on PostgreSQL in one statement.

Nothing in a request reads these rows back, so holding them to the commit changes no answer, and a
step's rows with the audit of the read that answers it go in as one statement instead of two (the
history and the events already shared one). Their transaction is the caller's: they commit with it
or not at all.

- **Written** by the commit of the outermost transaction (``before_commit``), after a flush of the
  unit of work, or earlier by ``write`` (a read of the history inside the same transaction).
- **Dropped** when the transaction they were appended in rolls back: a savepoint's rollback drops
  the rows appended inside it and keeps the rest.
"""

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import Insert, Table, bindparam, event, insert
from sqlalchemy.orm import Session, SessionTransaction

_PENDING = "governance.appends"  # key in ``Session.info``: [(table, row, savepoint or None), …]
FUSED_MAX = 8  # more rows than this (a bulk creation) go in as one executemany per table
_Held = tuple[Table, dict[str, Any], SessionTransaction | None]  # a row, and the savepoint it was appended in


def append(session: Session, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """Hold ``rows`` of ``table`` until the commit. Every row of one table has the same keys."""
    savepoint = session.get_nested_transaction()
    session.info.setdefault(_PENDING, []).extend((table, row, savepoint) for row in rows)


def write(session: Session) -> None:
    """Write whatever is held, now, in the session's transaction."""
    pending: list[_Held] | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    if session.get_bind().dialect.name == "postgresql" and len(pending) <= FUSED_MAX:
        shape = tuple((table, tuple(row)) for table, row, _ in pending)
        values = {f"r{i}_{k}": v for i, (_, row, _) in enumerate(pending) for k, v in row.items()}
        session.execute(_fused(shape), values)
        return
    by_table: dict[tuple[Table, tuple[str, ...]], list[dict[str, Any]]] = {}
    for table, row, _ in pending:
        by_table.setdefault((table, tuple(row)), []).append(row)
    for (table, _), rows in by_table.items():
        session.execute(insert(table), rows)


@lru_cache(maxsize=64)
def _fused(shape: tuple[tuple[Table, tuple[str, ...]], ...]) -> Insert:
    """One statement inserting a row per entry of ``shape`` (its table and keys), named binds
    ``r<i>_<column>``: every row but the last is a data-modifying ``WITH``, which PostgreSQL runs to
    completion whether or not the outer insert reads it. Each is a single-row insert: SQLAlchemy
    caches no multi-row ``VALUES``, and compiling one per write cost more than the round trip saved.
    """

    def row(i: int, table: Table, keys: tuple[str, ...]) -> Insert:
        return insert(table).values({k: bindparam(f"r{i}_{k}", type_=table.c[k].type) for k in keys})

    *before, (last_table, last_keys) = shape
    ctes = [row(i, table, keys).cte(f"row_{i}") for i, (table, keys) in enumerate(before)]
    return row(len(before), last_table, last_keys).add_cte(*ctes)


@event.listens_for(Session, "before_commit")
def _write_at_commit(session: Session) -> None:
    # ``before_commit`` also fires for a savepoint's release; its rows then wait for the outer commit.
    if session.info.get(_PENDING) and session.get_nested_transaction() is None:
        session.flush()  # the rows may name what the unit of work still holds
        write(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_at_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # Only a savepoint's rollback is handled here: the outermost one ends in ``_forget_at_end``, and
    # the inner transaction of a flush that failed leaves it to the savepoint or transaction around it
    # (the caller may go on after a savepoint).
    pending = session.info.get(_PENDING)
    if pending and previous_transaction.nested:
        session.info[_PENDING] = [p for p in pending if not _within(p[2], previous_transaction)]


@event.listens_for(Session, "after_transaction_end")
def _forget_at_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost: committed (and written) or rolled back
        session.info.pop(_PENDING, None)


def _within(savepoint: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is ended:
            return True
        savepoint = savepoint.parent
    return False
