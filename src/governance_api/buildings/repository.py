"""Every query of the buildings package. Scope lives here: a building outside the caller's scope is
never loaded (404). Flushes, never commits."""

import uuid

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.scope import within_roles
from governance_api.models.governance import Building
from governance_api.models.org import OrgUnit
from governance_api.roles import STAFF_ROLES

# Who sees governance-work records by scope (DOMAIN.md §4 intro, §1): the staff roles of the unit and
# its ancestors. Residents, the owners' committee, the property manager and machine clients see none.


def visible(actor: Actor) -> ColumnElement[bool]:
    return true() if actor.is_admin else within_roles(actor, Building.scope_path, STAFF_ROLES)


def sees(actor: Actor, path: str) -> bool:
    """Whether a unit at ``path`` lies in what the caller sees of governance work."""
    return actor.is_admin or actor.holds_any(STAFF_ROLES, path)


def get_building(session: Session, actor: Actor, building_id: uuid.UUID) -> Building | None:
    return session.scalar(select(Building).where(Building.id == building_id, visible(actor)))


def buildings_query(actor: Actor, community_id: uuid.UUID | None) -> Select[Building]:
    stmt = select(Building).where(visible(actor))
    if community_id is not None:
        stmt = stmt.where(Building.org_unit_id == community_id)
    return stmt


def by_code(session: Session, community_id: uuid.UUID, code: str) -> Building | None:
    return session.scalar(select(Building).where(Building.org_unit_id == community_id, Building.code == code))


def unit(session: Session, unit_id: uuid.UUID) -> OrgUnit | None:
    return session.get(OrgUnit, unit_id)
