"""Concurrent actions on one aggregate serialize: exactly one wins, the others are refused, and
history records only what happened. Real threads, each with its own write session."""

import threading
import uuid
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from foundation.widget import WIDGET, Widget, actor, create_widget, snapshot
from governance_api.core import errors
from governance_api.core.actor import Actor
from governance_api.core.transitions import take_action
from governance_api.db import Database
from governance_api.models.records import TransitionRecord
from world import World

pytestmark = pytest.mark.usefixtures("widget_table")
N = 8


def _race(db: Database, wid: uuid.UUID, moves: list[tuple[Actor, str]], lock: bool) -> list[str]:
    barrier = threading.Barrier(len(moves))
    outcomes: list[str] = []
    guard = threading.Lock()

    def run(who: Actor, code: str) -> None:
        with db.session(write=True) as s:
            barrier.wait()
            try:
                stmt = select(Widget).where(Widget.id == wid)
                w = s.scalars(stmt.with_for_update(of=Widget) if lock else stmt).one()
                take_action(s, WIDGET, w, who, code, {"note": code} if code == "submit" else {})
                s.commit()
                outcome = f"ok:{code}"
            except errors.TransitionNotAllowed:
                outcome = "transition_not_allowed"
            except StaleDataError:
                outcome = "stale"  # answered 412 version_conflict over HTTP
            except Exception as exc:  # reported, so the assertion shows what went wrong
                outcome = f"error:{type(exc).__name__}:{exc}"
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=move) for move in moves]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == len(moves), "a worker died"
    return outcomes


def _history(db: Database, wid: uuid.UUID) -> list[tuple[int, str]]:
    with db.session(write=False) as s:
        rows = s.scalars(
            select(TransitionRecord).where(TransitionRecord.aggregate_id == wid).order_by(TransitionRecord.seq)
        )
        return [(r.seq, r.action) for r in rows]


def test_same_action_at_once_with_the_row_lock(db: Database, world: World) -> None:
    staff = actor(db, world.users["staff1"])
    wid = create_widget(db, staff, world.units["C1"], world.paths["C1"])
    got = Counter(_race(db, wid, [(staff, "submit")] * N, lock=True))
    assert got == Counter({"ok:submit": 1, "transition_not_allowed": N - 1})
    assert snapshot(db, wid) == ("submitted", 2, "submit", 2, 3)
    assert _history(db, wid) == [(1, "create"), (2, "submit")]


def test_same_action_at_once_without_the_row_lock(db: Database, world: World) -> None:
    """A path that forgot the lock still cannot apply the action twice: the version's
    compare-and-set refuses the late writers (SQLite serializes them at BEGIN already)."""
    staff = actor(db, world.users["staff1"])
    wid = create_widget(db, staff, world.units["C1"], world.paths["C1"])
    got = Counter(_race(db, wid, [(staff, "submit")] * N, lock=False))
    assert got["ok:submit"] == 1
    assert got["ok:submit"] + got["transition_not_allowed"] + got["stale"] == N
    assert snapshot(db, wid)[:2] == ("submitted", 2)
    assert _history(db, wid) == [(1, "create"), (2, "submit")]


def test_competing_actions_at_once(db: Database, world: World) -> None:
    """Half submit, half withdraw, from draft: whichever commits first wins, the rest are refused."""
    staff = actor(db, world.users["staff1"])
    wid = create_widget(db, staff, world.units["C1"], world.paths["C1"])
    moves = [(staff, "submit"), (staff, "withdraw")] * (N // 2)
    outcomes = _race(db, wid, moves, lock=True)
    wins = sorted(o for o in outcomes if o.startswith("ok:"))
    assert len(wins) == 1 or wins == ["ok:submit", "ok:withdraw"]
    state, version, _, history, _ = snapshot(db, wid)
    # submit then withdraw is a legal sequence (submitted → withdrawn); anything else happened once.
    if len(wins) == 1:
        assert state == ("submitted" if wins[0] == "ok:submit" else "withdrawn") and version == 2
    else:
        assert state == "withdrawn" and version == 3
        assert _history(db, wid) == [(1, "create"), (2, "submit"), (3, "withdraw")]
    assert history == version
    assert Counter(outcomes)["transition_not_allowed"] == N - len(wins)
