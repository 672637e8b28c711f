"""The authenticated caller and its grants: a role held on a unit covers that unit's whole subtree."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from governance_api.models.org import User
from governance_api.roles import Role


@dataclass(frozen=True)
class Grant:
    role: Role
    org_unit_id: uuid.UUID
    path: str  # the unit's materialised path


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    username: str
    display_name: str
    grants: tuple[Grant, ...]

    @property
    def is_admin(self) -> bool:
        return any(g.role is Role.admin for g in self.grants)

    def holds(self, role: Role, path: str | None = None) -> bool:
        """Whether the caller holds ``role`` on ``path`` or an ancestor of it (any unit when None)."""
        return any(g.role is role and (path is None or path.startswith(g.path)) for g in self.grants)

    def reaches(self, path: str) -> bool:
        """Whether ``path`` lies in the caller's scope at all (under any grant; admins everywhere)."""
        return self.is_admin or any(path.startswith(g.path) for g in self.grants)

    def holds_any(self, roles: Iterable[Role], path: str | None = None) -> bool:
        return any(self.holds(r, path) for r in roles)

    def paths(self, roles: Iterable[Role]) -> list[str]:
        """The subtree roots over which the caller holds any of ``roles``."""
        wanted = set(roles)
        return sorted({g.path for g in self.grants if g.role in wanted})


def load_actor(session: Session, user_id: uuid.UUID) -> Actor | None:
    """The active user behind a token, with its grants and each granted unit's path."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    grants = tuple(Grant(Role(a.role), a.org_unit_id, a.org_unit.path) for a in user.assignments)
    return Actor(user_id=user.id, username=user.username, display_name=user.display_name, grants=grants)
