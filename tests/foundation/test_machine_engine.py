"""The state-machine engine (core.machine, core.transitions) on a test-only aggregate: the order of
checks, the effect, the version bump, one history row and the events per transition, nothing written
on refusal, allowed_actions, describe(), and the definition's own validation."""

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from foundation.conftest import shared_fixtures
from foundation.widget import (
    STATES,
    WIDGET,
    Widget,
    WidgetApproveBody,
    actor,
    as_a_service,
    create_widget,
    snapshot,
)
from governance_api.core import errors
from governance_api.core.actor import Actor
from governance_api.core.machine import Action, AnyRole, StateMachine
from governance_api.core.transitions import take_action, touch
from governance_api.db import Database
from governance_api.models.records import OutboxEvent, TransitionRecord
from governance_api.roles import Role
from world import World

# Every test here makes its own widgets, so the module shares one database (see foundation.conftest).
db, world = shared_fixtures("shared_widgets", "db", "world")


def _new(db: Database, world: World, state: str = "draft", title: str = "路灯") -> uuid.UUID:
    wid = create_widget(db, actor(db, world.users["staff1"]), world.units["C1"], world.paths["C1"], title)
    if state != "draft":
        with db.transaction() as s:
            s.execute(update(Widget).where(Widget.id == wid).values(state=state))
    return wid


def _act(db: Database, wid: uuid.UUID, who: Actor, code: str, body: Any = None, if_match: int | None = None) -> None:
    """Take an action the way a service does (``as_a_service``)."""
    as_a_service(db, wid, lambda s, w: take_action(s, WIDGET, w, who, code, body, if_match))


def test_creation_records_history(db: Database, world: World) -> None:
    wid = _new(db, world)
    assert snapshot(db, wid) == ("draft", 1, None, 1, 1)
    with db.session(write=False) as s:
        rec = s.scalars(select(TransitionRecord).where(TransitionRecord.aggregate_id == wid)).one()
        assert (rec.action, rec.from_state, rec.to_state, rec.seq) == ("create", None, "draft", 1)
        assert rec.actor_id == world.users["staff1"] and rec.aggregate_type == "widget"


def test_successful_action_applies_effect_bumps_version_and_records(db: Database, world: World) -> None:
    wid = _new(db, world)
    staff = actor(db, world.users["staff1"])
    _act(db, wid, staff, "submit", {"note": "请审核"}, if_match=1)
    assert snapshot(db, wid) == ("submitted", 2, "请审核", 2, 3)
    with db.session(write=False) as s:
        of_widget = select(TransitionRecord).where(TransitionRecord.aggregate_id == wid, TransitionRecord.seq == 2)
        rec = s.scalars(of_widget).one()
        assert (rec.action, rec.from_state, rec.to_state, rec.seq) == ("submit", "draft", "submitted", 2)
        assert (rec.actor_id, rec.actor_name, rec.comment) == (staff.user_id, "staff1", "请审核")
        assert rec.details == {"title_before": "路灯", "title_after": "路灯"}
        events = s.scalars(select(OutboxEvent).where(OutboxEvent.aggregate_id == wid)).all()
        kinds = sorted((e.kind, tuple(sorted(e.payload.items()))) for e in events)
        assert kinds == [
            ("widget.create", (("from", None), ("title", "路灯"), ("to", "draft"))),  # with the facets after
            ("widget.noted", (("note", "请审核"),)),
            ("widget.submit", (("from", "draft"), ("title", "路灯"), ("to", "submitted"))),
        ]


def test_each_transition_adds_one_history_row_and_one_event(db: Database, world: World) -> None:
    wid = _new(db, world)
    staff, sec = actor(db, world.users["staff1"]), actor(db, world.users["sec1"])
    _act(db, wid, staff, "submit", {})  # + history, + transition event, + noted event
    _act(db, wid, sec, "revise", {})
    _act(db, wid, sec, "submit", None)
    _act(db, wid, sec, "approve", {"reason": "合规", "score": 5})
    state, version, _, history, events = snapshot(db, wid)
    assert (state, version, history) == ("approved", 5, 5)
    assert events == 1 + 4 + 2  # create, four transitions, two notes from submit's effect
    with db.session(write=False) as s:
        rows = s.scalars(
            select(TransitionRecord).where(TransitionRecord.aggregate_id == wid).order_by(TransitionRecord.seq)
        ).all()
        assert [(r.seq, r.action, r.from_state, r.to_state) for r in rows] == [
            (1, "create", None, "draft"),
            (2, "submit", "draft", "submitted"),
            (3, "revise", "submitted", "draft"),
            (4, "submit", "draft", "submitted"),
            (5, "approve", "submitted", "approved"),
        ]
        assert rows[-1].comment == "合规" and rows[2].comment is None


def test_order_of_checks(db: Database, world: World) -> None:
    """412 → 409 transition_not_allowed → 403 → 422 → 409 guard_failed, each answering first while
    it fails, and nothing written by any of them."""
    wid = _new(db, world, title=" ")
    resident, sec = actor(db, world.users["res1"]), actor(db, world.users["sec1"])
    everything_wrong = {"reason": None, "score": -1, "extra": True}
    with pytest.raises(errors.VersionConflict):
        _act(db, wid, resident, "approve", everything_wrong, if_match=7)
    with pytest.raises(errors.TransitionNotAllowed):
        _act(db, wid, resident, "approve", everything_wrong, if_match=1)
    with db.transaction() as s:
        s.execute(update(Widget).where(Widget.id == wid).values(state="submitted"))
    with pytest.raises(errors.Forbidden):
        _act(db, wid, resident, "approve", everything_wrong, if_match=1)
    with pytest.raises(errors.ValidationFailed) as invalid:
        _act(db, wid, sec, "approve", everything_wrong, if_match=1)
    assert {e.field for e in invalid.value.errors} == {"body.score", "body.extra"}
    with pytest.raises(errors.GuardFailed) as unmet:
        _act(db, wid, sec, "approve", {"score": 0}, if_match=1)
    assert unmet.value.unmet == ["reason", "score"]
    with pytest.raises(errors.GuardFailed) as unmet:
        _act(db, wid, sec, "approve", {"reason": "  ", "score": 3})
    assert unmet.value.unmet == ["reason"]
    assert snapshot(db, wid) == ("submitted", 1, None, 1, 1)
    _act(db, wid, sec, "approve", {"reason": "ok", "score": 3}, if_match=1)
    assert snapshot(db, wid)[:2] == ("approved", 2)


def test_guard_on_the_aggregate_blocks_and_the_effect_does_not_run(db: Database, world: World) -> None:
    wid = _new(db, world, title="")
    with pytest.raises(errors.GuardFailed) as unmet:
        _act(db, wid, actor(db, world.users["staff1"]), "submit", {"note": "x"})
    assert unmet.value.unmet == ["title"]
    assert snapshot(db, wid) == ("draft", 1, None, 1, 1)


@pytest.mark.parametrize("body", [[1], "text", 5, {"note": "n" * 51}, {"note": 5}, {"unknown": 1}])
def test_invalid_bodies_are_validation_errors(db: Database, world: World, body: Any) -> None:
    wid = _new(db, world)
    with pytest.raises(errors.ValidationFailed):
        _act(db, wid, actor(db, world.users["staff1"]), "submit", body)
    assert snapshot(db, wid) == ("draft", 1, None, 1, 1)


def test_unknown_action_is_not_found(db: Database, world: World) -> None:
    wid = _new(db, world)
    with pytest.raises(errors.NotFound):
        _act(db, wid, actor(db, world.users["staff1"]), "explode", {})


@pytest.mark.parametrize("state", ["approved", "withdrawn"])
def test_terminal_states_allow_nothing(db: Database, world: World, state: str) -> None:
    wid = _new(db, world, state=state)
    for action in WIDGET.actions:
        for who in ("staff1", "sec1", "admin"):
            with pytest.raises(errors.TransitionNotAllowed):
                _act(db, wid, actor(db, world.users[who]), action.code, {"reason": "r", "score": 9})
    assert snapshot(db, wid) == (state, 1, None, 1, 1)


def test_role_must_cover_the_aggregates_unit(db: Database, world: World) -> None:
    """A community secretary of C2 holds the role, but not over C1's widget."""
    wid = _new(db, world, state="submitted")
    with pytest.raises(errors.Forbidden):
        _act(db, wid, actor(db, world.users["sec2"]), "approve", {"reason": "r", "score": 3})
    world.add_user("street_sec", (Role.community_secretary, "S1"))
    _act(db, wid, actor(db, world.users["street_sec"]), "approve", {"reason": "r", "score": 3})
    assert snapshot(db, wid)[0] == "approved"


ALLOWED: dict[str, dict[str, list[str]]] = {
    "draft": {"staff1": ["submit", "withdraw"], "sec1": ["submit"], "sec2": [], "res1": [], "jo": [], "admin": []},
    "submitted": {"staff1": ["withdraw"], "sec1": ["approve", "revise"], "sec2": [], "res1": []},
    "approved": {"staff1": [], "sec1": []},
    "withdrawn": {"staff1": [], "sec1": []},
}


@pytest.mark.parametrize("state", list(ALLOWED))
def test_allowed_actions_per_actor(db: Database, world: World, state: str) -> None:
    wid = _new(db, world, state=state)
    with db.session(write=False) as s:
        w = s.get(Widget, wid)
        assert w is not None
        for who, expected in ALLOWED[state].items():
            assert WIDGET.allowed_actions(w, actor(db, world.users[who])) == expected, who


def test_allowed_actions_agree_with_take_action(db: Database, world: World) -> None:
    """Whatever allowed_actions offers passes the state and role checks; nothing else does."""
    for state in ("draft", "submitted"):
        for who in ("staff1", "sec1", "res1"):
            wid = _new(db, world, state=state)
            who_actor = actor(db, world.users[who])
            with db.session(write=False) as s:
                w = s.get(Widget, wid)
                assert w is not None
                offered = WIDGET.allowed_actions(w, who_actor)
            for action in WIDGET.actions:
                try:
                    _act(db, wid, who_actor, action.code, {"reason": "r", "score": 9})
                    passed = True
                    wid = _new(db, world, state=state)  # it moved: start again from the state
                except (errors.TransitionNotAllowed, errors.Forbidden):
                    passed = False
                except (errors.GuardFailed, errors.ValidationFailed):
                    passed = True
                assert passed is (action.code in offered), (state, who, action.code)


def test_touch_bumps_the_version_by_one(db: Database, world: World) -> None:
    wid = _new(db, world)
    with db.session(write=True) as s:
        w = s.get(Widget, wid)
        assert w is not None
        touch(s, w)
        s.commit()
    assert snapshot(db, wid)[1] == 2


def test_stale_write_is_refused_by_the_version(db: Database, world: World) -> None:
    """Two sessions read version 1; the second to write loses (compare-and-set), whatever the lock."""
    from sqlalchemy.orm.exc import StaleDataError

    wid = _new(db, world)
    with Session(db.engine, expire_on_commit=False) as first, Session(db.engine) as second:
        a, b = first.get(Widget, wid), second.get(Widget, wid)
        assert a is not None and b is not None
        for session, obj in ((first, a), (second, b)):
            session.expunge(obj)  # keep what was read (version 1) past the end of the read
            session.rollback()
            session.add(obj)
        a.note = "first"
        first.commit()
        b.note = "second"
        with pytest.raises(StaleDataError):
            second.commit()
    assert snapshot(db, wid)[1:3] == (2, "first")


def test_describe_shape() -> None:
    d = WIDGET.describe()
    assert d["name"] == "widget" and d["label"] == "测试件" and d["initial"] == "draft"
    assert d["create_roles"] == ["community_staff"]
    assert d["states"] == [
        {"code": "draft", "label": "草稿", "terminal": False},
        {"code": "submitted", "label": "已提交", "terminal": False},
        {"code": "approved", "label": "已批准", "terminal": True},
        {"code": "withdrawn", "label": "已撤回", "terminal": True},
    ]
    approve = next(a for a in d["actions"] if a["code"] == "approve")
    assert approve == {
        "code": "approve",
        "label": "批准",
        "from": ["submitted"],
        "to": "approved",
        "roles": ["community_secretary"],
        "guards": ["A reason is given", "The score is 3 or more"],
        "guard_codes": {"reason": "请填写理由", "score": "评分须不低于3"},
        "body_schema": "WidgetApproveBody",
    }
    assert [a["code"] for a in d["actions"]] == ["submit", "approve", "revise", "withdraw"]
    withdraw = next(a for a in d["actions"] if a["code"] == "withdraw")
    assert (
        withdraw["from"] == ["draft", "submitted"]
        and withdraw["guards"] == []
        and withdraw["body_schema"] == "EmptyBody"
    )
    assert WIDGET.label_of("approved") == "已批准"
    assert WIDGET.action("approve") is not None and WIDGET.action("approve").body is WidgetApproveBody  # type: ignore[union-attr]


def _machine(actions: tuple[Action[Widget], ...], initial: str = "draft") -> StateMachine[Widget]:
    return StateMachine(name="bad", label="坏", states=STATES, initial=initial, create_roles=(), actions=actions)


ANYONE: AnyRole[Widget] = AnyRole((Role.admin,))


@dataclass  # eq without frozen: no __hash__
class _Unhashable:
    def allows(self, actor: Actor, aggregate: Widget) -> bool:
        return True

    def describe(self) -> list[str]:
        return []


@pytest.mark.parametrize(
    "build",
    [
        lambda: _machine((Action("go", "去", ("draft",), "nowhere", ANYONE),)),
        lambda: _machine((Action("go", "去", ("limbo",), "submitted", ANYONE),)),
        lambda: _machine((Action("reopen", "重开", ("approved",), "draft", ANYONE),)),
        lambda: _machine((Action("undo", "撤销", ("draft", "withdrawn"), "draft", ANYONE),)),
        lambda: _machine(
            (Action("go", "去", ("draft",), "submitted", ANYONE), Action("go", "去", ("submitted",), "draft", ANYONE))
        ),
        lambda: _machine((), initial="limbo"),
        lambda: _machine((Action("go", "去", ("draft",), "submitted", _Unhashable()),)),
    ],
    ids=[
        "unknown-target",
        "unknown-source",
        "leaves-terminal",
        "one-source-terminal",
        "duplicate-code",
        "bad-initial",
        "unhashable-permission",
    ],
)
def test_definition_is_validated(build: Any) -> None:
    with pytest.raises(AssertionError):
        build()


def test_a_valid_definition_builds() -> None:
    m = _machine((Action("go", "去", ("draft",), "submitted", ANYONE),))
    assert m.action("go") is not None and m.action("nope") is None


@dataclass(frozen=True)
class _Counted:
    """A permission that answers ``verdict`` and counts how often it is asked."""

    verdict: bool
    asked: list[int] = field(default_factory=lambda: [0], compare=False, hash=False)

    def allows(self, actor: Actor, aggregate: Widget) -> bool:
        self.asked[0] += 1
        return self.verdict

    def describe(self) -> list[str]:
        return []


def test_a_read_asks_each_distinct_permission_once_and_answers_as_each_action_would() -> None:
    yes, no = _Counted(True), _Counted(False)
    machine = _machine(
        (
            Action("submit", "提交", ("draft",), "submitted", yes),
            Action("withdraw", "撤回", ("draft",), "withdrawn", yes),
            Action("approve", "批准", ("draft",), "approved", no),
            Action("revise", "退回", ("submitted",), "draft", no),
        )
    )
    widget = Widget(id=uuid.uuid4(), state="draft", version=3)
    who = Actor(uuid.uuid4(), "someone", "某人", ())
    fields = machine.record_fields(widget, who)
    assert fields["allowed_actions"] == ["submit", "withdraw"] and fields["state_label"] == "草稿"
    assert (yes.asked[0], no.asked[0]) == (1, 1)  # one read, each distinct permission asked once
    assert machine.allowed_actions(widget, who) == ["submit", "withdraw"]  # a call without a memo asks anew
    assert (yes.asked[0], no.asked[0]) == (2, 2)
    widget.state = "submitted"
    assert machine.record_fields(widget, who)["allowed_actions"] == []  # the index follows the state read now


def test_state_labels_are_shared_read_only() -> None:
    labels = WIDGET.state_labels
    assert labels is WIDGET.state_labels and labels["approved"] == "已批准"
    with pytest.raises(TypeError):
        labels["approved"] = "x"  # type: ignore[index]
