"""The one admission path every state-dependent write goes through: actions and activities alike.

Inside the caller's transaction, on an aggregate the repository has already loaded within the
caller's scope and locked (``SELECT … FOR UPDATE`` on PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite),
API.md's order of checks, the first failing one answering:
sub-record under the aggregate (404) → If-Match (412) → allowed in the current state (409
``transition_not_allowed``) → role (403) → body (422, the schema then the rules that depend on the
record) → uniqueness (409 ``duplicate``) → guards (409 ``guard_failed``). Then the effect, the
version bump (the flush) and — for transitions and activities kept in the history — the history
row and the outbox events, held to the commit of the same transaction (``core.appends``), so they
commit or roll back as one.
"""

import datetime as dt
import logging
import uuid
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from governance_api.core import appends, errors
from governance_api.core.actor import Actor
from governance_api.core.bulk import Follower
from governance_api.core.machine import Action, Activity, AggT, Item, StateMachine, Step, WriteContext, guard_codes
from governance_api.core.schemas import parse
from governance_api.models.base import AggregateMixin, utcnow
from governance_api.models.records import OutboxEvent, TransitionRecord

log = logging.getLogger(__name__)
_HISTORY = cast(Table, TransitionRecord.__table__)
_OUTBOX = cast(Table, OutboxEvent.__table__)


def check_version(aggregate: AggregateMixin, if_match: int | None) -> None:
    if if_match is not None and if_match != aggregate.version:
        raise errors.VersionConflict(f"If-Match does not match the current version {aggregate.version}")


def admit(
    session: Session,
    machine: StateMachine[AggT],
    step: Step[AggT],
    aggregate: AggT,
    actor: Actor,
    raw_body: Any,
    if_match: int | None,
    item_id: uuid.UUID | None = None,
) -> WriteContext[AggT]:
    """Run every check of ``step`` in API.md's order; the context of an admitted write."""
    rule = step.item if isinstance(step, Activity) else None
    item = _item(session, rule, aggregate, item_id)
    check_version(aggregate, if_match)
    if aggregate.state not in step.states or (rule is not None and not rule.open(aggregate, item)):
        raise errors.TransitionNotAllowed(step.code, aggregate.state)
    if not step.permission.allows(actor, aggregate) or (rule is not None and not rule.allows(actor, aggregate, item)):
        raise errors.Forbidden(f"your roles may not '{step.code}' on this {machine.name}")
    body = parse(step.body, raw_body)
    ctx = WriteContext(session=session, aggregate=aggregate, actor=actor, body=body, now=utcnow(), item=item)
    for check in (step.validate, step.unique):
        if check is not None:
            check(ctx)
    unmet = [u for guard in step.guards for u in guard.check(ctx)]
    if unmet:
        messages = guard_codes(step)
        if undeclared := [u for u in unmet if u not in messages]:  # the contract would not know them
            log.error("undeclared guard codes %s on %s.%s", undeclared, machine.name, step.code)
        raise errors.GuardFailed(unmet, "未满足: " + "; ".join(messages.get(u, u) for u in unmet))
    if step.comment_field:
        ctx.comment = getattr(body, step.comment_field, None)
    return ctx


def _item(session: Session, rule: Item[AggT] | None, aggregate: AggT, item_id: uuid.UUID | None) -> Any:
    """The sub-record the request addresses (404 when absent), for an activity that acts on one."""
    if rule is None:
        return None
    found = rule.load(session, aggregate, item_id) if item_id is not None else None
    if found is None:
        raise errors.NotFound(f"no such {rule.noun}")
    return found


def take_action(
    session: Session,
    machine: StateMachine[AggT],
    aggregate: AggT,
    actor: Actor,
    action_code: str,
    raw_body: Any,
    if_match: int | None = None,
) -> None:
    action = machine.action(action_code)
    if action is None:
        raise errors.NotFound(f"no action '{action_code}' on {machine.name}")
    ctx = admit(session, machine, action, aggregate, actor, raw_body, if_match)
    _transition(session, machine, action, ctx)


def _transition(session: Session, machine: StateMachine[AggT], action: Action[AggT], ctx: WriteContext[AggT]) -> None:
    aggregate = ctx.aggregate
    before = machine.facets(aggregate) if machine.facets else {}
    from_state = aggregate.state
    if action.effect:
        action.effect(ctx)
    aggregate.state = action.target
    _record(session, machine, action.code, from_state, before, ctx)


def do_activity(
    session: Session,
    machine: StateMachine[AggT],
    aggregate: AggT,
    actor: Actor,
    code: str,
    raw_body: Any,
    if_match: int | None = None,
    item_id: uuid.UUID | None = None,
) -> tuple[WriteContext[AggT], Any]:
    """Admit and perform an activity; (its context, what its effect wrote). The aggregate's version
    is bumped; an ``in_history`` activity also leaves a history row and an outbox event."""
    activity = machine.activity(code)
    if activity is None:
        raise errors.NotFound(f"no activity '{code}' on {machine.name}")
    ctx = admit(session, machine, activity, aggregate, actor, raw_body, if_match, item_id)
    before = machine.facets(aggregate) if machine.facets else {}
    written = activity.effect(ctx)
    if activity.in_history:
        _record(session, machine, code, aggregate.state, before, ctx)
    else:
        touch(session, aggregate)
        if ctx.events:  # what its effect emitted
            appends.append(session, _OUTBOX, _event_rows(machine, aggregate, ctx.events, ctx.now))
    return ctx, written


def record_creation(
    session: Session, machine: StateMachine[AggT], aggregate: AggT, actor: Actor, comment: str | None = None
) -> None:
    """Add a new aggregate and write the history and event of its ``create`` (flushed)."""
    ctx: WriteContext[AggT] = WriteContext(
        session=session, aggregate=aggregate, actor=actor, body=None, now=utcnow(), comment=comment
    )
    aggregate.state = machine.initial
    if aggregate.id is None:
        aggregate.id = uuid.uuid4()  # its history row and event name it before the insert
    session.add(aggregate)
    _record(session, machine, "create", None, {}, ctx)


def creation_followers(
    machine: StateMachine[AggT], like: AggT, actor: Actor, now: dt.datetime
) -> tuple[Follower, Follower]:
    """History and outbox of the ``create`` of each aggregate a bulk insert (``core.bulk``, no unit
    of work) inserts, as rows that follow each inserted one (its ``id``): exactly the rows
    ``record_creation`` writes for one — ``seq`` 1, action ``create``, the machine's facets after,
    the ``<machine>.create`` event — written by the insert's own statement on PostgreSQL. ``like``
    is a transient aggregate (never added to the session) holding the values the new ones are
    inserted with that the machine's facets read (a dispute's level)."""
    after = machine.facets(like) if machine.facets else {}
    history = {
        "aggregate_type": machine.name,
        "seq": 1,
        "action": "create",
        "from_state": None,
        "to_state": machine.initial,
        "actor_id": actor.user_id,
        "actor_name": actor.display_name,
        "at": now,
        "comment": None,
        "details": {f"{k}_after": v for k, v in after.items()},
    }
    event = {
        "aggregate_type": machine.name,
        "kind": f"{machine.name}.create",
        "payload": {"from": None, "to": machine.initial, **after},
        "created_at": now,
        "published_at": None,
    }
    return (
        Follower(_HISTORY, ("aggregate_id", "id"), history, new_id="id"),
        Follower(_OUTBOX, ("aggregate_id", "id"), event, new_id="id"),
    )


def touch(session: Session, aggregate: AggregateMixin) -> None:
    """Bump the version of an aggregate whose sub-records changed (ballots, sessions, …)."""
    aggregate.updated_at = utcnow()
    session.flush()


def _record(
    session: Session,
    machine: StateMachine[AggT],
    action: str,
    from_state: str | None,
    before: dict[str, Any],
    ctx: WriteContext[AggT],
) -> None:
    aggregate = ctx.aggregate
    aggregate.updated_at = ctx.now
    # The flush writes the aggregate with the ORM's compare-and-set on ``version``, which it bumps by
    # one (a new aggregate starts at 1): the history row takes that number now.
    seq = 1 if aggregate.version is None else aggregate.version + 1
    after = machine.facets(aggregate) if machine.facets else {}
    details = {f"{k}_before": v for k, v in before.items()} | {f"{k}_after": v for k, v in after.items()}
    history = {
        "id": uuid.uuid4(),
        "aggregate_type": machine.name,
        "aggregate_id": aggregate.id,
        "seq": seq,
        "action": action,
        "from_state": from_state,
        "to_state": aggregate.state,
        "actor_id": ctx.actor.user_id,
        "actor_name": ctx.actor.display_name,
        "at": ctx.now,
        "comment": ctx.comment,
        "details": details,
    }
    # the event says where the record stands after the step (a dispute's level), as its history row
    # does: a subscriber learns it without reading the record, and as it was then
    ctx.events.insert(0, (f"{machine.name}.{action}", {"from": from_state, "to": aggregate.state, **after}))
    session.flush()  # the aggregate's insert or compare-and-set, and whatever the effect wrote
    appends.append(session, _HISTORY, [history])
    appends.append(session, _OUTBOX, _event_rows(machine, aggregate, ctx.events, ctx.now))
    if aggregate.version != seq:
        raise RuntimeError(f"{machine.name} {aggregate.id}: version {aggregate.version}, history numbered {seq}")


def _event_rows(
    machine: StateMachine[AggT], aggregate: AggT, events: list[tuple[str, dict[str, Any]]], now: dt.datetime
) -> list[dict[str, Any]]:
    return [
        {
            "id": uuid.uuid4(),
            "aggregate_type": machine.name,
            "aggregate_id": aggregate.id,
            "kind": kind,
            "payload": payload,
            "created_at": now,
            "published_at": None,
        }
        for kind, payload in events
    ]
