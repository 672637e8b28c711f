"""Use cases of the decision catalog (重大决策事项清单), kept by the 司法所 (``judicial_officer``).

Decisions made here (DOMAIN.md leaves them open):

- Anyone signed in reads the catalog; only a ``judicial_officer`` creates or edits entries
  (deactivating is an edit: ``active: false``). ``admin`` bootstraps through the migration only.
- Every edit that changes something makes a new version, kept as an immutable snapshot; a decision
  keeps the version it was listed under and reads rule, threshold and departments from it.
- The catalog is shared by the streets of a deployment, but department ids are per street. A caller
  names only departments in its own judicial-officer scope (else 404, existence is not leaked; a
  unit in scope that is not a department is 422). A PATCH of ``departments`` replaces the
  departments under the caller's street(s) and keeps the other streets' ones, so two streets'
  司法所 never overwrite each other. A read shows the departments under the caller's street(s)
  (all of them to an admin).
"""

import uuid
from typing import Any

from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.actor import Actor
from governance_api.core.pagination import PageParams, paginate
from governance_api.core.schemas import parse
from governance_api.core.scope import street_path
from governance_api.decisions import repository as repo
from governance_api.decisions.schemas import CatalogEntryCreate, CatalogEntryRead, CatalogEntryUpdate
from governance_api.models.base import utcnow
from governance_api.models.decisions import CatalogEntry, CatalogVersion
from governance_api.roles import OrgKind, Role

FIELDS = ("name", "category", "consensus_rule", "amount_threshold", "departments", "active")


def _streets(actor: Actor, role: Role | None = None) -> list[str]:
    return sorted({street_path(g.path) for g in actor.grants if role is None or g.role is role})


def _shown(actor: Actor, departments: list[str], paths: dict[str, str]) -> list[uuid.UUID]:
    if actor.is_admin:
        return [uuid.UUID(hex=h) for h in departments]
    streets = _streets(actor)
    return [uuid.UUID(hex=h) for h in departments if any(paths.get(h, "").startswith(s) for s in streets)]


def _read(session: Session, actor: Actor, e: CatalogEntry | CatalogVersion) -> CatalogEntryRead:
    found = repo.units(session, [uuid.UUID(hex=h) for h in e.departments])
    paths = {u.id.hex: u.path for u in found.values()}
    return CatalogEntryRead(
        code=e.code,
        name=e.name,
        category=e.category,
        consensus_rule=e.consensus_rule,
        amount_threshold=e.amount_threshold,
        departments=_shown(actor, e.departments, paths),
        active=e.active,
        version=e.version,
        updated_at=e.updated_at if isinstance(e, CatalogEntry) else e.created_at,
    )


def _require_keeper(actor: Actor) -> None:
    if not actor.holds(Role.judicial_officer):
        raise errors.Forbidden("only the 司法所 (judicial_officer) keeps the decision catalog")


def _own_departments(session: Session, actor: Actor, ids: list[uuid.UUID]) -> list[str]:
    """The named departments, each in the caller's judicial-officer scope (404) and a department (422)."""
    found = repo.units(session, ids)
    mine = actor.paths([Role.judicial_officer])
    out: list[str] = []
    for i, unit_id in enumerate(ids):
        unit = found.get(unit_id)
        if unit is None or not any(unit.path.startswith(p) for p in mine):
            raise errors.NotFound(f"no such department {unit_id}")
        if unit.kind != OrgKind.department:
            raise errors.ValidationFailed.one(f"body.departments.{i}", "not a department (职能部门) unit")
        if unit_id.hex not in out:
            out.append(unit_id.hex)
    return out


def _snapshot(e: CatalogEntry, actor: Actor) -> CatalogVersion:
    return CatalogVersion(
        code=e.code,
        version=e.version,
        name=e.name,
        category=e.category,
        consensus_rule=e.consensus_rule,
        amount_threshold=e.amount_threshold,
        departments=list(e.departments),
        active=e.active,
        created_by_id=actor.user_id,
        created_at=e.updated_at,
    )


def list_entries(
    session: Session, actor: Actor, page: PageParams, active: bool | None
) -> tuple[list[CatalogEntryRead], str | None]:
    rows, cursor = paginate(session, repo.catalog_query(active), CatalogEntry.created_at, CatalogEntry.id, page)
    return [_read(session, actor, e) for e in rows], cursor


def get_entry(session: Session, actor: Actor, code: str) -> CatalogEntryRead:
    entry = repo.catalog_entry(session, code)
    if entry is None:
        raise errors.NotFound(f"no catalog entry '{code}'")
    return _read(session, actor, entry)


def list_versions(session: Session, actor: Actor, code: str) -> list[CatalogEntryRead]:
    versions = repo.catalog_versions(session, code)
    if not versions:
        raise errors.NotFound(f"no catalog entry '{code}'")
    return [_read(session, actor, v) for v in versions]


def create_entry(session: Session, actor: Actor, raw: Any) -> CatalogEntryRead:
    _require_keeper(actor)
    data = parse(CatalogEntryCreate, raw)
    departments = _own_departments(session, actor, data.departments)
    if (existing := repo.catalog_entry(session, data.code)) is not None:
        raise errors.Duplicate(f"catalog entry '{data.code}' exists", existing.code)
    now = utcnow()
    entry = CatalogEntry(
        code=data.code,
        name=data.name,
        category=data.category,
        consensus_rule=data.consensus_rule,
        amount_threshold=data.amount_threshold,
        departments=departments,
        active=data.active,
        version=1,
        created_at=now,
        updated_at=now,
    )
    repo.add(session, entry, _snapshot(entry, actor))
    session.commit()
    return _read(session, actor, entry)


def update_entry(session: Session, actor: Actor, code: str, raw: Any, if_match: int | None) -> CatalogEntryRead:
    entry = repo.catalog_entry(session, code, lock=True)
    if entry is None:
        raise errors.NotFound(f"no catalog entry '{code}'")
    if if_match is not None and if_match != entry.version:
        raise errors.VersionConflict(f"If-Match does not match version {entry.version}")
    _require_keeper(actor)
    data = parse(CatalogEntryUpdate, raw)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if changes.get("departments") is not None:
        changes["departments"] = _merged_departments(session, actor, entry, data.departments or [])
    for name in ("name", "category", "consensus_rule", "active"):
        if name in changes and changes[name] is None:
            raise errors.ValidationFailed.one(f"body.{name}", "may not be null")
    if "departments" in changes and changes["departments"] is None:
        raise errors.ValidationFailed.one("body.departments", "may not be null (send [] for none)")
    changed = {k: v for k, v in changes.items() if getattr(entry, k) != v}
    if changed:
        for name, value in changed.items():
            setattr(entry, name, value)
        entry.version += 1
        entry.updated_at = utcnow()
        repo.add(session, _snapshot(entry, actor))
    session.commit()
    return _read(session, actor, entry)


def _merged_departments(session: Session, actor: Actor, entry: CatalogEntry, named: list[uuid.UUID]) -> list[str]:
    """Replace the departments under the caller's street(s); keep every other street's."""
    new = _own_departments(session, actor, named)
    current = repo.units(session, [uuid.UUID(hex=h) for h in entry.departments])
    streets = _streets(actor, Role.judicial_officer)
    kept = [
        h
        for h in entry.departments
        if not any(getattr(current.get(uuid.UUID(hex=h)), "path", "").startswith(s) for s in streets)
    ]
    return kept + [h for h in new if h not in kept]
