"""Use cases of disputes: intake, reads (with personal-data audit), and every write of the machine
— actions and activities (screening, sessions, judicial confirmation, disposal report) — through
``core.transitions``'s one admission path. One transaction per call; mutating use cases commit once
at the end."""

import dataclasses
import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.action_routes import Command
from governance_api.core.actor import Actor
from governance_api.core.history import history_of
from governance_api.core.loop_reads import LoopReads
from governance_api.core.pagination import Page, PageParams, paginate_bound
from governance_api.core.schemas import parse, peek
from governance_api.core.transitions import do_activity, take_action
from governance_api.disputes import loop_reads, views
from governance_api.disputes import repository as repo
from governance_api.disputes.intake import Intake, check_feed_channel, check_role, register
from governance_api.disputes.machine import DISPUTE_MACHINE
from governance_api.disputes.reads import (
    AgreementRead,
    CategoryRead,
    DisposalReportRead,
    DisputeListItem,
    DisputeRead,
    EscalationRead,
    HistoryItem,
    JudicialConfirmationRead,
    PublicDisputeStatus,
    ScreeningRead,
    SessionRead,
)
from governance_api.disputes.schemas import CategoryCreate, DisputeCreate, DisputeTarget
from governance_api.models.base import utcnow
from governance_api.models.disputes import Dispute, DisputeCategory
from governance_api.models.org import OrgUnit
from governance_api.roles import OrgKind, Role
from governance_api.settings import DisputeTimeLimits


def _load(session: Session, actor: Actor, dispute_id: uuid.UUID, *, lock: bool = False) -> Dispute:
    dispute = repo.get_visible(session, actor, dispute_id, lock=lock)
    if dispute is None:
        raise errors.NotFound("no such dispute")
    return dispute


# ---- intake -------------------------------------------------------------------------------------


def _intake_unit(session: Session, actor: Actor, raw: Any) -> tuple[OrgUnit, OrgUnit | None]:
    """The community (and grid) a create names; 404 when the dispute's unit is outside the caller's
    scope, 422 when the grid is not one of the community's."""
    target = peek(DisputeTarget, raw)
    if target is None:
        parse(DisputeCreate, raw)  # answers 422 with every field error
        raise errors.ValidationFailed.one("body.community_id", "not a valid id")
    community = repo.get_unit(session, target.community_id)
    if community is None:
        raise errors.NotFound("no such community")
    grid = None
    if target.grid_id is not None:
        grid = repo.get_unit(session, target.grid_id)
        if grid is None or grid.kind != OrgKind.grid or grid.parent_id != community.id:
            # Naming units outside one's scope must not tell which grid belongs where: 404 first.
            if not (actor.reaches(community.path) or (grid is not None and actor.reaches(grid.path))):
                raise errors.NotFound("no such community in your scope")
            raise errors.ValidationFailed.one("body.grid_id", "not a grid of this community")
    unit = grid or community
    if not actor.reaches(unit.path):
        raise errors.NotFound("no such community in your scope")
    if community.kind != OrgKind.community:
        raise errors.ValidationFailed.one("body.community_id", "not a community (居民区)")
    return community, grid


def create_dispute(session: Session, actor: Actor, raw: Any, limits: DisputeTimeLimits) -> DisputeRead:
    community, grid = _intake_unit(session, actor, raw)
    check_role(actor, grid or community)  # 403 whatever the body says, before it is parsed
    body = parse(DisputeCreate, raw)
    check_feed_channel(session, actor, body.channel)
    intake = Intake(
        community=community,
        grid=grid,
        channel=body.channel,
        category=body.category,
        title=body.title,
        description=body.description,
        parties=body.parties,
        external_id=body.external_id,
    )
    dispute = register(session, actor, intake)
    read = views.dispute_read(session, dispute, actor, limits, dispute.created_at)
    session.commit()
    return read


# ---- reads --------------------------------------------------------------------------------------


async def read_dispute(reads: LoopReads, actor: Actor, dispute_id: uuid.UUID, limits: DisputeTimeLimits) -> DisputeRead:
    """GET one dispute: on PostgreSQL on the event loop (``core.loop_reads``: the read, then the
    audit row of an unmasked read in a transaction of its own); on SQLite ``get_dispute`` on a read
    session in the thread pool. Both answer alike (tests/disputes/test_loop_reads.py)."""
    if not reads.enabled:
        return await reads.on_session(lambda session: get_dispute(session, actor, dispute_id, limits))
    dispute = await loop_reads.get_visible(reads, actor, dispute_id)
    if dispute is None:
        raise errors.NotFound("no such dispute")
    read, disclosed = views.dispute_view(dispute, actor, limits, utcnow())
    if disclosed:
        await loop_reads.record_access(reads, actor, dispute.id, disclosed)
    return read


def get_dispute(session: Session, actor: Actor, dispute_id: uuid.UUID, limits: DisputeTimeLimits) -> DisputeRead:
    """On a read session: a masked read writes nothing (on PostgreSQL it is one statement). An
    unmasked read's audit row is written after the read has ended, in a transaction of its own (on
    SQLite a write that begins a transaction waits for the lock; one that follows a read in the
    same transaction can fail outright if another writer committed meanwhile)."""
    dispute = _load(session, actor, dispute_id)
    session.commit()  # ends the read; nothing is pending
    read = views.dispute_read(session, dispute, actor, limits, utcnow())
    session.commit()  # the audit row of an unmasked read, if any
    return read


@dataclasses.dataclass(frozen=True)
class ListQuery:
    """What a list request asks for: the filters, and the unit whose disputes (``org_unit_id``)."""

    filters: repo.DisputeFilters
    org_unit_id: uuid.UUID | None = None


async def read_page(
    reads: LoopReads, actor: Actor, query: ListQuery, params: PageParams, limits: DisputeTimeLimits
) -> Page[DisputeListItem]:
    """A list page: on PostgreSQL on the event loop (``core.loop_reads``), on SQLite
    ``list_disputes`` on a read session in the thread pool. Both answer alike."""
    if not reads.enabled:
        return await reads.on_session(lambda session: list_disputes(session, actor, query, params, limits))
    now = utcnow()
    known = query.filters.category is None or await loop_reads.category_exists(reads, query.filters.category)
    unit = await loop_reads.unit_place(reads, query.org_unit_id) if query.org_unit_id is not None else None
    filters = _narrowed(query, known, unit)
    if filters is None:
        return Page(items=[], next_cursor=None)
    terminal = DISPUTE_MACHINE.terminal_states
    rows, cursor = await loop_reads.list_page(reads, actor, filters, now, limits, terminal, params)
    return Page(items=[views.list_item(d, parties, actor, limits, now) for d, parties in rows], next_cursor=cursor)


def list_disputes(
    session: Session, actor: Actor, query: ListQuery, params: PageParams, limits: DisputeTimeLimits
) -> Page[DisputeListItem]:
    now = utcnow()
    known = query.filters.category is None or repo.get_category(session, query.filters.category) is not None
    unit = repo.get_unit(session, query.org_unit_id) if query.org_unit_id is not None else None
    filters = _narrowed(query, known, unit)
    if filters is None:
        return Page(items=[], next_cursor=None)
    bound = repo.list_query(actor, filters, now, limits, DISPUTE_MACHINE.terminal_states)
    rows, cursor = paginate_bound(session, bound, "created_at", "id", params)
    parties = repo.party_briefs(session, [d.id for d in rows])
    return Page(items=[views.list_item(d, parties[d.id], actor, limits, now) for d in rows], next_cursor=cursor)


def _narrowed(
    query: ListQuery, category_known: bool, unit: OrgUnit | loop_reads.UnitPlace | None
) -> repo.DisputeFilters | None:
    """The query's filters with its unit as the narrowest filter the indexes serve; None when the
    unit does not exist (an empty page). 422 for a category that does not exist."""
    if not category_known:
        raise errors.ValidationFailed.one("query.category", "unknown category")
    if query.org_unit_id is None:
        return query.filters
    return None if unit is None else dataclasses.replace(query.filters, **_unit_filter(unit))


def _unit_filter(unit: OrgUnit | loop_reads.UnitPlace) -> dict[str, Any]:
    """Disputes under ``unit``: a community's by its id, a grid's (a leaf) by its own, any other
    unit's by its subtree path."""
    if unit.kind == OrgKind.community:
        return {"community_id": unit.id}
    if unit.kind == OrgKind.grid:
        return {"org_unit_id": unit.id}
    return {"org_unit_path": unit.path}


def public_status(session: Session, tracking_code: str) -> PublicDisputeStatus:
    dispute = repo.by_tracking_code(session, tracking_code.strip().upper())
    if dispute is None:
        raise errors.NotFound("no dispute with this 解纷码")
    return views.public_status(dispute)


def history(session: Session, actor: Actor, dispute_id: uuid.UUID) -> Page[HistoryItem]:
    dispute = _load(session, actor, dispute_id)
    return Page.whole([views.history_item(r) for r in history_of(session, DISPUTE_MACHINE.name, dispute.id)])


def escalations(session: Session, actor: Actor, dispute_id: uuid.UUID) -> Page[EscalationRead]:
    dispute = _load(session, actor, dispute_id)
    return Page.whole([views.escalation_read(e) for e in repo.applications_of(session, dispute.id)])


# ---- actions and activities ---------------------------------------------------------------------


def perform(cmd: Command) -> DisputeRead:
    """One action of the dispute machine."""
    dispute = _load(cmd.session, cmd.actor, cmd.aggregate_id, lock=True)
    take_action(cmd.session, DISPUTE_MACHINE, dispute, cmd.actor, cmd.code, cmd.body, cmd.if_match)
    read = views.dispute_read(cmd.session, dispute, cmd.actor, cmd.settings.dispute_time_limits, utcnow())
    cmd.session.commit()
    return read


def record(cmd: Command) -> BaseModel:
    """One activity of the dispute machine: the 三查三问 checklist, a mediation session, a judicial
    confirmation or the task force's disposal report."""
    dispute = _load(cmd.session, cmd.actor, cmd.aggregate_id, lock=True)
    _, written = do_activity(cmd.session, DISPUTE_MACHINE, dispute, cmd.actor, cmd.code, cmd.body, cmd.if_match)
    activity = DISPUTE_MACHINE.activity(cmd.code)
    assert activity is not None and activity.result is not None  # do_activity answered 404 otherwise
    # The checklist is written on the dispute itself and read as its view; the rest are sub-records.
    read = views.screening_read(dispute) if written is dispute else activity.result.model_validate(written)
    cmd.session.commit()
    return read


# ---- sub-record reads ---------------------------------------------------------------------------


def get_screening(session: Session, actor: Actor, dispute_id: uuid.UUID) -> ScreeningRead:
    return views.screening_read(_load(session, actor, dispute_id))


def list_sessions(session: Session, actor: Actor, dispute_id: uuid.UUID) -> Page[SessionRead]:
    dispute = _load(session, actor, dispute_id)
    return Page.whole([SessionRead.model_validate(s) for s in repo.sessions_of(session, dispute.id)])


def get_agreement(session: Session, actor: Actor, dispute_id: uuid.UUID) -> AgreementRead:
    dispute = _load(session, actor, dispute_id)
    agreement = repo.current_agreement(session, dispute.id)
    if agreement is None:
        raise errors.NotFound("no agreement recorded yet")
    return views.agreement_read(agreement)


def get_judicial_confirmation(session: Session, actor: Actor, dispute_id: uuid.UUID) -> JudicialConfirmationRead:
    dispute = _load(session, actor, dispute_id)
    rows = repo.confirmations_of(session, dispute.id)
    if not rows:
        raise errors.NotFound("no judicial confirmation recorded")
    return JudicialConfirmationRead.model_validate(rows[-1])


def get_disposal_report(session: Session, actor: Actor, dispute_id: uuid.UUID) -> DisposalReportRead:
    dispute = _load(session, actor, dispute_id)
    report = repo.disposal_report_of(session, dispute.id)
    if report is None:
        raise errors.NotFound("no disposal report filed")
    return DisposalReportRead.model_validate(report)


# ---- categories ---------------------------------------------------------------------------------


def list_categories(session: Session) -> Page[CategoryRead]:
    return Page.whole(
        [CategoryRead(code=c.code, name=c.name, builtin=c.builtin) for c in repo.list_categories(session)]
    )


def create_category(session: Session, actor: Actor, raw: Any) -> CategoryRead:
    """The 司法所 extends the category list (data, not code)."""
    if not (actor.is_admin or actor.holds(Role.judicial_officer)):
        raise errors.Forbidden("only the 司法所 (judicial_officer) adds dispute categories")
    body = parse(CategoryCreate, raw)
    if repo.get_category(session, body.code) is not None:
        raise errors.Duplicate(f"category {body.code} exists", existing_id=body.code)
    repo.add(session, DisputeCategory(code=body.code, name=body.name, builtin=False, created_by_id=actor.user_id))
    session.commit()
    return CategoryRead(code=body.code, name=body.name, builtin=False)
