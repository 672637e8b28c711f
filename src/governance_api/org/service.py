"""Use cases for the org tree and user administration (admin only, except reading units)."""

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.errors import Duplicate, Forbidden, NotFound, ValidationFailed
from governance_api.core.pagination import PageParams, paginate
from governance_api.core.schemas import parse
from governance_api.models.org import OrgUnit, RoleAssignment, User
from governance_api.org import repository as repo
from governance_api.org.schemas import (
    OrgUnitCreate,
    OrgUnitRead,
    OrgUnitUpdate,
    RoleAssignmentIn,
    RoleAssignmentRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from governance_api.roles import ALLOWED_PARENTS, OrgKind, Role
from governance_api.security import hash_password


def _commit_unique(session: Session, detail: str, existing: Callable[[], OrgUnit | User | None]) -> None:
    """Commit; a unique code or username taken meanwhile by a concurrent request (the check above
    cannot see it on PostgreSQL) is a duplicate too, not a crash."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        found = existing()
        raise Duplicate(detail, str(found.id) if found else None) from exc


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("only an administrator may do this")


def create_unit(session: Session, actor: Actor, raw: Any) -> OrgUnitRead:
    require_admin(actor)
    data = parse(OrgUnitCreate, raw)
    parent = repo.get_unit(session, data.parent_id) if data.parent_id else None
    if data.parent_id and parent is None:
        raise NotFound("no such parent unit")
    parent_kind = OrgKind(parent.kind) if parent else None
    if parent_kind not in ALLOWED_PARENTS[data.kind]:
        allowed = ", ".join(k.value if k else "none" for k in ALLOWED_PARENTS[data.kind])
        raise ValidationFailed.one("body.parent_id", f"a {data.kind.value} hangs under: {allowed}")
    if existing := repo.unit_code_taken(session, data.code):
        raise Duplicate(f"code '{data.code}' is taken", str(existing.id))
    unit_id = uuid.uuid4()
    unit = OrgUnit(
        id=unit_id,
        kind=data.kind.value,
        code=data.code,
        name=data.name,
        parent_id=data.parent_id,
        path=(parent.path if parent else "/") + unit_id.hex + "/",
    )
    session.add(unit)
    _commit_unique(session, f"code '{data.code}' is taken", lambda: repo.unit_code_taken(session, data.code))
    return OrgUnitRead.model_validate(unit)


def update_unit(session: Session, actor: Actor, unit_id: uuid.UUID, raw: Any) -> OrgUnitRead:
    require_admin(actor)
    unit = repo.get_unit(session, unit_id)
    if unit is None:
        raise NotFound("no such org unit")
    data = parse(OrgUnitUpdate, raw)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is None:
            raise ValidationFailed.one(f"body.{name}", "may not be null")
        setattr(unit, name, value)
    session.commit()
    return OrgUnitRead.model_validate(unit)


def get_unit(session: Session, unit_id: uuid.UUID) -> OrgUnitRead:
    unit = repo.get_unit(session, unit_id)
    if unit is None:
        raise NotFound("no such org unit")
    return OrgUnitRead.model_validate(unit)


def list_units(
    session: Session, page: PageParams, kind: OrgKind | None, parent_id: uuid.UUID | None, under: uuid.UUID | None
) -> tuple[list[OrgUnitRead], str | None]:
    under_path = None
    if under:
        root = repo.get_unit(session, under)
        if root is None:
            return [], None
        under_path = root.path
    stmt = repo.units_query(kind.value if kind else None, parent_id, under_path)
    rows, cursor = paginate(session, stmt, OrgUnit.created_at, OrgUnit.id, page)
    return [OrgUnitRead.model_validate(u) for u in rows], cursor


def _assignments(session: Session, roles: list[RoleAssignmentIn]) -> list[RoleAssignment]:
    units = repo.get_units(session, [r.org_unit_id for r in roles])
    out: dict[tuple[Role, uuid.UUID], RoleAssignment] = {}
    for i, r in enumerate(roles):
        unit = units.get(r.org_unit_id)
        if unit is None:
            raise ValidationFailed.one(f"body.roles.{i}.org_unit_id", "no such org unit")
        on_department = unit.kind == OrgKind.department
        if (r.role is Role.department_officer) != on_department and r.role is not Role.admin:
            raise ValidationFailed.one(
                f"body.roles.{i}", "department_officer is held on a department unit, other roles are not"
            )
        out[(r.role, r.org_unit_id)] = RoleAssignment(role=r.role.value, org_unit_id=r.org_unit_id)
    return list(out.values())


def user_read(user: User) -> UserRead:
    roles = [
        RoleAssignmentRead(
            role=Role(a.role),
            org_unit_id=a.org_unit_id,
            org_unit_kind=OrgKind(a.org_unit.kind),
            org_unit_name=a.org_unit.name,
        )
        for a in user.assignments
    ]
    return UserRead(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        phone=user.phone,
        active=user.active,
        roles=roles,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


def create_user(session: Session, actor: Actor | None, raw: Any) -> UserRead:
    """Create a user; ``actor`` None only from the CLI (``create-admin``), which passes a ``UserCreate``."""
    if actor is not None:
        require_admin(actor)
    data = parse(UserCreate, raw)
    if existing := repo.get_user_by_username(session, data.username):
        raise Duplicate(f"username '{data.username}' is taken", str(existing.id))
    user = User(
        username=data.username,
        password_hash=hash_password(data.password),
        display_name=data.display_name,
        phone=data.phone,
        assignments=_assignments(session, data.roles),
    )
    session.add(user)
    _commit_unique(
        session, f"username '{data.username}' is taken", lambda: repo.get_user_by_username(session, data.username)
    )
    session.refresh(user)
    return user_read(user)


def update_user(session: Session, actor: Actor, user_id: uuid.UUID, raw: Any) -> UserRead:
    require_admin(actor)
    user = repo.get_user(session, user_id)
    if user is None:
        raise NotFound("no such user")
    data = parse(UserUpdate, raw)
    for name in data.model_fields_set:  # only the phone may be removed with null
        if getattr(data, name) is None and name != "phone":
            raise ValidationFailed.one(f"body.{name}", "may not be null")
    for name, value in data.model_dump(exclude_unset=True, exclude={"roles", "password"}).items():
        setattr(user, name, value)
    if data.password is not None:
        user.password_hash = hash_password(data.password)
    if data.roles is not None:
        new = _assignments(session, data.roles)
        user.assignments.clear()
        session.flush()  # delete the old rows before inserting new ones under the unique key
        user.assignments.extend(new)
    session.commit()
    session.refresh(user)
    return user_read(user)


def get_user(session: Session, actor: Actor, user_id: uuid.UUID) -> UserRead:
    require_admin(actor)
    user = repo.get_user(session, user_id)
    if user is None:
        raise NotFound("no such user")
    return user_read(user)


def list_users(session: Session, actor: Actor, page: PageParams) -> tuple[list[UserRead], str | None]:
    require_admin(actor)
    rows, cursor = paginate(session, repo.users_query(), User.created_at, User.id, page)
    return [user_read(u) for u in rows], cursor


def user_read_self(session: Session, actor: Actor) -> UserRead:
    user = repo.get_user(session, actor.user_id)
    if user is None:
        raise NotFound("no such user")
    return user_read(user)
