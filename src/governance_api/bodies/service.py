"""Use cases of working bodies (依法治理工作小组 / 工作专班). Each write is one transaction, committed
once at the end; member writes go through the machine's one admission path (``core.transitions``)."""

import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance_api.bodies import repository as repo
from governance_api.bodies.machine import BODY_MACHINE as MACHINE
from governance_api.bodies.permissions import manages
from governance_api.bodies.schemas import (
    MemberRead,
    WorkingBodyCreate,
    WorkingBodyHistoryRead,
    WorkingBodyRead,
    WorkingBodyTarget,
)
from governance_api.bodies.views import member_read, to_read
from governance_api.bodies.vocab import SEAT, BodyKind
from governance_api.core import errors
from governance_api.core.action_routes import Command
from governance_api.core.actor import Actor
from governance_api.core.history import history_of
from governance_api.core.pagination import Page, PageParams, paginate
from governance_api.core.schemas import parse, peek
from governance_api.core.transitions import do_activity, record_creation
from governance_api.models.governance import WorkingBody
from governance_api.models.org import OrgUnit


def _visible(session: Session, actor: Actor, body_id: uuid.UUID, *, lock: bool = False) -> WorkingBody:
    b = repo.get_body(session, actor, body_id, lock=lock)
    if b is None:
        raise errors.NotFound("no such working body")
    return b


def get_body(session: Session, actor: Actor, body_id: uuid.UUID) -> WorkingBodyRead:
    b = _visible(session, actor, body_id)
    return to_read(b, actor, repo.members(session, b.id))


def list_bodies(
    session: Session, actor: Actor, page: PageParams, kind: BodyKind | None, org_unit_id: uuid.UUID | None
) -> Page[WorkingBodyRead]:
    under = None
    if org_unit_id is not None:
        root = repo.unit(session, org_unit_id)
        under = root.path if root is not None else "/nothing/"  # an unknown unit matches nothing
    stmt = repo.bodies_query(actor, kind.value if kind else None, under)
    rows, cursor = paginate(session, stmt, WorkingBody.created_at, WorkingBody.id, page)
    members = repo.members_of(session, [b.id for b in rows])  # one IN query for the page
    return Page(items=[to_read(b, actor, members.get(b.id, [])) for b in rows], next_cursor=cursor)


def list_members(session: Session, actor: Actor, body_id: uuid.UUID) -> Page[MemberRead]:
    b = _visible(session, actor, body_id)
    return Page.whole([member_read(m) for m in repo.members(session, b.id)])


def history(session: Session, actor: Actor, body_id: uuid.UUID) -> Page[WorkingBodyHistoryRead]:
    _visible(session, actor, body_id)
    return Page.whole([WorkingBodyHistoryRead.of(r) for r in history_of(session, MACHINE.name, body_id)])


def _seat(session: Session, actor: Actor, kind: BodyKind, unit_id: uuid.UUID) -> OrgUnit:
    """The unit a body sits on, within what the caller sees (else 404), and the caller manages a
    body of that kind there (else 403): both before the body is read."""
    unit = repo.unit(session, unit_id)
    if unit is None or not repo.sees(actor, unit.path):
        raise errors.NotFound("no such org unit")
    if not manages(actor, kind, unit.path):
        raise errors.Forbidden(f"your roles may not set up a {kind.label} here")
    return unit


def create_body(session: Session, actor: Actor, raw: Any) -> WorkingBodyRead:
    """成立工作小组 / 工作专班: by the community secretary (group) or the 司法所 and the
    political-legal secretary (task force); one of each kind per unit."""
    target = peek(WorkingBodyTarget, raw)
    if target is not None:
        _seat(session, actor, target.kind, target.org_unit_id)
    data = parse(WorkingBodyCreate, raw)
    unit = _seat(session, actor, data.kind, data.org_unit_id)
    if unit.kind != SEAT[data.kind]:
        raise errors.ValidationFailed.one("body.org_unit_id", f"a {data.kind.label} sits on a {SEAT[data.kind].label}")
    _refuse_duplicate(session, unit.id, data.kind)
    b = WorkingBody(
        id=uuid.uuid4(),
        org_unit_id=unit.id,
        scope_path=unit.path,
        created_by_id=actor.user_id,
        kind=data.kind.value,
        name=data.name,
    )
    try:
        record_creation(session, MACHINE, b, actor)
    except IntegrityError as exc:  # a concurrent create of the same kind on the unit won the race
        session.rollback()
        _refuse_duplicate(session, unit.id, data.kind)
        raise errors.Duplicate("the working body could not be recorded; retry") from exc
    read = to_read(b, actor, [])
    session.commit()
    return read


def _refuse_duplicate(session: Session, unit_id: uuid.UUID, kind: BodyKind) -> None:
    if (existing := repo.by_kind(session, unit_id, kind.value)) is not None:
        raise errors.Duplicate(f"this unit has its {kind.label} already", existing_id=str(existing.id))


def record(cmd: Command) -> BaseModel:
    """One activity of the body's machine: a member added or ended. The member's read carries the
    body's new version (``body_version``) for the next If-Match."""
    b = _visible(cmd.session, cmd.actor, cmd.aggregate_id, lock=True)
    _, written = do_activity(cmd.session, MACHINE, b, cmd.actor, cmd.code, cmd.body, cmd.if_match, cmd.item_id)
    read = member_read(written, b.version)
    cmd.session.commit()
    return read
