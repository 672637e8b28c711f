"""Who sees which disputes (DOMAIN.md §1), and which are overdue, as SQL clauses. Each clause has
two forms from one definition: with named bind parameters, built once per shape of caller and
cached, for the repository's hot statements (``repository.get_visible``, ``repository.list_query``);
and carrying the values, for a query built per request (``visible``, ``overdue_clause``)."""

import datetime as dt
from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, or_, true

from governance_api.core.actor import Actor
from governance_api.core.scope import bind, path_binds, under_bound
from governance_api.disputes.vocab import Level
from governance_api.models.base import UTCDateTime
from governance_api.models.disputes import Dispute, TaskForceDepartment
from governance_api.roles import Role
from governance_api.settings import DisputeTimeLimits

# Roles that handle or oversee disputes and so see them by scope; the others (owners_committee,
# property_manager, resident, integration_client) see only what they reported.
SCOPE_ROLES = (
    Role.community_staff,
    Role.community_secretary,
    Role.mediator,
    Role.community_police,
    Role.legal_adviser,
    Role.grid_worker,
    Role.judicial_officer,
    Role.leader_in_charge,
    Role.liaison_leader,
    Role.rule_of_law_leader,
    Role.political_legal_secretary,
    Role.department_officer,
)


Shape = tuple[bool, int, int]  # (admin, scope paths, department-officer paths)


def visibility(actor: Actor) -> tuple[Shape, dict[str, Any]]:
    """Which visibility clause the caller needs (its shape) and the values it binds."""
    if actor.is_admin:
        return (True, 0, 0), {}
    scope, officer = actor.paths(SCOPE_ROLES), actor.paths([Role.department_officer])
    binds = {"me": actor.user_id, **path_binds("scope", scope), **path_binds("officer", officer)}
    return (False, len(scope), len(officer)), binds


def _clause(shape: Shape, values: Mapping[str, Any] | None) -> ColumnElement[bool]:
    """The clause of a shape: with named bind parameters to fill per call (``values`` None), or
    carrying ``values`` (for a statement built per request)."""
    admin, n_scope, n_officer = shape
    if admin:
        return true()
    clauses = [
        under_bound(Dispute.scope_path, "scope", n_scope, values),
        Dispute.created_by_id == bind("me", values),
        Dispute.task_force_lead_id == bind("me", values),
    ]
    if n_officer:
        clauses.append(
            exists().where(
                TaskForceDepartment.dispute_id == Dispute.id,
                under_bound(TaskForceDepartment.department_path, "officer", n_officer, values),
            )
        )
    return or_(*clauses)


@lru_cache(maxsize=64)
def visible_template(shape: Shape) -> ColumnElement[bool]:
    return _clause(shape, None)


def visible(actor: Actor) -> ColumnElement[bool]:
    """Disputes the caller may see: by scope for handling/overseeing roles, its own reports, and the
    task forces it sits on (as lead, or as an officer of one of the departments)."""
    return _clause(*visibility(actor))


def _overdue(terminal: tuple[str, ...], values: Mapping[str, Any] | None) -> ColumnElement[bool]:
    cutoffs = {level.value: bind(f"cutoff_{level.value}", values, UTCDateTime()) for level in Level}
    # ``state <> …`` each, not ``NOT IN (…)``: an IN list is expanded per execution, so a statement
    # holding one cannot be prepared once for the event loop's reads (core.loop_reads)
    live = and_(*(Dispute.state != state for state in terminal))
    return and_(live, Dispute.level_entered_at < case(cutoffs, value=Dispute.level))


@lru_cache(maxsize=8)
def overdue_template(terminal: tuple[str, ...]) -> ColumnElement[bool]:
    return _overdue(terminal, None)


def overdue_binds(now: dt.datetime, limits: DisputeTimeLimits) -> dict[str, Any]:
    return {f"cutoff_{level.value}": now - dt.timedelta(days=getattr(limits, level.value)) for level in Level}


def overdue_clause(now: dt.datetime, limits: DisputeTimeLimits, terminal: Collection[str]) -> ColumnElement[bool]:
    """Not in a ``terminal`` state (the machine's) and at its current level for longer than that
    level's time limit."""
    return _overdue(tuple(terminal), overdue_binds(now, limits))
