"""``core.bulk.insert_rows`` on its own: rows staged through a temporary table on PostgreSQL (shared
values, ids the server makes, conflicts skipped), reused within a transaction and after a rollback,
and a shared value too long for its column refused rather than cut; followers written for each
inserted row; a plain COPY (binary when every
column has a binary form) keeps every value as given."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, cast

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Enum,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Uuid,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.types import TypeEngine

from governance_api.core.bulk import Follower, _binary, _fits, insert_rows
from governance_api.db import Database
from governance_api.models.base import UTCDateTime
from governance_api.models.records import OutboxEvent, TransitionRecord

TABLE = cast(Table, TransitionRecord.__table__)
AT = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def shared(**over: Any) -> dict[str, Any]:
    values = {
        "aggregate_type": "widget",
        "seq": 1,
        "action": "create",
        "from_state": None,
        "to_state": "draft",
        "actor_id": None,
        "actor_name": "测试",
        "at": AT,
        "comment": None,
        "details": {"level_after": "community", "n": [1, 2]},
    }
    return values | over


def ids(n: int) -> list[dict[str, Any]]:
    return [{"aggregate_id": uuid.uuid4()} for _ in range(n)]


def rows(db: Database) -> list[TransitionRecord]:
    with db.session(write=False) as s:
        return list(s.scalars(select(TransitionRecord).order_by(TransitionRecord.action)))


def test_rows_take_the_shared_values_and_new_ids(db: Database) -> None:
    given = ids(3)
    with db.session(write=True) as s:
        insert_rows(s, TABLE, given, same=shared(), new_id="id")
        s.commit()
    got = rows(db)
    assert {r.aggregate_id for r in got} == {g["aggregate_id"] for g in given}
    assert len({r.id for r in got}) == 3 and all(isinstance(r.id, uuid.UUID) for r in got)
    for r in got:
        assert (r.aggregate_type, r.seq, r.to_state, r.from_state, r.actor_id) == ("widget", 1, "draft", None, None)
        assert r.details == {"level_after": "community", "n": [1, 2]} and r.at == AT


def test_two_inserts_in_one_transaction_and_one_after_a_rollback(db: Database) -> None:
    """The temporary table is emptied as it is read: the second insert of a transaction writes its
    own rows only; a rolled-back insert leaves nothing behind for the next transaction's."""
    with db.session(write=True) as s:
        insert_rows(s, TABLE, ids(2), same=shared(action="first"), new_id="id")
        insert_rows(s, TABLE, ids(3), same=shared(action="second"), new_id="id")
        s.commit()
        insert_rows(s, TABLE, ids(4), same=shared(action="rolled back"), new_id="id")
        s.rollback()
        insert_rows(s, TABLE, ids(1), same=shared(action="third"), new_id="id")
        s.commit()
    actions = [r.action for r in rows(db)]
    assert sorted(actions) == ["first"] * 2 + ["second"] * 3 + ["third"]


def test_conflicting_rows_are_skipped_and_the_others_returned(db: Database) -> None:
    taken = uuid.uuid4()
    with db.session(write=True) as s:
        insert_rows(s, TABLE, [{"aggregate_id": taken}], same=shared(), new_id="id")
        s.commit()
        fresh = uuid.uuid4()
        got = insert_rows(
            s,
            TABLE,
            [{"aggregate_id": fresh}, {"aggregate_id": taken}],
            same=shared(),
            new_id="id",
            skip_conflicts_on=("aggregate_type", "aggregate_id", "seq"),
            returning=("aggregate_id",),
        )
        s.commit()
    assert [r.aggregate_id for r in got] == [fresh]
    with db.session(write=False) as s:
        assert s.scalar(select(func.count()).select_from(TransitionRecord)) == 2


def test_a_shared_value_too_long_for_its_column_is_refused_not_cut(db: Database, dialect: str) -> None:
    if dialect != "postgresql":
        pytest.skip("SQLite keeps a text of any length whatever the column's declared length")
    with db.session(write=True) as s, pytest.raises(DataError):
        insert_rows(s, TABLE, ids(2), same=shared(actor_name="长" * 101), new_id="id")
    assert rows(db) == []


def test_every_value_of_a_row_arrives_as_given(db: Database) -> None:
    """A plain COPY (binary on PostgreSQL: ids, texts, a time, JSON, an integer, NULLs) keeps each
    value exactly, the characters text-format COPY would escape included."""
    row = {
        "id": uuid.uuid4(),
        "aggregate_type": "widget",
        "aggregate_id": uuid.uuid4(),
        "seq": 2_000_000_000,
        "action": "create",
        "from_state": None,
        "to_state": "draft",
        "actor_id": None,
        "actor_name": "测试 \\N",
        "at": dt.datetime(2026, 11, 30, 8, 0, 0, 123456, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        "comment": "tab\there\nnew line\\back\rslash",
        "details": {"说明": "中文", "n": [1, 2.5, None, True], "nested": {"quote": '"'}},
    }
    with db.session(write=True) as s:
        insert_rows(s, TABLE, [row])
        s.commit()
    (got,) = rows(db)
    assert {k: getattr(got, k) for k in row} == row


def test_a_row_value_too_long_for_its_column_is_refused(db: Database, dialect: str) -> None:
    if dialect != "postgresql":
        pytest.skip("SQLite keeps a text of any length whatever the column's declared length")
    with db.session(write=True) as s, pytest.raises(DataError):
        insert_rows(s, TABLE, [shared(id=uuid.uuid4(), aggregate_id=uuid.uuid4(), action="长" * 41)])
    assert rows(db) == []


def test_a_column_without_a_binary_form_here_goes_as_text(db: Database) -> None:
    """A numeric column makes the whole COPY a text one; its values still arrive."""
    probe = Table(
        "bulk_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("amount", Numeric(10, 2)),
        Column("at", DateTime(timezone=True)),
    )
    with db.session(write=True) as s:
        probe.create(s.connection())
        insert_rows(s, probe, [{"id": 1, "amount": Decimal("12.50"), "at": AT}, {"id": 2, "amount": None, "at": AT}])
        s.commit()
        got = s.execute(select(probe.c.id, probe.c.amount).order_by(probe.c.id)).all()
    assert [tuple(r) for r in got] == [(1, Decimal("12.50")), (2, None)]


@pytest.mark.parametrize(
    ("type_", "name"),
    [
        (Uuid(), "uuid"),
        (Uuid(as_uuid=False), ""),
        (Uuid(native_uuid=False), ""),  # CHAR(32) on PostgreSQL: not the uuid binary form
        (String(32), "text"),
        (Text(), "text"),
        (Enum("a", "b", name="ab"), ""),
        (UTCDateTime(), "timestamptz"),
        (DateTime(timezone=True), "timestamptz"),
        (DateTime(), ""),
        (JSON(), "json"),
        (JSONB(), "jsonb"),
        (Integer(), "int4"),
        (BigInteger(), "int8"),
        (SmallInteger(), "int2"),
        (Boolean(), "bool"),
        (Numeric(10, 2), ""),
    ],
)
def test_the_binary_type_of_each_column_type(type_: TypeEngine[Any], name: str) -> None:
    assert _binary(type_) == name


def _event(kind: str) -> Follower:
    values = {
        "aggregate_type": "widget",
        "kind": kind,
        "payload": {"to": "draft"},
        "created_at": AT,
        "published_at": None,
    }
    return Follower(cast(Table, OutboxEvent.__table__), ("aggregate_id", "id"), values, new_id="id")


def _events(db: Database) -> list[OutboxEvent]:
    with db.session(write=False) as s:
        return list(s.scalars(select(OutboxEvent)))


def test_each_inserted_row_brings_its_followers(db: Database) -> None:
    """Every inserted row (its new id) brings one row per follower, with the follower's shared values
    and an id of its own; a row skipped as a conflict brings none."""
    taken = uuid.uuid4()
    with db.session(write=True) as s:
        insert_rows(s, TABLE, [{"aggregate_id": taken}], same=shared(), new_id="id")
        got = insert_rows(
            s,
            TABLE,
            [*ids(2), {"aggregate_id": taken}],
            same=shared(),
            new_id="id",
            skip_conflicts_on=("aggregate_type", "aggregate_id", "seq"),
            returning=("aggregate_id",),
            followers=(_event("widget.create"), _event("widget.noticed")),
        )
        s.commit()
    assert len(got) == 2 and taken not in {r.aggregate_id for r in got}
    history = {r.aggregate_id: r.id for r in rows(db)}
    events = _events(db)
    assert len(events) == 4 and len({e.id for e in events}) == 4
    new_rows = {history[r.aggregate_id] for r in got}
    for kind in ("widget.create", "widget.noticed"):
        mine = [e for e in events if e.kind == kind]
        assert {e.aggregate_id for e in mine} == new_rows  # the inserted rows' ids, not the skipped one's
        assert all(e.payload == {"to": "draft"} and e.created_at == AT and e.published_at is None for e in mine)


def test_followers_of_two_inserts_in_one_transaction_take_their_own_values(db: Database) -> None:
    with db.session(write=True) as s:
        insert_rows(s, TABLE, ids(2), same=shared(action="first"), new_id="id", followers=(_event("first"),))
        insert_rows(s, TABLE, ids(3), same=shared(action="second"), new_id="id", followers=(_event("second"),))
        s.commit()
    by_id = {r.id: r.action for r in rows(db)}
    events = _events(db)
    assert sorted(e.kind for e in events) == ["first"] * 2 + ["second"] * 3
    assert all(by_id[e.aggregate_id] == e.kind for e in events)


def test_an_integer_too_large_for_its_column_is_refused_not_wrapped(db: Database, dialect: str) -> None:
    """psycopg's binary form of an int4 would wrap 3 000 000 000 to a negative number: such a batch
    goes as text, and the server refuses it."""
    if dialect != "postgresql":
        pytest.skip("SQLite keeps an integer of any size")
    row = shared(id=uuid.uuid4(), aggregate_id=uuid.uuid4(), seq=3_000_000_000)
    with db.session(write=True) as s, pytest.raises(DataError):
        insert_rows(s, TABLE, [row])
    assert rows(db) == []


def test_integers_and_booleans_that_do_not_fit_their_binary_form_go_as_text(db: Database, dialect: str) -> None:
    if dialect != "postgresql":
        pytest.skip("the binary COPY is PostgreSQL's")
    probe = Table(
        "bulk_flags",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("flag", Boolean),
        Column("n", SmallInteger),
    )
    with db.session(write=True) as s:
        probe.create(s.connection())
        insert_rows(s, probe, [{"id": 1, "flag": "false", "n": 7}, {"id": 2, "flag": True, "n": None}])
        s.commit()
        assert s.execute(select(probe.c.flag).order_by(probe.c.id)).scalars().all() == [False, True]
        with pytest.raises(DataError):  # 40 000 is no int2: refused, not wrapped to -25 536
            insert_rows(s, probe, [{"id": 3, "flag": None, "n": 40_000}])


@pytest.mark.parametrize(
    ("values", "type_", "fits"),
    [
        ([1, None, -(1 << 31)], "int4", True),
        ([1 << 31], "int4", False),
        ([-(1 << 15) - 1], "int2", False),
        ([True], "int4", False),  # a boolean is no integer here
        ([1 << 63], "int8", False),
        ([True, False, None], "bool", True),
        (["false"], "bool", False),
        ([0], "bool", False),
        (["anything"], "text", True),
    ],
)
def test_what_fits_a_binary_form(values: list[Any], type_: str, fits: bool) -> None:
    assert _fits([{"c": v} for v in values], ["c"], [type_]) is fits


def test_a_connection_lost_in_a_copy_is_flagged_invalidated(db: Database, dialect: str) -> None:
    """The server ends the session's connection; the COPY's error says the connection was lost (a
    503, not a 500) and the pool does not hand that connection out again."""
    if dialect != "postgresql":
        pytest.skip("a COPY is PostgreSQL's")
    with db.session(write=True) as s:
        pid = s.scalar(text("SELECT pg_backend_pid()"))
        with db.engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as lost:
            insert_rows(s, TABLE, [shared(id=uuid.uuid4(), aggregate_id=uuid.uuid4())])
        assert lost.value.connection_invalidated
        s.rollback()
    with db.session(write=False) as s:  # a new connection
        assert s.scalar(text("SELECT 1")) == 1
