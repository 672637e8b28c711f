"""Who handles a dispute at each level of the ladder (DOMAIN.md §3.3), as ``Permission`` objects the
machine uses; their ``describe()`` is what the meta endpoint publishes.

- ``community``: the community's staff, secretary, mediators, police and legal adviser (a role held
  on an ancestor counts: a street-scoped mediator is also each community's mediator);
- ``street_joint`` / ``hongmei``: the street's judicial officers and the street-scoped mediators (a
  community mediator no longer acts once the dispute is at the street);
- ``task_force``: its lead and the department officers of its departments.
"""

from dataclasses import dataclass

from governance_api.core.actor import Actor
from governance_api.core.scope import street_path
from governance_api.disputes.vocab import Level
from governance_api.models.disputes import Dispute
from governance_api.roles import Role

COMMUNITY_HANDLERS = (
    Role.community_staff,
    Role.community_secretary,
    Role.mediator,
    Role.community_police,
    Role.legal_adviser,
)


def is_community_handler(actor: Actor, dispute: Dispute) -> bool:
    return actor.holds_any(COMMUNITY_HANDLERS, dispute.scope_path)


def is_street_handler(actor: Actor, dispute: Dispute) -> bool:
    """司法所 over the dispute, or a mediator whose grant is on the street itself (or wider)."""
    path = dispute.scope_path
    return actor.holds(Role.judicial_officer, path) or actor.holds(Role.mediator, street_path(path))


def is_task_force_member(actor: Actor, dispute: Dispute) -> bool:
    if dispute.task_force_lead_id is not None and actor.user_id == dispute.task_force_lead_id:
        return True
    paths = [d.department_path for d in dispute.task_force_departments]
    return any(actor.holds(Role.department_officer, p) for p in paths)


def is_handler(actor: Actor, dispute: Dispute) -> bool:
    """Handler at the dispute's current level."""
    level = Level(dispute.level)
    if level is Level.community:
        return is_community_handler(actor, dispute)
    if level is Level.task_force:
        return is_task_force_member(actor, dispute)
    return is_street_handler(actor, dispute)


def sees_personal_data(actor: Actor, dispute: Dispute) -> bool:
    """Handlers of the dispute and the 司法所 over it see phone and ID numbers unmasked."""
    return is_handler(actor, dispute) or actor.holds(Role.judicial_officer, dispute.scope_path)


_HANDLER_DESCRIPTION = [
    *(f"community: {r.value}" for r in COMMUNITY_HANDLERS),
    "street_joint, hongmei: judicial_officer",
    "street_joint, hongmei: mediator (street-scoped)",
    "task_force: task-force lead",
    "task_force: department_officer (of the task force's departments)",
]


@dataclass(frozen=True)
class LevelHandlers:
    """The handlers at the dispute's current level."""

    def allows(self, actor: Actor, aggregate: Dispute) -> bool:
        return is_handler(actor, aggregate)

    def describe(self) -> list[str]:
        return list(_HANDLER_DESCRIPTION)


@dataclass(frozen=True)
class HandlersOrJudicialOfficer:
    """Handlers at the current level, or a judicial officer over the community (司法确认 records)."""

    def allows(self, actor: Actor, aggregate: Dispute) -> bool:
        return is_handler(actor, aggregate) or actor.holds(Role.judicial_officer, aggregate.scope_path)

    def describe(self) -> list[str]:
        return [*_HANDLER_DESCRIPTION, "judicial_officer (over the community)"]


@dataclass(frozen=True)
class EscalationApplicant:
    """Who files a 联动化解申请表: the community secretary from ``community``, the 司法所 from
    ``street_joint`` (the street room asks for 红梅)."""

    def allows(self, actor: Actor, aggregate: Dispute) -> bool:
        if aggregate.level == Level.community:
            return actor.holds(Role.community_secretary, aggregate.scope_path)
        if aggregate.level == Level.street_joint:
            return actor.holds(Role.judicial_officer, aggregate.scope_path)
        return False

    def describe(self) -> list[str]:
        return ["community: community_secretary", "street_joint: judicial_officer"]


HANDLERS = LevelHandlers()
