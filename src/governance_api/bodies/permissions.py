"""Who manages a working body (DOMAIN.md §4.1): it depends on the body's kind, so it is a
``Permission`` of its own rather than a plain role list."""

from dataclasses import dataclass

from governance_api.bodies.vocab import BodyKind
from governance_api.core.actor import Actor
from governance_api.models.governance import WorkingBody
from governance_api.roles import Role

# 工作小组: the community's party leader; 工作专班: the 司法所 where it sits and the political-legal secretary.
MANAGERS: dict[BodyKind, tuple[Role, ...]] = {
    BodyKind.governance_group: (Role.community_secretary,),
    BodyKind.street_task_force: (Role.judicial_officer, Role.political_legal_secretary),
}


def manages(actor: Actor, kind: BodyKind, path: str) -> bool:
    """Whether the caller manages a body of ``kind`` on the unit at ``path`` (a role held on an
    ancestor counts)."""
    return actor.holds_any(MANAGERS[kind], path)


@dataclass(frozen=True)
class BodyManagers:
    def allows(self, actor: Actor, aggregate: WorkingBody) -> bool:
        return manages(actor, BodyKind(aggregate.kind), aggregate.scope_path)

    def describe(self) -> list[str]:
        return [f"{role.value} ({kind.value})" for kind, roles in MANAGERS.items() for role in roles]
