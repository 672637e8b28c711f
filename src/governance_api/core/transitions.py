"""The one service path every state-machine action goes through.

Inside the caller's transaction, on an aggregate the repository has already loaded within the
caller's scope and locked (``SELECT … FOR UPDATE`` on PostgreSQL; ``BEGIN IMMEDIATE`` on SQLite):
If-Match (412) → valid from the current state (409 ``transition_not_allowed``) → role (403) →
body (422) → guards (409 ``guard_failed``) → effect, state change, version bump, history row and
events, all flushed together so they commit or roll back as one.
"""

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.actor import Actor
from governance_api.core.machine import AggT, StateMachine, TransitionContext
from governance_api.core.problems import pydantic_errors
from governance_api.models.base import AggregateMixin, utcnow
from governance_api.models.records import OutboxEvent, TransitionRecord


def check_version(aggregate: AggregateMixin, if_match: int | None) -> None:
    if if_match is not None and if_match != aggregate.version:
        raise errors.VersionConflict(f"If-Match {if_match} does not match the current version {aggregate.version}")


def take_action(
    session: Session,
    machine: StateMachine[AggT],
    aggregate: AggT,
    actor: Actor,
    action_code: str,
    raw_body: Any,
    if_match: int | None = None,
) -> TransitionRecord:
    action = machine.action(action_code)
    if action is None:
        raise errors.NotFound(f"no action '{action_code}' on {machine.name}")
    check_version(aggregate, if_match)
    if aggregate.state not in action.sources:
        raise errors.TransitionNotAllowed(action.code, aggregate.state)
    if not action.permission.allows(actor, aggregate):
        raise errors.Forbidden(f"your roles may not '{action.code}' this {machine.name}")
    try:
        body = action.body.model_validate({} if raw_body is None else raw_body)
    except ValidationError as exc:
        raise pydantic_errors(exc) from exc
    ctx = TransitionContext(session=session, aggregate=aggregate, actor=actor, body=body, now=utcnow())
    unmet = [u for guard in action.guards for u in guard.check(ctx)]
    if unmet:
        raise errors.GuardFailed(unmet)
    if action.comment_field:
        ctx.comment = getattr(body, action.comment_field, None)
    before = machine.facets(aggregate) if machine.facets else {}
    from_state = aggregate.state
    if action.effect:
        action.effect(ctx)
    aggregate.state = action.target
    return _record(session, machine, aggregate, actor, action.code, from_state, before, ctx)


def record_creation(
    session: Session, machine: StateMachine[AggT], aggregate: AggT, actor: Actor, comment: str | None = None
) -> TransitionRecord:
    """History for the ``create`` of a new aggregate (added to the session, not yet flushed)."""
    ctx: TransitionContext[AggT] = TransitionContext(
        session=session, aggregate=aggregate, actor=actor, body=None, now=utcnow(), comment=comment
    )
    aggregate.state = machine.initial
    session.add(aggregate)
    return _record(session, machine, aggregate, actor, "create", None, {}, ctx)


def touch(session: Session, aggregate: AggregateMixin) -> None:
    """Bump the version of an aggregate whose sub-records changed (ballots, sessions, …)."""
    aggregate.updated_at = utcnow()
    session.flush()


def _record(
    session: Session,
    machine: StateMachine[AggT],
    aggregate: AggT,
    actor: Actor,
    action: str,
    from_state: str | None,
    before: dict[str, Any],
    ctx: TransitionContext[AggT],
) -> TransitionRecord:
    aggregate.updated_at = ctx.now
    session.flush()  # the ORM's compare-and-set bumps ``version`` here
    after = machine.facets(aggregate) if machine.facets else {}
    details = {f"{k}_before": v for k, v in before.items()} | {f"{k}_after": v for k, v in after.items()}
    record = TransitionRecord(
        aggregate_type=machine.name,
        aggregate_id=aggregate.id,
        seq=aggregate.version,
        action=action,
        from_state=from_state,
        to_state=aggregate.state,
        actor_id=actor.user_id,
        actor_name=actor.display_name,
        at=ctx.now,
        comment=ctx.comment,
        details=details,
    )
    session.add(record)
    ctx.events.insert(0, (f"{machine.name}.{action}", {"from": from_state, "to": aggregate.state}))
    for kind, payload in ctx.events:
        session.add(OutboxEvent(aggregate_type=machine.name, aggregate_id=aggregate.id, kind=kind, payload=payload))
    session.flush()
    return record
