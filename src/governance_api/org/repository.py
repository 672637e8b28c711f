"""Every query on org units, users and role assignments."""

import uuid

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from governance_api.models.org import OrgUnit, RoleAssignment, User
from governance_api.roles import Role


def get_unit(session: Session, unit_id: uuid.UUID) -> OrgUnit | None:
    return session.get(OrgUnit, unit_id)


def get_units(session: Session, unit_ids: list[uuid.UUID]) -> dict[uuid.UUID, OrgUnit]:
    if not unit_ids:
        return {}
    return {u.id: u for u in session.scalars(select(OrgUnit).where(OrgUnit.id.in_(unit_ids)))}


def unit_code_taken(session: Session, code: str) -> OrgUnit | None:
    return session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def units_query(kind: str | None, parent_id: uuid.UUID | None, under_path: str | None) -> Select[OrgUnit]:
    stmt = select(OrgUnit)
    if kind:
        stmt = stmt.where(OrgUnit.kind == kind)
    if parent_id:
        stmt = stmt.where(OrgUnit.parent_id == parent_id)
    if under_path:
        stmt = stmt.where(OrgUnit.path.startswith(under_path, autoescape=True))
    return stmt


def ancestor_of_kind(session: Session, unit: OrgUnit, kind: str) -> OrgUnit | None:
    """The nearest unit of ``kind`` on the path from the root to ``unit`` (itself included)."""
    ids = [uuid.UUID(hex=part) for part in unit.path.strip("/").split("/")]
    chain = get_units(session, ids)
    return next((chain[i] for i in reversed(ids) if i in chain and chain[i].kind == kind), None)


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def set_password_hash(session: Session, user_id: uuid.UUID, password_hash: str) -> None:
    session.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def users_query() -> Select[User]:
    return select(User)


def holders(session: Session, role: Role, unit_id: uuid.UUID) -> list[User]:
    """Users holding ``role`` exactly on ``unit_id``."""
    stmt = (
        select(User)
        .join(RoleAssignment)
        .where(RoleAssignment.role == role.value, RoleAssignment.org_unit_id == unit_id, User.active)
    )
    return list(session.scalars(stmt))
