"""The append-only rows of a write (core.appends): held to the commit and written there (on
PostgreSQL in one statement), dropped with the transaction or savepoint they were appended in, and
visible to a read of the history inside the same transaction."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import pytest
from sqlalchemy import Table, event, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foundation.conftest import shared_fixtures
from foundation.widget import WIDGET, Widget, WidgetPart, actor, create_widget, snapshot
from governance_api.core import appends
from governance_api.core.history import history_of
from governance_api.core.transitions import take_action
from governance_api.db import Database
from governance_api.models.records import OutboxEvent, PersonalDataAccess, TransitionRecord
from world import World

db, world = shared_fixtures("shared_widgets", "db", "world")

_HISTORY = cast(Table, TransitionRecord.__table__)
_OUTBOX = cast(Table, OutboxEvent.__table__)
_ACCESS = cast(Table, PersonalDataAccess.__table__)


def _widgets(db: Database, world: World, n: int) -> list[uuid.UUID]:
    staff = actor(db, world.users["staff1"])
    return [create_widget(db, staff, world.units["C1"], world.paths["C1"], f"件{i}") for i in range(n)]


def _submit(db: Database, world: World, s: Session, wid: uuid.UUID) -> None:
    w = s.scalars(select(Widget).where(Widget.id == wid).with_for_update(of=Widget)).one()
    take_action(s, WIDGET, w, actor(db, world.users["staff1"]), "submit", {"note": "请审核"})


def _history_rows(s: Session, wid: uuid.UUID) -> int:
    stmt = select(func.count()).select_from(TransitionRecord).where(TransitionRecord.aggregate_id == wid)
    return int(s.scalar(stmt) or 0)


@contextmanager
def _inserts(db: Database) -> Iterator[list[str]]:
    """The INSERT statements the engine's connections send meanwhile."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "INSERT" in statement:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def test_a_step_s_rows_are_written_at_the_commit(db: Database, world: World) -> None:
    (wid,) = _widgets(db, world, 1)
    with db.session(write=True) as s:
        _submit(db, world, s, wid)
        assert _history_rows(s, wid) == 1  # the create only: the step's row waits for the commit
        s.commit()
    assert snapshot(db, wid) == ("submitted", 2, "请审核", 2, 3)


def test_a_read_of_the_history_in_the_same_transaction_sees_the_step(db: Database, world: World) -> None:
    (wid,) = _widgets(db, world, 1)
    with db.session(write=True) as s:
        _submit(db, world, s, wid)
        assert [r.action for r in history_of(s, WIDGET.name, wid)] == ["create", "submit"]
        s.commit()
    assert snapshot(db, wid)[3:] == (2, 3)  # written once, not again at the commit


def test_a_rolled_back_step_leaves_nothing_and_the_session_carries_nothing_over(db: Database, world: World) -> None:
    first, second = _widgets(db, world, 2)
    with db.session(write=True) as s:
        _submit(db, world, s, first)
        s.rollback()
        _submit(db, world, s, second)  # the next transaction of the same session
        s.commit()
    assert snapshot(db, first) == ("draft", 1, None, 1, 1)
    assert snapshot(db, second)[:2] == ("submitted", 2) and snapshot(db, second)[3:] == (2, 3)


def test_a_savepoint_s_rollback_drops_its_own_rows_only(db: Database, world: World) -> None:
    before, dropped, released, after = _widgets(db, world, 4)
    with db.session(write=True) as s:
        _submit(db, world, s, before)
        savepoint = s.begin_nested()
        _submit(db, world, s, dropped)
        savepoint.rollback()
        with s.begin_nested():
            _submit(db, world, s, released)
        _submit(db, world, s, after)
        s.commit()
    assert snapshot(db, dropped) == ("draft", 1, None, 1, 1)
    for kept in (before, released, after):
        assert snapshot(db, kept) == ("submitted", 2, "请审核", 2, 3)


def test_a_commit_with_a_savepoint_still_open_writes_the_rows_of_both(db: Database, world: World) -> None:
    outside, inside = _widgets(db, world, 2)
    with db.session(write=True) as s:
        _submit(db, world, s, outside)
        s.begin_nested()
        _submit(db, world, s, inside)
        s.commit()  # commits the savepoint and the transaction around it
    assert snapshot(db, outside)[3:] == (2, 3) and snapshot(db, inside)[3:] == (2, 3)


def test_a_failed_flush_inside_a_savepoint_keeps_the_steps_outside_it(db: Database, world: World) -> None:
    """A flush that fails rolls back its own inner transaction first; that must not drop the rows of
    steps taken outside the savepoint, which the caller goes on to commit."""
    (wid,) = _widgets(db, world, 1)
    with db.session(write=True) as s:
        _submit(db, world, s, wid)
        with pytest.raises(IntegrityError), s.begin_nested():
            s.add(WidgetPart(widget_id=wid, name=None))  # NOT NULL
            s.flush()
        s.commit()
    assert snapshot(db, wid) == ("submitted", 2, "请审核", 2, 3)


def test_more_rows_than_one_statement_holds_are_all_written(db: Database, world: World) -> None:
    wids = _widgets(db, world, appends.FUSED_MAX)  # 2 rows each (history and event) plus the note event
    with db.session(write=True) as s:
        for wid in wids:
            _submit(db, world, s, wid)
        s.commit()
    assert {snapshot(db, wid)[3:] for wid in wids} == {(2, 3)}


def test_a_step_s_rows_go_in_as_one_statement_on_postgresql(db: Database, world: World) -> None:
    (wid,) = _widgets(db, world, 1)
    with _inserts(db) as seen, db.session(write=True) as s:
        _submit(db, world, s, wid)
        s.commit()
    expected = 1 if db.engine.dialect.name == "postgresql" else 2  # SQLite: one per table
    assert len(seen) == expected, seen
    assert snapshot(db, wid)[3:] == (2, 3)


@pytest.mark.parametrize("events", [1, 2, 3])
def test_the_fused_statement_is_compiled_once_and_inserts_every_row(events: int) -> None:
    """SQLAlchemy must be able to cache the statement's compiled form (a multi-row VALUES it cannot,
    and compiling per write cost more than the round trip saved), and it must insert every row."""

    def keys(table: Table) -> tuple[str, ...]:
        return tuple(c.key for c in table.columns)

    shape = ((_HISTORY, keys(_HISTORY)), *[(_OUTBOX, keys(_OUTBOX))] * events, (_ACCESS, keys(_ACCESS)))
    stmt = appends._fused(shape)
    assert stmt._generate_cache_key() is not None and appends._fused(shape) is stmt
    sql = str(stmt.compile(dialect=postgresql.dialect()))
    assert sql.count("INSERT INTO outbox_events") == events and sql.count("INSERT INTO transition_history") == 1
    assert sql.count("INSERT INTO personal_data_access") == 1
