"""Use cases of buildings (楼栋登记). Each write is one transaction, committed once at the end."""

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance_api.buildings import repository as repo
from governance_api.buildings.machine import BUILDING_MACHINE as MACHINE
from governance_api.buildings.schemas import BuildingCreate, BuildingHistoryRead, BuildingRead, BuildingTarget
from governance_api.buildings.views import to_read
from governance_api.core import errors
from governance_api.core.actor import Actor
from governance_api.core.history import history_of
from governance_api.core.pagination import Page, PageParams, paginate
from governance_api.core.schemas import parse, peek
from governance_api.core.transitions import record_creation
from governance_api.models.governance import Building
from governance_api.models.org import OrgUnit
from governance_api.roles import OrgKind


def _visible(session: Session, actor: Actor, building_id: uuid.UUID) -> Building:
    b = repo.get_building(session, actor, building_id)
    if b is None:
        raise errors.NotFound("no such building")
    return b


def get_building(session: Session, actor: Actor, building_id: uuid.UUID) -> BuildingRead:
    return to_read(_visible(session, actor, building_id), actor)


def list_buildings(
    session: Session, actor: Actor, page: PageParams, community_id: uuid.UUID | None
) -> Page[BuildingRead]:
    stmt = repo.buildings_query(actor, community_id)
    rows, cursor = paginate(session, stmt, Building.created_at, Building.id, page)
    return Page(items=[to_read(b, actor) for b in rows], next_cursor=cursor)


def history(session: Session, actor: Actor, building_id: uuid.UUID) -> Page[BuildingHistoryRead]:
    _visible(session, actor, building_id)
    return Page.whole([BuildingHistoryRead.of(r) for r in history_of(session, MACHINE.name, building_id)])


def _community(session: Session, actor: Actor, community_id: uuid.UUID) -> OrgUnit:
    """The unit a building is registered on, within what the caller sees (else 404); the role to
    register there (else 403) is checked before the body, so a caller without it learns nothing."""
    unit = repo.unit(session, community_id)
    if unit is None or not repo.sees(actor, unit.path):
        raise errors.NotFound("no such community")
    if not (actor.is_admin or actor.holds_any(MACHINE.create_roles, unit.path)):
        raise errors.Forbidden("only the community's secretary or staff register its buildings")
    return unit


def create_building(session: Session, actor: Actor, raw: Any) -> BuildingRead:
    """登记楼栋: the community's secretary or staff registers one of its buildings."""
    target = peek(BuildingTarget, raw)
    if target is not None:
        _community(session, actor, target.community_id)
    data = parse(BuildingCreate, raw)
    community = _community(session, actor, data.community_id)
    if community.kind != OrgKind.community:
        raise errors.ValidationFailed.one("body.community_id", "not a community (居民区)")
    _refuse_duplicate(session, community.id, data.code)
    b = Building(
        id=uuid.uuid4(),
        org_unit_id=community.id,
        scope_path=community.path,
        created_by_id=actor.user_id,
        code=data.code,
        name=data.name,
    )
    try:
        record_creation(session, MACHINE, b, actor)
    except IntegrityError as exc:  # a concurrent registration of the same code won the race
        session.rollback()
        _refuse_duplicate(session, community.id, data.code)
        raise errors.Duplicate("the building could not be registered; retry") from exc
    read = to_read(b, actor)
    session.commit()
    return read


def _refuse_duplicate(session: Session, community_id: uuid.UUID, code: str) -> None:
    if (existing := repo.by_code(session, community_id, code)) is not None:
        raise errors.Duplicate(f"building '{code}' is registered in this community", existing_id=str(existing.id))
