"""The declarative state-machine definition type.

A machine is data: states (zh labels, terminal flags), the **actions** that move a record from
state to state, and the **activities** (活动) — every other write whose admission depends on the
record's state: a ballot while consulting, a mediation session while mediating, a checklist saved
while screening. Both kinds name the states they are allowed in, who may take them, their body
schema and their guards. ``core.transitions`` admits both through one path, ``allowed_actions`` and
``allowed_activities`` read them, the generated routes and ``GET /api/v1/meta/state-machines``
publish them; no rule of a machine lives anywhere else.
"""

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session, object_session

from governance_api.core.actor import Actor
from governance_api.core.schemas import Input, example
from governance_api.models.base import AggregateMixin
from governance_api.roles import Role

AggT = TypeVar("AggT", bound=AggregateMixin)


class EmptyBody(Input):
    """The body of an action that takes no fields: ``{}``."""

    model_config = example()


@dataclass(frozen=True)
class State:
    code: str
    label: str  # zh
    terminal: bool = False


class Permission(Protocol[AggT]):  # type: ignore[misc]
    """Who may take a step on a given aggregate (evaluated after scope and state checks). ``allows``
    depends on the caller and the aggregate alone, and equal permissions answer alike: a read asks
    each distinct one once (``_allows``), so implementations are frozen dataclasses."""

    def allows(self, actor: Actor, aggregate: AggT) -> bool: ...

    def describe(self) -> list[str]: ...


@dataclass(frozen=True)
class AnyRole(Generic[AggT]):
    """Holders of any of ``roles`` on the aggregate's unit or an ancestor of it."""

    roles: tuple[Role, ...]

    def allows(self, actor: Actor, aggregate: AggT) -> bool:
        return actor.holds_any(self.roles, aggregate.scope_path)

    def describe(self) -> list[str]:
        return [r.value for r in self.roles]


@dataclass(frozen=True)
class PerItem(Generic[AggT]):
    """For an activity on a sub-record whose caller is decided by the sub-record itself (a filing's
    target): any caller passes here, ``Item.allows`` decides; ``who`` says it for the meta endpoint."""

    who: tuple[str, ...]

    def allows(self, actor: Actor, aggregate: AggT) -> bool:
        return True

    def describe(self) -> list[str]:
        return list(self.who)


@dataclass
class WriteContext(Generic[AggT]):
    """What validators, guards and effects see: the locked aggregate, the caller, the validated
    body, and for an activity on a sub-record (``…/filings/{id}/response``) that sub-record."""

    session: Session
    aggregate: AggT
    actor: Actor
    body: Any
    now: dt.datetime
    item: Any = None
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    comment: str | None = None

    def emit(self, kind: str, payload: dict[str, Any] | None = None) -> None:
        self.events.append((kind, payload or {}))


Check = Callable[[WriteContext[AggT]], None]


@dataclass(frozen=True)
class Guard(Generic[AggT]):
    """A precondition: ``check`` returns the unmet conditions (empty when it holds), each one of
    ``codes`` — the stable ``unmet`` codes of the contract, with the zh message a front end shows."""

    description: str
    check: Callable[[WriteContext[AggT]], list[str]]
    codes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Action(Generic[AggT]):
    """A transition: from one of ``sources`` to ``target``."""

    code: str
    label: str  # zh
    sources: tuple[str, ...]
    target: str
    permission: Permission[AggT]
    body: type[BaseModel] = EmptyBody
    guards: tuple[Guard[AggT], ...] = ()
    effect: Callable[[WriteContext[AggT]], None] | None = None
    comment_field: str | None = None  # the body field copied into the history comment
    validate: Check[AggT] | None = None  # body rules that depend on the record (422)
    unique: Check[AggT] | None = None  # raises ``Duplicate`` (409) when the thing is recorded already

    @property
    def states(self) -> tuple[str, ...]:
        return self.sources


@dataclass(frozen=True)
class Item(Generic[AggT]):
    """The sub-record an activity acts on, addressed in its path (``…/filings/{filing_id}/response``).

    ``load`` finds it under the aggregate (absent: 404, like a record outside scope); ``open`` says
    whether it still takes the activity in the aggregate's state (else 409 ``transition_not_allowed``);
    ``allows`` whether this caller may act on this one (else 403)."""

    noun: str
    load: Callable[[Session, AggT, uuid.UUID], Any | None]
    each: Callable[[Session, AggT], Sequence[Any]]  # every one of them, for allowed_activities
    open: Callable[[AggT, Any], bool] = lambda aggregate, item: True
    allows: Callable[[Actor, AggT, Any], bool] = lambda actor, aggregate, item: True

    def offered(self, actor: Actor, aggregate: AggT) -> bool:
        """Whether at least one of them takes the activity from this caller now."""
        session = object_session(aggregate)
        assert session is not None, "the aggregate is read while loaded"
        return any(self.open(aggregate, i) and self.allows(actor, aggregate, i) for i in self.each(session, aggregate))


@dataclass(frozen=True)
class Activity(Generic[AggT]):
    """A state-dependent write that does not change state (活动): a sub-record or a saved checklist.

    ``effect`` writes and returns what was written; the engine then bumps the aggregate's version
    (sub-records are part of the aggregate: an If-Match read before them is stale after). With
    ``in_history`` the write is also a history entry and an outbox event, like a transition."""

    code: str
    label: str  # zh
    states: tuple[str, ...]
    permission: Permission[AggT]
    effect: Callable[[WriteContext[AggT]], Any]
    body: type[BaseModel] = EmptyBody
    result: type[BaseModel] | None = None  # the read of what was written; None: the aggregate's own read
    guards: tuple[Guard[AggT], ...] = ()
    validate: Check[AggT] | None = None
    unique: Check[AggT] | None = None
    item: Item[AggT] | None = None
    in_history: bool = False
    comment_field: str | None = None


Step = Action[AggT] | Activity[AggT]


@dataclass(frozen=True)
class StateMachine(Generic[AggT]):
    name: str
    label: str
    states: tuple[State, ...]
    initial: str
    create_roles: tuple[Role, ...]
    actions: tuple[Action[AggT], ...]
    activities: tuple[Activity[AggT], ...] = ()
    facets: Callable[[AggT], dict[str, Any]] | None = None  # recorded before/after in history

    def __post_init__(self) -> None:
        codes = {s.code for s in self.states}
        terminal = {s.code for s in self.states if s.terminal}
        assert self.initial in codes, f"{self.name}: unknown initial state"
        for a in self.actions:
            assert a.target in codes and set(a.sources) <= codes, f"{self.name}.{a.code}: unknown state"
            assert not set(a.sources) & terminal, f"{self.name}.{a.code}: leaves a terminal state"
        for act in self.activities:
            assert act.states and set(act.states) <= codes, f"{self.name}.{act.code}: unknown state"
        for step in self.steps:  # a read memoises answers by permission (``_allows``)
            assert type(step.permission).__hash__ is not None, f"{self.name}.{step.code}: an unhashable permission"
        steps = [s.code for s in self.steps]
        assert len(set(steps)) == len(steps), f"{self.name}: duplicate action or activity code"

    @property
    def steps(self) -> tuple["Step[AggT]", ...]:
        """Every action and activity, the things a caller can do to a record."""
        return (*self.actions, *self.activities)

    # What a record's read asks of the machine, indexed once: ``record_fields`` runs for every item
    # of a list page, and scanning every step (reading the record's state each time) was most of it.
    @functools.cached_property
    def state_labels(self) -> Mapping[str, str]:
        """Read-only: the one copy is shared by every caller."""
        return MappingProxyType({s.code: s.label for s in self.states})

    @functools.cached_property
    def _actions_from(self) -> dict[str, tuple[Action[AggT], ...]]:
        return {s.code: tuple(a for a in self.actions if s.code in a.sources) for s in self.states}

    @functools.cached_property
    def _activities_in(self) -> dict[str, tuple[Activity[AggT], ...]]:
        return {s.code: tuple(a for a in self.activities if s.code in a.states) for s in self.states}

    @property
    def action_labels(self) -> dict[str, str]:
        return {a.code: a.label for a in self.actions}

    @property
    def activity_labels(self) -> dict[str, str]:
        return {a.code: a.label for a in self.activities}

    @property
    def history_labels(self) -> dict[str, str]:
        """What a history entry's ``action`` may be: create, a transition, a recorded activity."""
        recorded = {a.code: a.label for a in self.activities if a.in_history}
        return {"create": "创建"} | self.action_labels | recorded

    @functools.cached_property
    def terminal_states(self) -> frozenset[str]:
        return frozenset(s.code for s in self.states if s.terminal)

    def action(self, code: str) -> Action[AggT] | None:
        return next((a for a in self.actions if a.code == code), None)

    def activity(self, code: str) -> Activity[AggT] | None:
        return next((a for a in self.activities if a.code == code), None)

    def state(self, code: str) -> State:
        return next(s for s in self.states if s.code == code)

    def label_of(self, code: str) -> str:
        return self.state_labels[code]

    def allowed_actions(self, aggregate: AggT, actor: Actor, memo: "_Verdicts | None" = None) -> list[str]:
        """Actions valid from the current state that the caller's roles permit. Guards are not
        evaluated: they depend on the body, and a failing guard answers with what is unmet."""
        memo = {} if memo is None else memo
        return [a.code for a in self._actions_from[aggregate.state] if _allows(a.permission, actor, aggregate, memo)]

    def allowed_activities(self, aggregate: AggT, actor: Actor, memo: "_Verdicts | None" = None) -> list[str]:
        """Activities open in the current state that the caller may take (for an activity on a
        sub-record: on at least one of them). Guards and uniqueness are not evaluated."""
        memo = {} if memo is None else memo
        return [
            a.code
            for a in self._activities_in[aggregate.state]
            if _allows(a.permission, actor, aggregate, memo) and (a.item is None or a.item.offered(actor, aggregate))
        ]

    def record_fields(self, aggregate: AggT, actor: Actor) -> dict[str, Any]:
        """The fields every read of one of this machine's records has (``core.schemas.RecordRead``):
        its id, state and zh label, version, times, and what the caller may do next."""
        verdicts: _Verdicts = {}
        return {
            "id": aggregate.id,
            "state": aggregate.state,
            "state_label": self.label_of(aggregate.state),
            "version": aggregate.version,
            "allowed_actions": self.allowed_actions(aggregate, actor, verdicts),
            "allowed_activities": self.allowed_activities(aggregate, actor, verdicts),
            "created_at": aggregate.created_at,
            "updated_at": aggregate.updated_at,
        }

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "initial": self.initial,
            "create_roles": [r.value for r in self.create_roles],
            "states": [{"code": s.code, "label": s.label, "terminal": s.terminal} for s in self.states],
            "actions": [_describe_action(a) for a in self.actions],
            "activities": [_describe_activity(a) for a in self.activities],
        }


_Verdicts = dict[Any, bool]
"""One read's answers of ``Permission.allows`` by permission. Many steps share one permission (a
dispute's handlers at its level take most of its actions), and a permission's answer depends only
on the caller and the record (its contract), so one read asks each distinct permission once."""


def _allows(permission: Permission[AggT], actor: Actor, aggregate: AggT, memo: _Verdicts) -> bool:
    verdict = memo.get(permission)
    if verdict is None:
        verdict = memo[permission] = permission.allows(actor, aggregate)
    return verdict


def _describe_action(a: Action[Any]) -> dict[str, Any]:
    return {
        "code": a.code,
        "label": a.label,
        "from": list(a.sources),
        "to": a.target,
        "roles": a.permission.describe(),
        "guards": [g.description for g in a.guards],
        "guard_codes": guard_codes(a),
        "body_schema": a.body.__name__,
    }


def _describe_activity(a: Activity[Any]) -> dict[str, Any]:
    return {
        "code": a.code,
        "label": a.label,
        "states": list(a.states),
        "roles": a.permission.describe(),
        "guards": [g.description for g in a.guards],
        "guard_codes": guard_codes(a),
        "body_schema": a.body.__name__,
        "result_schema": a.result.__name__ if a.result else None,
        "item": a.item.noun if a.item else None,
        "in_history": a.in_history,
    }


def missing(values: Sequence[tuple[str, object]]) -> list[str]:
    """Guard helper: the names whose value is None or blank."""
    return [name for name, v in values if v is None or (isinstance(v, str) and not v.strip())]


def given(name: str, label: str) -> Guard[Any]:
    """Guard: the body field ``name`` is given and not blank (``label``: what is missing, in zh)."""
    return Guard(
        f"{name} is given (non-blank)", lambda ctx: missing([(name, getattr(ctx.body, name))]), {name: f"请填写{label}"}
    )


def guard_codes(step: "Step[Any]") -> dict[str, str]:
    """Every ``unmet`` code a step's guards can answer, with its zh message."""
    return {code: message for g in step.guards for code, message in g.codes.items()}
