"""Use cases of disputes: intake, reads (with personal-data audit), the machine's actions and the
sub-records (screening, sessions, judicial confirmation, disposal report). One transaction per call;
mutating use cases commit once at the end. Checks follow API.md's order: scope 404 → If-Match 412 →
state 409 → role 403 → body 422 → duplicate 409 → guards 409."""

import base64
import datetime as dt
import secrets
import uuid
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.actor import Actor
from governance_api.core.history import history_of
from governance_api.core.machine import Permission
from governance_api.core.pagination import Page, PageParams, paginate
from governance_api.core.problems import pydantic_errors
from governance_api.core.transitions import check_version, record_creation, take_action, touch
from governance_api.disputes import repository as repo
from governance_api.disputes import views
from governance_api.disputes.machine import CREATE_ROLES, DISPUTE_MACHINE, HANDLERS, apply_screening, merged_screening
from governance_api.disputes.permissions import HandlersOrJudicialOfficer
from governance_api.disputes.schemas import (
    AgreementRead,
    CategoryCreate,
    CategoryRead,
    DisposalReportCreate,
    DisposalReportRead,
    DisputeCreate,
    DisputeListItem,
    DisputeRead,
    DisputeTarget,
    EscalationRead,
    HistoryItem,
    ItemList,
    JudicialConfirmationCreate,
    JudicialConfirmationRead,
    PublicDisputeStatus,
    ScreeningRead,
    ScreeningUpdate,
    SessionCreate,
    SessionRead,
)
from governance_api.disputes.vocab import AgreementForm, Level
from governance_api.models.base import utcnow
from governance_api.models.disputes import (
    DisposalReport,
    Dispute,
    DisputeCategory,
    DisputeParty,
    JudicialConfirmation,
    MediationSession,
)
from governance_api.models.org import OrgUnit
from governance_api.roles import OrgKind, Role
from governance_api.settings import DisputeTimeLimits

M = TypeVar("M", bound=BaseModel)
LIMITS_KEY = "dispute_time_limits"
TRACKING_CODE_BYTES = 10  # 80 bits from ``secrets``: 16 base32 characters


def new_tracking_code() -> str:
    """解纷码: unguessable, case-insensitive, no padding (e.g. ``K3J7Q2M9X4B6T8VW``)."""
    return base64.b32encode(secrets.token_bytes(TRACKING_CODE_BYTES)).decode().rstrip("=")


def time_limits(session: Session) -> DisputeTimeLimits:
    """The time limits the router put on the session (``settings.dispute_time_limits``)."""
    limits = session.info.get(LIMITS_KEY)
    return limits if isinstance(limits, DisputeTimeLimits) else DisputeTimeLimits()


def _validate(model: type[M], raw: Any) -> M:
    try:
        return model.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        raise pydantic_errors(exc) from exc


def _in_scope(actor: Actor, path: str) -> bool:
    return actor.is_admin or any(path.startswith(g.path) for g in actor.grants)


def _load(session: Session, actor: Actor, dispute_id: uuid.UUID, *, lock: bool = False) -> Dispute:
    dispute = repo.get_visible(session, actor, dispute_id, lock=lock)
    if dispute is None:
        raise errors.NotFound("no such dispute")
    return dispute


def _load_for(
    session: Session,
    actor: Actor,
    dispute_id: uuid.UUID,
    if_match: int | None,
    what: str,
    states: tuple[str, ...],
    permission: Permission[Dispute],
) -> Dispute:
    """A sub-record write: scope → If-Match → state → role, on the locked dispute."""
    dispute = _load(session, actor, dispute_id, lock=True)
    check_version(dispute, if_match)
    if dispute.state not in states:
        raise errors.TransitionNotAllowed(what, dispute.state)
    if not permission.allows(actor, dispute):
        raise errors.Forbidden(f"your roles may not record the {what} of this dispute")
    return dispute


# ---- intake -------------------------------------------------------------------------------------


def _intake_unit(session: Session, actor: Actor, raw: Any) -> tuple[OrgUnit, OrgUnit | None]:
    """The community (and grid) a create names; 404 when the dispute's unit is outside the caller's
    scope, 422 when the grid is not one of the community's."""
    try:
        target = DisputeTarget.model_validate(raw)
    except ValidationError:
        _validate(DisputeCreate, raw)  # answers with every field error
        raise
    community = repo.get_unit(session, target.community_id)
    if community is None:
        raise errors.NotFound("no such community")
    grid = None
    if target.grid_id is not None:
        grid = repo.get_unit(session, target.grid_id)
        if grid is None or grid.kind != OrgKind.grid or grid.parent_id != community.id:
            raise errors.ValidationFailed.one("body.grid_id", "not a grid of this community")
    unit = grid or community
    if not _in_scope(actor, unit.path):
        raise errors.NotFound("no such community in your scope")
    if community.kind != OrgKind.community:
        raise errors.ValidationFailed.one("body.community_id", "not a community (居民区)")
    return community, grid


def create_dispute(session: Session, actor: Actor, raw: Any, limits: DisputeTimeLimits) -> DisputeRead:
    community, grid = _intake_unit(session, actor, raw)
    unit = grid or community
    if not actor.holds_any(CREATE_ROLES, unit.path):
        raise errors.Forbidden("your roles may not report disputes here")
    body = _validate(DisputeCreate, raw)
    if repo.get_category(session, body.category) is None:
        raise errors.ValidationFailed.one("body.category", "unknown category")
    if body.external_id is not None:
        _refuse_duplicate(session, body.channel.value, body.external_id)
    now = utcnow()
    dispute = Dispute(
        id=uuid.uuid4(),
        community_id=community.id,
        grid_id=grid.id if grid else None,
        org_unit_id=unit.id,
        scope_path=unit.path,
        created_by_id=actor.user_id,
        channel=body.channel.value,
        category=body.category,
        title=body.title,
        description=body.description,
        external_id=body.external_id,
        tracking_code=new_tracking_code(),
        level=Level.community.value,
        level_entered_at=now,
        created_at=now,
        parties=[
            DisputeParty(seq=i, name=p.name, role=p.role.value, phone=p.phone, id_number=p.id_number)
            for i, p in enumerate(body.parties)
        ],
    )
    try:
        record_creation(session, DISPUTE_MACHINE, dispute, actor)
    except IntegrityError as exc:  # a concurrent feed delivery of the same external id
        session.rollback()
        if body.external_id is not None:
            _refuse_duplicate(session, body.channel.value, body.external_id)
        raise errors.Duplicate("the dispute could not be recorded; retry") from exc
    read = views.dispute_read(session, dispute, actor, limits, now)
    session.commit()
    return read


def _refuse_duplicate(session: Session, channel: str, external_id: str) -> None:
    existing = repo.by_external_id(session, channel, external_id)
    if existing is not None:
        raise errors.Duplicate(f"external_id already recorded for channel {channel}", existing_id=str(existing.id))


# ---- reads --------------------------------------------------------------------------------------


def get_dispute(session: Session, actor: Actor, dispute_id: uuid.UUID, limits: DisputeTimeLimits) -> DisputeRead:
    dispute = _load(session, actor, dispute_id)
    read = views.dispute_read(session, dispute, actor, limits, utcnow())
    session.commit()  # the audit row of an unmasked read
    return read


def list_disputes(
    session: Session,
    actor: Actor,
    filters: repo.DisputeFilters,
    org_unit_id: uuid.UUID | None,
    params: PageParams,
    limits: DisputeTimeLimits,
) -> Page[DisputeListItem]:
    now = utcnow()
    if filters.category is not None and repo.get_category(session, filters.category) is None:
        raise errors.ValidationFailed.one("query.category", "unknown category")
    if org_unit_id is not None:
        unit = repo.get_unit(session, org_unit_id)
        if unit is None:
            return Page(items=[], next_cursor=None)
        filters = repo.DisputeFilters(**{**filters.__dict__, "org_unit_path": unit.path})
    stmt = repo.list_query(actor, filters, now, limits)
    rows, cursor = paginate(session, stmt, Dispute.created_at, Dispute.id, params)
    return Page(items=[views.list_item(d, actor, limits, now) for d in rows], next_cursor=cursor)


def public_status(session: Session, tracking_code: str) -> PublicDisputeStatus:
    dispute = repo.by_tracking_code(session, tracking_code.strip().upper())
    if dispute is None:
        raise errors.NotFound("no dispute with this 解纷码")
    return views.public_status(dispute)


def history(session: Session, actor: Actor, dispute_id: uuid.UUID) -> ItemList[HistoryItem]:
    dispute = _load(session, actor, dispute_id)
    return ItemList(items=[views.history_item(r) for r in history_of(session, "dispute", dispute.id)])


def escalations(session: Session, actor: Actor, dispute_id: uuid.UUID) -> ItemList[EscalationRead]:
    dispute = _load(session, actor, dispute_id)
    return ItemList(items=[views.escalation_read(e) for e in repo.applications_of(session, dispute.id)])


# ---- actions ------------------------------------------------------------------------------------


def perform(
    session: Session, actor: Actor, dispute_id: uuid.UUID, code: str, raw: Any, if_match: int | None
) -> DisputeRead:
    """One action of the dispute machine, through the foundation's single transition path."""
    if DISPUTE_MACHINE.action(code) is None:
        raise errors.NotFound(f"no action '{code}' on dispute")
    dispute = _load(session, actor, dispute_id, lock=True)
    take_action(session, DISPUTE_MACHINE, dispute, actor, code, raw, if_match)
    read = views.dispute_read(session, dispute, actor, time_limits(session), utcnow())
    session.commit()
    return read


# ---- screening (三查三问) -------------------------------------------------------------------------


def get_screening(session: Session, actor: Actor, dispute_id: uuid.UUID) -> ScreeningRead:
    return views.screening_read(_load(session, actor, dispute_id))


def save_screening(
    session: Session, actor: Actor, dispute_id: uuid.UUID, raw: Any, if_match: int | None
) -> ScreeningRead:
    dispute = _load_for(session, actor, dispute_id, if_match, "screening", ("screening",), HANDLERS)
    body = _validate(ScreeningUpdate, raw)
    apply_screening(dispute, merged_screening(dispute, body))
    touch(session, dispute)
    read = views.screening_read(dispute)
    session.commit()
    return read


# ---- mediation sessions -------------------------------------------------------------------------


def _session_read(s: MediationSession) -> SessionRead:
    return SessionRead.model_validate(s, from_attributes=True)


def add_session(session: Session, actor: Actor, dispute_id: uuid.UUID, raw: Any, if_match: int | None) -> SessionRead:
    dispute = _load_for(session, actor, dispute_id, if_match, "mediation session", ("mediating",), HANDLERS)
    body = _validate(SessionCreate, raw)
    row = MediationSession(
        dispute_id=dispute.id,
        level=dispute.level,
        held_at=body.held_at,
        participants=list(body.participants),
        notes=body.notes,
        outcome=body.outcome.value,
        recorded_by_id=actor.user_id,
        created_at=utcnow(),
    )
    repo.add(session, row)
    touch(session, dispute)
    read = _session_read(row)
    session.commit()
    return read


def list_sessions(session: Session, actor: Actor, dispute_id: uuid.UUID) -> ItemList[SessionRead]:
    dispute = _load(session, actor, dispute_id)
    return ItemList(items=[_session_read(s) for s in repo.sessions_of(session, dispute.id)])


# ---- agreement and judicial confirmation (司法确认) ------------------------------------------------


def get_agreement(session: Session, actor: Actor, dispute_id: uuid.UUID) -> AgreementRead:
    dispute = _load(session, actor, dispute_id)
    agreement = repo.current_agreement(session, dispute.id)
    if agreement is None:
        raise errors.NotFound("no agreement recorded yet")
    return views.agreement_read(agreement)


def _confirmation_read(c: JudicialConfirmation) -> JudicialConfirmationRead:
    return JudicialConfirmationRead.model_validate(c, from_attributes=True)


def add_judicial_confirmation(
    session: Session, actor: Actor, dispute_id: uuid.UUID, raw: Any, if_match: int | None
) -> JudicialConfirmationRead:
    """人民调解法 art. 33: a WRITTEN agreement reached in people's mediation (not by a task force),
    applied for within 30 days of taking effect (``signed_on``; day 30 counts, day 31 does not)."""
    dispute = _load_for(
        session,
        actor,
        dispute_id,
        if_match,
        "judicial confirmation",
        ("fulfilling", "resolved"),
        HandlersOrJudicialOfficer(),
    )
    body = _validate(JudicialConfirmationCreate, raw)
    agreement = repo.current_agreement(session, dispute.id)
    if agreement is not None and repo.confirmation_of(session, agreement.id) is not None:
        raise errors.Duplicate("judicial confirmation already recorded for this agreement")
    unmet = _confirmation_unmet(agreement, body)
    if unmet or agreement is None:
        raise errors.GuardFailed(unmet or ["agreement"])
    row = JudicialConfirmation(
        dispute_id=dispute.id,
        agreement_id=agreement.id,
        court=body.court,
        applied_on=body.applied_on,
        recorded_by_id=actor.user_id,
        created_at=utcnow(),
    )
    repo.add(session, row)
    touch(session, dispute)
    read = _confirmation_read(row)
    session.commit()
    return read


def _confirmation_unmet(agreement: Any, body: JudicialConfirmationCreate) -> list[str]:
    if agreement is None:
        return ["agreement"]
    if agreement.form != AgreementForm.written or agreement.signed_on is None:
        return ["written_agreement"]
    unmet = []
    if Level(agreement.level) not in views.PEOPLES_MEDIATION_LEVELS:
        unmet.append("peoples_mediation")
    if body.applied_on < agreement.signed_on:
        unmet.append("applied_on_after_signing")
    elif body.applied_on - agreement.signed_on > dt.timedelta(days=views.JUDICIAL_CONFIRMATION_DAYS):
        unmet.append("within_30_days")
    return unmet


def get_judicial_confirmation(session: Session, actor: Actor, dispute_id: uuid.UUID) -> JudicialConfirmationRead:
    dispute = _load(session, actor, dispute_id)
    rows = repo.confirmations_of(session, dispute.id)
    if not rows:
        raise errors.NotFound("no judicial confirmation recorded")
    return _confirmation_read(rows[-1])


# ---- disposal report (处置报告) --------------------------------------------------------------------


def _report_read(r: DisposalReport) -> DisposalReportRead:
    return DisposalReportRead.model_validate(r, from_attributes=True)


def add_disposal_report(
    session: Session, actor: Actor, dispute_id: uuid.UUID, raw: Any, if_match: int | None
) -> DisposalReportRead:
    dispute = _load_for(session, actor, dispute_id, if_match, "disposal report", ("mediating", "fulfilling"), HANDLERS)
    body = _validate(DisposalReportCreate, raw)
    if repo.disposal_report_of(session, dispute.id) is not None:
        raise errors.Duplicate("a disposal report is already filed")
    if dispute.level != Level.task_force:
        raise errors.GuardFailed(["task_force_level"], "a disposal report is the task force's (专班) report")
    row = DisposalReport(dispute_id=dispute.id, content=body.content, recorded_by_id=actor.user_id, created_at=utcnow())
    repo.add(session, row)
    touch(session, dispute)
    read = _report_read(row)
    session.commit()
    return read


def get_disposal_report(session: Session, actor: Actor, dispute_id: uuid.UUID) -> DisposalReportRead:
    dispute = _load(session, actor, dispute_id)
    report = repo.disposal_report_of(session, dispute.id)
    if report is None:
        raise errors.NotFound("no disposal report filed")
    return _report_read(report)


# ---- categories ---------------------------------------------------------------------------------


def list_categories(session: Session) -> ItemList[CategoryRead]:
    return ItemList(
        items=[CategoryRead(code=c.code, name=c.name, builtin=c.builtin) for c in repo.list_categories(session)]
    )


def create_category(session: Session, actor: Actor, raw: Any) -> CategoryRead:
    """The 司法所 extends the category list (data, not code)."""
    if not (actor.is_admin or actor.holds(Role.judicial_officer)):
        raise errors.Forbidden("only the 司法所 (judicial_officer) adds dispute categories")
    body = _validate(CategoryCreate, raw)
    if repo.get_category(session, body.code) is not None:
        raise errors.Duplicate(f"category {body.code} exists", existing_id=body.code)
    repo.add(session, DisputeCategory(code=body.code, name=body.name, builtin=False, created_by_id=actor.user_id))
    session.commit()
    return CategoryRead(code=body.code, name=body.name, builtin=False)
