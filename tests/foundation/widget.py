"""A test-only aggregate (测试件) and its machine, to exercise the state-machine engine without any
domain package. The model lives on its OWN metadata, so it never enters the migrations or the
application's schema; tests create its table in their fresh database."""

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, Engine, ForeignKey, MetaData, String, Table, Uuid, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from governance_api.core import errors
from governance_api.core.actor import Actor, load_actor
from governance_api.core.machine import (
    Action,
    Activity,
    AnyRole,
    Guard,
    Item,
    State,
    StateMachine,
    WriteContext,
    given,
    missing,
)
from governance_api.core.transitions import record_creation
from governance_api.db import Database
from governance_api.models.base import AggregateMixin, UTCDateTime
from governance_api.models.records import OutboxEvent, TransitionRecord
from governance_api.roles import Role


class WidgetBase(DeclarativeBase):
    metadata = MetaData()
    type_annotation_map: dict[Any, Any] = {dt.datetime: UTCDateTime(), uuid.UUID: Uuid()}  # noqa: RUF012


# Stand-ins so the mixin's foreign keys resolve on this metadata; only ``test_widgets`` is created.
Table("org_units", WidgetBase.metadata, Column("id", Uuid(), primary_key=True))
Table("users", WidgetBase.metadata, Column("id", Uuid(), primary_key=True))


class Widget(AggregateMixin, WidgetBase):
    __tablename__ = "test_widgets"

    title: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str | None] = mapped_column(String(200))


class WidgetPart(WidgetBase):
    """A sub-record of a widget (部件), the item of the ``inspect`` activity."""

    __tablename__ = "test_widget_parts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    widget_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("test_widgets.id"))
    name: Mapped[str] = mapped_column(String(50))
    max_score: Mapped[int] = mapped_column(default=10)  # a score above it is a 422 (``validate``)
    reserved_for: Mapped[str | None] = mapped_column(String(40))  # a role: only its holders inspect it
    closed: Mapped[bool] = mapped_column(default=False)  # a closed part takes no inspection (409)
    result: Mapped[str | None] = mapped_column(String(50))  # inspected once (a second time: duplicate)
    score: Mapped[int | None] = mapped_column()


def create_tables(engine: Engine) -> None:
    """The test-only tables (not the stand-ins) in a test's database."""
    tables = [cast(Table, Widget.__table__), cast(Table, WidgetPart.__table__)]
    WidgetBase.metadata.create_all(engine, tables=tables)


class WidgetSubmitBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=50)


class WidgetApproveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(default=None, max_length=50)
    score: int | None = Field(default=None, ge=0)


class WidgetInspectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    result: str | None = Field(default=None, max_length=50)
    score: int = Field(default=0, ge=0)


class WidgetCertifyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=50)


def _has_title(ctx: WriteContext[Widget]) -> list[str]:
    return missing([("title", ctx.aggregate.title)])


def _has_reason(ctx: WriteContext[Widget]) -> list[str]:
    return missing([("reason", ctx.body.reason)])


def _score_high(ctx: WriteContext[Widget]) -> list[str]:
    return [] if (ctx.body.score or 0) >= 3 else ["score"]


def _keep_note(ctx: WriteContext[Widget]) -> None:
    ctx.aggregate.note = ctx.body.note
    ctx.emit("widget.noted", {"note": ctx.body.note})


def _load_part(session: Session, widget: Widget, part_id: uuid.UUID) -> WidgetPart | None:
    part = session.get(WidgetPart, part_id)
    return part if part is not None and part.widget_id == widget.id else None


def _parts(session: Session, widget: Widget) -> list[WidgetPart]:
    return list(session.scalars(select(WidgetPart).where(WidgetPart.widget_id == widget.id)))


def _may_inspect(actor: Actor, widget: Widget, part: WidgetPart) -> bool:
    return part.reserved_for is None or actor.holds(Role(part.reserved_for), widget.scope_path)


def _score_within(ctx: WriteContext[Widget]) -> None:
    if ctx.body.score > ctx.item.max_score:
        raise errors.ValidationFailed.one("body.score", f"at most {ctx.item.max_score} for this part")


def _not_inspected(ctx: WriteContext[Widget]) -> None:
    if ctx.item.result is not None:
        raise errors.Duplicate("this part has been inspected", str(ctx.item.id))


def _has_result(ctx: WriteContext[Widget]) -> list[str]:
    return missing([("result", ctx.body.result)])


def _inspect(ctx: WriteContext[Widget]) -> WidgetPart:
    part: WidgetPart = ctx.item
    part.result, part.score = ctx.body.result, ctx.body.score
    if part.score is not None and part.score == 0:
        ctx.emit("widget.part_failed", {"part": str(part.id)})  # what an activity's effect emits is kept
    return part


def _certify(ctx: WriteContext[Widget]) -> Widget:
    ctx.aggregate.note = ctx.body.note
    ctx.emit("widget.certified", {"note": ctx.body.note})
    return ctx.aggregate


STATES = (
    State("draft", "草稿"),
    State("submitted", "已提交"),
    State("approved", "已批准", terminal=True),
    State("withdrawn", "已撤回", terminal=True),
)

WIDGET: StateMachine[Widget] = StateMachine(
    name="widget",
    label="测试件",
    states=STATES,
    initial="draft",
    create_roles=(Role.community_staff,),
    actions=(
        Action(
            "submit",
            "提交",
            ("draft",),
            "submitted",
            AnyRole((Role.community_staff, Role.community_secretary)),
            body=WidgetSubmitBody,
            guards=(Guard("The widget has a title", _has_title, {"title": "请填写标题"}),),
            effect=_keep_note,
            comment_field="note",
        ),
        Action(
            "approve",
            "批准",
            ("submitted",),
            "approved",
            AnyRole((Role.community_secretary,)),
            body=WidgetApproveBody,
            guards=(
                Guard("A reason is given", _has_reason, {"reason": "请填写理由"}),
                Guard("The score is 3 or more", _score_high, {"score": "评分须不低于3"}),
            ),
            comment_field="reason",
        ),
        Action("revise", "退回修改", ("submitted",), "draft", AnyRole((Role.community_secretary,))),
        Action("withdraw", "撤回", ("draft", "submitted"), "withdrawn", AnyRole((Role.community_staff,))),
    ),
    activities=(
        Activity(
            "inspect",
            "检查部件",
            ("draft", "submitted"),
            AnyRole((Role.community_staff, Role.community_secretary)),
            _inspect,
            body=WidgetInspectBody,
            validate=_score_within,
            unique=_not_inspected,
            guards=(Guard("A result is given", _has_result, {"result": "请填写检查结果"}),),
            item=Item("part", _load_part, _parts, open=lambda widget, part: not part.closed, allows=_may_inspect),
        ),
        Activity(
            "certify",
            "认证",
            ("approved",),
            AnyRole((Role.judicial_officer,)),
            _certify,
            body=WidgetCertifyBody,
            guards=(given("note", "说明"),),
            in_history=True,
            comment_field="note",
        ),
    ),
    facets=lambda w: {"title": w.title},
)


def actor(db: Database, user_id: uuid.UUID) -> Actor:
    with db.session(write=False) as s:
        found = load_actor(s, user_id)
    assert found is not None
    return found


def create_widget(db: Database, creator: Actor, unit_id: uuid.UUID, path: str, title: str = "路灯") -> uuid.UUID:
    with db.session(write=True) as s:
        w = Widget(title=title, org_unit_id=unit_id, scope_path=path, created_by_id=creator.user_id)
        record_creation(s, WIDGET, w, creator)
        s.commit()
        return w.id


def add_part(db: Database, widget_id: uuid.UUID, name: str = "灯罩", **over: Any) -> uuid.UUID:
    with db.transaction() as s:
        part = WidgetPart(widget_id=widget_id, name=name, **over)
        s.add(part)
        s.flush()
        return part.id


def snapshot(db: Database, widget_id: uuid.UUID) -> tuple[str, int, str | None, int, int]:
    """(state, version, note, history rows, outbox events) as committed."""
    with db.session(write=False) as s:
        w = s.get(Widget, widget_id)
        assert w is not None
        history = s.scalar(
            select(func.count()).select_from(TransitionRecord).where(TransitionRecord.aggregate_id == widget_id)
        )
        events = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.aggregate_id == widget_id))
        return w.state, w.version, w.note, int(history or 0), int(events or 0)


T = TypeVar("T")


def as_a_service(db: Database, widget_id: uuid.UUID, call: Callable[[Session, Widget], T]) -> T:
    """Call the engine the way a service does: lock the widget, call, commit; what the call returns.
    On refusal, prove the engine left nothing pending in the session and the widget as it was (then
    commit anyway: a careless caller writes nothing either)."""
    with db.session(write=True) as s:
        w = s.scalars(select(Widget).where(Widget.id == widget_id).with_for_update(of=Widget)).one()
        before = (w.state, w.version, w.note, w.updated_at)
        try:
            out = call(s, w)
        except errors.DomainError:
            assert not s.new and not s.dirty and not s.deleted
            assert (w.state, w.version, w.note, w.updated_at) == before
            s.commit()
            raise
        s.commit()
        return out
