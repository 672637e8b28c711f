"""Every query of the working bodies package. Scope lives here: a body outside the caller's scope
is never loaded (404). Flushes, never commits."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.scope import within_roles
from governance_api.models.governance import BodyMember, WorkingBody
from governance_api.models.org import OrgUnit, User
from governance_api.roles import STAFF_ROLES

# Who sees governance-work records by scope (DOMAIN.md §4 intro, §1): the staff roles of the unit and
# its ancestors. Residents, the owners' committee, the property manager and machine clients see none.


def visible(actor: Actor) -> ColumnElement[bool]:
    return true() if actor.is_admin else within_roles(actor, WorkingBody.scope_path, STAFF_ROLES)


def sees(actor: Actor, path: str) -> bool:
    """Whether a unit at ``path`` lies in what the caller sees of governance work."""
    return actor.is_admin or actor.holds_any(STAFF_ROLES, path)


def get_body(session: Session, actor: Actor, body_id: uuid.UUID, *, lock: bool = False) -> WorkingBody | None:
    stmt = select(WorkingBody).where(WorkingBody.id == body_id, visible(actor))
    if lock:
        stmt = stmt.with_for_update(of=WorkingBody)
    return session.scalar(stmt)


def bodies_query(actor: Actor, kind: str | None, under_path: str | None) -> Select[WorkingBody]:
    stmt = select(WorkingBody).where(visible(actor))
    if kind:
        stmt = stmt.where(WorkingBody.kind == kind)
    if under_path is not None:
        stmt = stmt.where(WorkingBody.scope_path.startswith(under_path, autoescape=True))
    return stmt


def by_kind(session: Session, unit_id: uuid.UUID, kind: str) -> WorkingBody | None:
    return session.scalar(select(WorkingBody).where(WorkingBody.org_unit_id == unit_id, WorkingBody.kind == kind))


def members(session: Session, body_id: uuid.UUID) -> list[BodyMember]:
    return members_of(session, [body_id]).get(body_id, [])


def members_of(session: Session, body_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[BodyMember]]:
    """The members of several bodies in one query (a list page's), each by from_date."""
    if not body_ids:
        return {}
    stmt = select(BodyMember).where(BodyMember.body_id.in_(list(body_ids)))
    found: dict[uuid.UUID, list[BodyMember]] = {}
    for m in session.scalars(stmt.order_by(BodyMember.from_date, BodyMember.created_at, BodyMember.id)):
        found.setdefault(m.body_id, []).append(m)
    return found


def member(session: Session, body_id: uuid.UUID, member_id: uuid.UUID) -> BodyMember | None:
    return session.scalar(select(BodyMember).where(BodyMember.id == member_id, BodyMember.body_id == body_id))


def overlapping(body_id: uuid.UUID, from_date: dt.date, to_date: dt.date | None) -> Select[BodyMember]:
    """Memberships of the body whose period meets ``from_date``…``to_date`` (open-ended: None)."""
    stmt = select(BodyMember).where(
        BodyMember.body_id == body_id, or_(BodyMember.to_date.is_(None), BodyMember.to_date >= from_date)
    )
    if to_date is not None:
        stmt = stmt.where(BodyMember.from_date <= to_date)
    return stmt.order_by(BodyMember.from_date, BodyMember.id)


def active_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.scalar(select(User).where(User.id == user_id, User.active.is_(True)))


def unit(session: Session, unit_id: uuid.UUID) -> OrgUnit | None:
    return session.get(OrgUnit, unit_id)


def add(session: Session, *rows: object) -> None:
    session.add_all(rows)
    session.flush()
