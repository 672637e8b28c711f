"""The authenticated caller and its grants: a role held on a unit covers that unit's whole subtree.

Loading them costs a query on every request, so each process keeps them for a few seconds
(``ActorCache``). Several instances share one database and no message bus, so a grant changed
through another process is seen once the entry expires (``GOVERNANCE_GRANTS_CACHE_SECONDS``, at most
5); a change committed in this process drops every entry at once (``_note_grant_changes``)."""

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session

from governance_api.models.org import OrgUnit, RoleAssignment, User
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

    @cached_property
    def _paths_by_role(self) -> dict[Role, tuple[str, ...]]:
        """The granted units' paths by role: ``holds`` runs for every action of every row of a list
        page, so it looks its role up once instead of scanning every grant."""
        by_role: dict[Role, tuple[str, ...]] = {}
        for g in self.grants:
            by_role[g.role] = (*by_role.get(g.role, ()), g.path)
        return by_role

    def holds(self, role: Role, path: str | None = None) -> bool:
        """Whether the caller holds ``role`` on ``path`` or an ancestor of it (any unit when None)."""
        paths = self._paths_by_role.get(role)
        return paths is not None and (path is None or path.startswith(paths))

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
    """The active user behind a token, with its grants and each granted unit's path: one query."""
    rows = session.execute(
        select(User.username, User.display_name, RoleAssignment.role, RoleAssignment.org_unit_id, OrgUnit.path)
        .outerjoin(RoleAssignment, RoleAssignment.user_id == User.id)
        .outerjoin(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
        .where(User.id == user_id, User.active)
    ).all()
    if not rows:
        return None
    grants = tuple(Grant(Role(r.role), r.org_unit_id, r.path) for r in rows if r.role is not None)
    return Actor(user_id=user_id, username=rows[0].username, display_name=rows[0].display_name, grants=grants)


class ActorCache:
    """Callers by user id, each kept ``seconds`` after it was loaded (least recently used dropped
    beyond ``size``). Thread-safe: sync routes run in a thread pool."""

    def __init__(self, seconds: float, size: int = 10_000) -> None:
        self.seconds = seconds
        self.size = size
        self._entries: OrderedDict[uuid.UUID, tuple[float, int, Actor | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, user_id: uuid.UUID) -> tuple[bool, Actor | None]:
        """(found, actor): a cached "no such active user" is found with ``None``."""
        with self._lock:
            entry = self._entries.get(user_id)
            if entry is None:
                return False, None
            loaded, generation, actor = entry
            if generation != _generation or time.monotonic() - loaded >= self.seconds:
                del self._entries[user_id]
                return False, None
            self._entries.move_to_end(user_id)
            return True, actor

    def load(self, session: Session, user_id: uuid.UUID) -> Actor | None:
        """Loads the caller (from ``session``) and keeps it; the generation is read before the
        query, so a change committed meanwhile makes this entry stale at once."""
        generation, loaded = _generation, time.monotonic()
        actor = load_actor(session, user_id)
        if self.seconds > 0:
            with self._lock:
                self._entries[user_id] = (loaded, generation, actor)
                self._entries.move_to_end(user_id)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return actor


# Bumped when this process commits a change to users, grants or units: every cached caller is then
# stale. Module-level, so every app (and worker thread) of the process sees it.
_generation = 0
_GRANT_MODELS = (User, RoleAssignment, OrgUnit)


@event.listens_for(Session, "after_flush")
def _note_grant_changes(session: Session, _context: Any) -> None:
    if any(isinstance(o, _GRANT_MODELS) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info["grants_changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_grant_statements(state: ORMExecuteState) -> None:
    """Bulk UPDATE / DELETE statements bypass the flush: note those on the same tables too."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and issubclass(mapper.class_, _GRANT_MODELS):
        state.session.info["grants_changed"] = True


@event.listens_for(Session, "after_commit")
def _expire_cached_actors(session: Session) -> None:
    global _generation
    if session.info.pop("grants_changed", False):
        _generation += 1


@event.listens_for(Session, "after_soft_rollback")
def _forget_grant_changes(session: Session, _previous: Any) -> None:
    session.info.pop("grants_changed", None)
