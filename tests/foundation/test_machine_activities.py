"""Activities in the state-machine engine (core.machine, core.transitions.do_activity) on the test-only
aggregate: the order of refusals (sub-record 404 → 412 → 409 → 403 → 422 → duplicate 409 → guard
409), nothing written on refusal, the version bump, no history for a plain activity and one history
row and its events for an ``in_history`` one, allowed_activities, describe(), and the definition's
own validation."""

import uuid
from typing import Any

import pytest
from sqlalchemy import select, update

from foundation.conftest import shared_fixtures
from foundation.widget import (
    STATES,
    WIDGET,
    Widget,
    WidgetPart,
    actor,
    add_part,
    as_a_service,
    create_widget,
    snapshot,
)
from governance_api.core import errors
from governance_api.core.actor import Actor
from governance_api.core.machine import Action, Activity, AnyRole, StateMachine
from governance_api.core.transitions import do_activity, take_action
from governance_api.db import Database
from governance_api.models.records import OutboxEvent, TransitionRecord
from governance_api.roles import Role
from world import World

# Every test here makes its own widgets, so the module shares one database (see foundation.conftest).
db, world = shared_fixtures("shared_widgets", "db", "world")


def _new(db: Database, world: World, state: str = "draft") -> uuid.UUID:
    wid = create_widget(db, actor(db, world.users["staff1"]), world.units["C1"], world.paths["C1"])
    if state != "draft":
        _set_state(db, wid, state)
    return wid


def _set_state(db: Database, wid: uuid.UUID, state: str) -> None:
    with db.transaction() as s:
        s.execute(update(Widget).where(Widget.id == wid).values(state=state))


def _part(db: Database, part_id: uuid.UUID) -> tuple[str | None, int | None]:
    with db.session(write=False) as s:
        part = s.get(WidgetPart, part_id)
        assert part is not None
        return part.result, part.score


def _do(
    db: Database,
    wid: uuid.UUID,
    who: Actor,
    code: str,
    body: Any = None,
    if_match: int | None = None,
    item: uuid.UUID | None = None,
) -> Any:
    """Do an activity the way a service does (``as_a_service``); what the effect wrote."""
    return as_a_service(db, wid, lambda s, w: do_activity(s, WIDGET, w, who, code, body, if_match, item)[1])


def test_order_of_refusals(db: Database, world: World) -> None:
    """Each check answers first while it fails, in API.md's order, and none writes anything."""
    wid = _new(db, world)
    res1, staff, sec = (actor(db, world.users[u]) for u in ("res1", "staff1", "sec1"))
    reserved = add_part(db, wid, reserved_for="community_secretary", max_score=5)
    closed = add_part(db, wid, closed=True)
    inspected = add_part(db, wid, result="已检查")
    other = add_part(db, _new(db, world))  # a part of another widget is not this one's
    wrong = {"result": " ", "score": 9, "extra": True}
    for missing_item in (uuid.uuid4(), other, None):
        with pytest.raises(errors.NotFound):
            _do(db, wid, res1, "inspect", wrong, if_match=7, item=missing_item)
    with pytest.raises(errors.VersionConflict):
        _do(db, wid, res1, "inspect", wrong, if_match=7, item=reserved)
    _set_state(db, wid, "approved")
    with pytest.raises(errors.TransitionNotAllowed):
        _do(db, wid, res1, "inspect", wrong, if_match=1, item=reserved)
    _set_state(db, wid, "draft")
    with pytest.raises(errors.TransitionNotAllowed):  # the part is closed: not open for the activity
        _do(db, wid, res1, "inspect", wrong, if_match=1, item=closed)
    with pytest.raises(errors.Forbidden):  # no role over the widget
        _do(db, wid, res1, "inspect", wrong, if_match=1, item=reserved)
    with pytest.raises(errors.Forbidden):  # the role, but not on this part (item.allows)
        _do(db, wid, staff, "inspect", wrong, if_match=1, item=reserved)
    with pytest.raises(errors.ValidationFailed) as invalid:
        _do(db, wid, sec, "inspect", wrong, if_match=1, item=reserved)
    assert {e.field for e in invalid.value.errors} == {"body.extra"}
    with pytest.raises(errors.ValidationFailed) as invalid:  # the rule that depends on the part
        _do(db, wid, sec, "inspect", {"result": " ", "score": 9}, if_match=1, item=reserved)
    assert {e.field for e in invalid.value.errors} == {"body.score"}
    with pytest.raises(errors.Duplicate):  # before the guard
        _do(db, wid, sec, "inspect", {"result": " ", "score": 1}, if_match=1, item=inspected)
    with pytest.raises(errors.GuardFailed) as unmet:
        _do(db, wid, sec, "inspect", {"result": " ", "score": 1}, if_match=1, item=reserved)
    assert unmet.value.unmet == ["result"]
    assert snapshot(db, wid) == ("draft", 1, None, 1, 1)
    assert (_part(db, reserved), _part(db, inspected)) == ((None, None), ("已检查", None))
    _do(db, wid, sec, "inspect", {"result": "完好", "score": 5}, if_match=1, item=reserved)
    assert snapshot(db, wid)[:2] == ("draft", 2)


def test_plain_activity_bumps_the_version_and_keeps_no_history(db: Database, world: World) -> None:
    wid = _new(db, world, state="submitted")
    part = add_part(db, wid)
    written = _do(db, wid, actor(db, world.users["staff1"]), "inspect", {"result": "完好", "score": 3}, 1, part)
    assert isinstance(written, WidgetPart) and written.id == part
    assert _part(db, part) == ("完好", 3)
    assert snapshot(db, wid) == ("submitted", 2, None, 1, 1)  # no history row, no event
    with pytest.raises(errors.VersionConflict):  # an If-Match read before the sub-record is stale
        _do(db, wid, actor(db, world.users["sec1"]), "inspect", {"result": "x"}, 1, add_part(db, wid))
    with pytest.raises(errors.Duplicate):
        _do(db, wid, actor(db, world.users["sec1"]), "inspect", {"result": "再查"}, 2, part)
    assert snapshot(db, wid) == ("submitted", 2, None, 1, 1)


def test_events_a_plain_activity_emits_reach_the_outbox(db: Database, world: World) -> None:
    wid = _new(db, world, state="submitted")
    _do(db, wid, actor(db, world.users["staff1"]), "inspect", {"result": "损坏", "score": 0}, 1, add_part(db, wid))
    assert snapshot(db, wid) == ("submitted", 2, None, 1, 2)  # no history row; the emitted event


def test_in_history_activity_records_history_and_events(db: Database, world: World) -> None:
    wid = _new(db, world, state="approved")
    jo, sec = actor(db, world.users["jo"]), actor(db, world.users["sec1"])
    with pytest.raises(errors.Forbidden):
        _do(db, wid, sec, "certify", {"note": "合格"})
    with pytest.raises(errors.GuardFailed) as unmet:
        _do(db, wid, jo, "certify", {"note": " "})
    assert unmet.value.unmet == ["note"]
    assert snapshot(db, wid) == ("approved", 1, None, 1, 1)
    written = _do(db, wid, jo, "certify", {"note": "合格"}, if_match=1)
    assert isinstance(written, Widget) and written.id == wid
    assert snapshot(db, wid) == ("approved", 2, "合格", 2, 3)
    with db.session(write=False) as s:
        rec = s.scalars(
            select(TransitionRecord).where(TransitionRecord.aggregate_id == wid, TransitionRecord.seq == 2)
        ).one()
        assert (rec.action, rec.from_state, rec.to_state, rec.comment) == ("certify", "approved", "approved", "合格")
        assert (rec.actor_id, rec.details) == (jo.user_id, {"title_before": "路灯", "title_after": "路灯"})
        events = s.scalars(select(OutboxEvent).where(OutboxEvent.aggregate_id == wid)).all()
        assert sorted((e.kind, tuple(sorted(e.payload.items()))) for e in events if e.kind != "widget.create") == [
            ("widget.certified", (("note", "合格"),)),
            ("widget.certify", (("from", "approved"), ("title", "路灯"), ("to", "approved"))),  # facets after
        ]
    _set_state(db, wid, "submitted")
    with pytest.raises(errors.TransitionNotAllowed):
        _do(db, wid, jo, "certify", {"note": "再认证"})


def test_unknown_codes_are_not_found_and_kinds_do_not_mix(db: Database, world: World) -> None:
    wid = _new(db, world)
    staff = actor(db, world.users["staff1"])
    for code in ("explode", "submit"):  # "submit" is an action, not an activity
        with pytest.raises(errors.NotFound):
            _do(db, wid, staff, code, {})
    with db.session(write=True) as s:
        w = s.get(Widget, wid)
        assert w is not None
        with pytest.raises(errors.NotFound):  # and an activity is not an action
            take_action(s, WIDGET, w, staff, "inspect", {})
    assert snapshot(db, wid) == ("draft", 1, None, 1, 1)


ALLOWED: dict[str, dict[str, list[str]]] = {
    "draft": {"staff1": ["inspect"], "sec1": ["inspect"], "sec2": [], "res1": [], "jo": [], "admin": []},
    "submitted": {"staff1": ["inspect"], "sec1": ["inspect"], "res1": [], "jo": []},
    "approved": {"jo": ["certify"], "jo2": [], "sec1": [], "staff1": [], "admin": []},
    "withdrawn": {"jo": [], "sec1": [], "staff1": []},
}


@pytest.mark.parametrize("state", list(ALLOWED))
def test_allowed_activities_per_actor(db: Database, world: World, state: str) -> None:
    wid = _new(db, world, state=state)
    add_part(db, wid)  # an activity on a sub-record is offered only when one takes it
    with db.session(write=False) as s:
        w = s.get(Widget, wid)
        assert w is not None
        for who, expected in ALLOWED[state].items():
            assert WIDGET.allowed_activities(w, actor(db, world.users[who])) == expected, who


def test_an_activity_on_parts_is_not_offered_without_one_open_to_the_caller(db: Database, world: World) -> None:
    wid = _new(db, world)
    staff, sec = actor(db, world.users["staff1"]), actor(db, world.users["sec1"])
    with db.session(write=False) as s:
        w = s.get(Widget, wid)
        assert w is not None
        assert WIDGET.allowed_activities(w, staff) == []  # no part at all
    add_part(db, wid, closed=True)
    add_part(db, wid, reserved_for="community_secretary")
    with db.session(write=False) as s:
        w = s.get(Widget, wid)
        assert w is not None
        assert WIDGET.allowed_activities(w, staff) == []  # one closed, one reserved for the secretary
        assert WIDGET.allowed_activities(w, sec) == ["inspect"]


def test_allowed_activities_agree_with_do_activity(db: Database, world: World) -> None:
    """Whatever allowed_activities offers passes the state and role checks (on an open part anyone
    may inspect); nothing else does."""
    for state in ("draft", "approved", "withdrawn"):
        for who in ("staff1", "sec1", "jo", "res1"):
            wid = _new(db, world, state=state)
            part = add_part(db, wid)
            who_actor = actor(db, world.users[who])
            with db.session(write=False) as s:
                w = s.get(Widget, wid)
                assert w is not None
                offered = WIDGET.allowed_activities(w, who_actor)
            for activity in WIDGET.activities:
                try:  # an unknown field: a body that never validates, so nothing is ever written
                    _do(db, wid, who_actor, activity.code, {"probe": 1}, item=part)
                except (errors.TransitionNotAllowed, errors.Forbidden):
                    passed = False
                except errors.ValidationFailed:
                    passed = True
                else:
                    pytest.fail("a body that never validates was admitted")
                assert passed is (activity.code in offered), (state, who, activity.code)


def test_describe_activities() -> None:
    assert WIDGET.describe()["activities"] == [
        {
            "code": "inspect",
            "label": "检查部件",
            "states": ["draft", "submitted"],
            "roles": ["community_staff", "community_secretary"],
            "guards": ["A result is given"],
            "guard_codes": {"result": "请填写检查结果"},
            "body_schema": "WidgetInspectBody",
            "result_schema": None,
            "item": "part",
            "in_history": False,
        },
        {
            "code": "certify",
            "label": "认证",
            "states": ["approved"],
            "roles": ["judicial_officer"],
            "guards": ["note is given (non-blank)"],
            "guard_codes": {"note": "请填写说明"},
            "body_schema": "WidgetCertifyBody",
            "result_schema": None,
            "item": None,
            "in_history": True,
        },
    ]
    assert [s.code for s in WIDGET.steps] == ["submit", "approve", "revise", "withdraw", "inspect", "certify"]
    assert WIDGET.activity("inspect") is not None and WIDGET.activity("submit") is None
    assert WIDGET.action("inspect") is None


ANYONE: AnyRole[Widget] = AnyRole((Role.admin,))
GO: Action[Widget] = Action("go", "去", ("draft",), "submitted", ANYONE)


def _activity(code: str, states: tuple[str, ...]) -> Activity[Widget]:
    return Activity(code, "活动", states, ANYONE, lambda ctx: None)


def _machine(activities: tuple[Activity[Widget], ...]) -> StateMachine[Widget]:
    return StateMachine(
        name="bad", label="坏", states=STATES, initial="draft", create_roles=(), actions=(GO,), activities=activities
    )


@pytest.mark.parametrize(
    "activities",
    [
        (_activity("note", ("limbo",)),),
        (_activity("note", ("draft", "limbo")),),
        (_activity("note", ()),),
        (_activity("go", ("draft",)),),
        (_activity("note", ("draft",)), _activity("note", ("submitted",))),
    ],
    ids=["unknown-state", "one-unknown-state", "no-state", "code-of-an-action", "duplicate-code"],
)
def test_activity_definition_is_validated(activities: tuple[Activity[Widget], ...]) -> None:
    with pytest.raises(AssertionError):
        _machine(activities)


def test_an_activity_may_live_in_a_terminal_state() -> None:
    m = _machine((_activity("note", ("approved", "withdrawn")),))
    assert m.activity("note") is not None and [s.code for s in m.steps] == ["go", "note"]
