"""The declarative state-machine definition type.

A machine is data: states (zh labels, terminal flags) and actions (from-states, to-state, who may
take it, body schema, guards, effect). ``core.transitions`` enforces it, ``allowed_actions`` reads
it, and ``GET /api/v1/meta/state-machines`` publishes it; no rule of a machine lives anywhere else.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.models.base import AggregateMixin
from governance_api.roles import Role

AggT = TypeVar("AggT", bound=AggregateMixin)


class EmptyBody(BaseModel):
    """The body of an action that takes no fields: ``{}``."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class State:
    code: str
    label: str  # zh
    terminal: bool = False


class Permission(Protocol[AggT]):  # type: ignore[misc]
    """Who may take an action on a given aggregate (evaluated after scope and state checks)."""

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


@dataclass
class TransitionContext(Generic[AggT]):
    """What guards and effects see: the locked aggregate, the caller, the validated body."""

    session: Session
    aggregate: AggT
    actor: Actor
    body: Any
    now: dt.datetime
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    comment: str | None = None

    def emit(self, kind: str, payload: dict[str, Any] | None = None) -> None:
        self.events.append((kind, payload or {}))


@dataclass(frozen=True)
class Guard(Generic[AggT]):
    """A precondition: ``check`` returns the unmet conditions (empty when it holds)."""

    description: str
    check: Callable[[TransitionContext[AggT]], list[str]]


@dataclass(frozen=True)
class Action(Generic[AggT]):
    code: str
    label: str  # zh
    sources: tuple[str, ...]
    target: str
    permission: Permission[AggT]
    body: type[BaseModel] = EmptyBody
    guards: tuple[Guard[AggT], ...] = ()
    effect: Callable[[TransitionContext[AggT]], None] | None = None
    comment_field: str | None = None  # the body field copied into the history comment


@dataclass(frozen=True)
class StateMachine(Generic[AggT]):
    name: str
    label: str
    states: tuple[State, ...]
    initial: str
    create_roles: tuple[Role, ...]
    actions: tuple[Action[AggT], ...]
    facets: Callable[[AggT], dict[str, Any]] | None = None  # recorded before/after in history

    def __post_init__(self) -> None:
        codes = {s.code for s in self.states}
        terminal = {s.code for s in self.states if s.terminal}
        assert self.initial in codes, f"{self.name}: unknown initial state"
        for a in self.actions:
            assert a.target in codes and set(a.sources) <= codes, f"{self.name}.{a.code}: unknown state"
            assert not set(a.sources) & terminal, f"{self.name}.{a.code}: leaves a terminal state"
        assert len({a.code for a in self.actions}) == len(self.actions), f"{self.name}: duplicate action"

    def action(self, code: str) -> Action[AggT] | None:
        return next((a for a in self.actions if a.code == code), None)

    def state(self, code: str) -> State:
        return next(s for s in self.states if s.code == code)

    def label_of(self, code: str) -> str:
        return self.state(code).label

    def allowed_actions(self, aggregate: AggT, actor: Actor) -> list[str]:
        """Actions valid from the current state that the caller's roles permit. Guards are not
        evaluated: they depend on the body, and a failing guard answers with what is unmet."""
        return [a.code for a in self.actions if aggregate.state in a.sources and a.permission.allows(actor, aggregate)]

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "initial": self.initial,
            "create_roles": [r.value for r in self.create_roles],
            "states": [{"code": s.code, "label": s.label, "terminal": s.terminal} for s in self.states],
            "actions": [_describe_action(a) for a in self.actions],
        }


def _describe_action(a: Action[Any]) -> dict[str, Any]:
    return {
        "code": a.code,
        "label": a.label,
        "from": list(a.sources),
        "to": a.target,
        "roles": a.permission.describe(),
        "guards": [g.description for g in a.guards],
        "body_schema": a.body.__name__,
    }


def missing(values: Sequence[tuple[str, object]]) -> list[str]:
    """Guard helper: the names whose value is None or blank."""
    return [name for name, v in values if v is None or (isinstance(v, str) and not v.strip())]
