"""The dispute's activities (活动): writes that depend on its state without changing it — the
三查三问 checklist saved while screening, mediation sessions (调解记录) while mediating, the
司法确认 record of a written agreement, and the task force's 处置报告 (DOMAIN.md §3.3)."""

import datetime as dt

from governance_api.core import errors
from governance_api.core.machine import Activity, Guard, WriteContext
from governance_api.disputes import repository as repo
from governance_api.disputes.effects import apply_screening, merged_screening
from governance_api.disputes.permissions import HANDLERS, HandlersOrJudicialOfficer
from governance_api.disputes.reads import DisposalReportRead, JudicialConfirmationRead, ScreeningRead, SessionRead
from governance_api.disputes.schemas import (
    DisposalReportCreate,
    JudicialConfirmationCreate,
    ScreeningUpdate,
    SessionCreate,
)
from governance_api.disputes.vocab import (
    JUDICIAL_CONFIRMATION_DAYS,
    PEOPLES_MEDIATION_LEVELS,
    AgreementForm,
    Level,
)
from governance_api.models.disputes import DisposalReport, Dispute, JudicialConfirmation, MediationSession

Ctx = WriteContext[Dispute]


def _save_screening(ctx: Ctx) -> Dispute:
    apply_screening(ctx.aggregate, merged_screening(ctx.aggregate, ctx.body))
    return ctx.aggregate


def _record_session(ctx: Ctx) -> MediationSession:
    b = ctx.body
    row = MediationSession(
        dispute_id=ctx.aggregate.id,
        level=ctx.aggregate.level,
        held_at=b.held_at,
        participants=list(b.participants),
        notes=b.notes,
        outcome=b.outcome.value,
        recorded_by_id=ctx.actor.user_id,
        created_at=ctx.now,
    )
    repo.add(ctx.session, row)
    return row


# ---- 司法确认 (judicial confirmation) --------------------------------------------------------------


def _one_confirmation(ctx: Ctx) -> None:
    agreement = repo.current_agreement(ctx.session, ctx.aggregate.id)
    if agreement is not None and repo.confirmation_of(ctx.session, agreement.id) is not None:
        raise errors.Duplicate("judicial confirmation already recorded for this agreement")


def _confirmable(ctx: Ctx) -> list[str]:
    """人民调解法 art. 33: a WRITTEN agreement reached in people's mediation (not by a task force),
    applied for within 30 days of taking effect (``signed_on``; day 30 counts, day 31 does not)."""
    agreement = repo.current_agreement(ctx.session, ctx.aggregate.id)
    if agreement is None:
        return ["agreement"]
    if agreement.form != AgreementForm.written or agreement.signed_on is None:
        return ["written_agreement"]
    unmet = []
    if Level(agreement.level) not in PEOPLES_MEDIATION_LEVELS:
        unmet.append("peoples_mediation")
    applied_on: dt.date = ctx.body.applied_on
    if applied_on < agreement.signed_on:
        unmet.append("applied_on_after_signing")
    elif applied_on - agreement.signed_on > dt.timedelta(days=JUDICIAL_CONFIRMATION_DAYS):
        unmet.append("within_30_days")
    return unmet


def _record_confirmation(ctx: Ctx) -> JudicialConfirmation:
    agreement = repo.current_agreement(ctx.session, ctx.aggregate.id)
    assert agreement is not None  # the guard has checked it
    row = JudicialConfirmation(
        dispute_id=ctx.aggregate.id,
        agreement_id=agreement.id,
        court=ctx.body.court,
        applied_on=ctx.body.applied_on,
        recorded_by_id=ctx.actor.user_id,
        created_at=ctx.now,
    )
    repo.add(ctx.session, row)
    return row


# ---- 处置报告 (disposal report) --------------------------------------------------------------------


def _one_report(ctx: Ctx) -> None:
    if repo.disposal_report_of(ctx.session, ctx.aggregate.id) is not None:
        raise errors.Duplicate("a disposal report is already filed")


def _at_task_force(ctx: Ctx) -> list[str]:
    return [] if ctx.aggregate.level == Level.task_force else ["task_force_level"]


def _file_report(ctx: Ctx) -> DisposalReport:
    row = DisposalReport(
        dispute_id=ctx.aggregate.id, content=ctx.body.content, recorded_by_id=ctx.actor.user_id, created_at=ctx.now
    )
    repo.add(ctx.session, row)
    return row


ACTIVITIES: tuple[Activity[Dispute], ...] = (
    Activity(
        "save_screening",
        "保存三查三问",
        ("screening",),
        HANDLERS,
        _save_screening,
        body=ScreeningUpdate,
        result=ScreeningRead,
    ),
    Activity(
        "record_session",
        "记录调解",
        ("mediating",),
        HANDLERS,
        _record_session,
        body=SessionCreate,
        result=SessionRead,
    ),
    Activity(
        "record_judicial_confirmation",
        "记录司法确认",
        ("fulfilling", "resolved"),
        HandlersOrJudicialOfficer(),
        _record_confirmation,
        body=JudicialConfirmationCreate,
        result=JudicialConfirmationRead,
        unique=_one_confirmation,
        guards=(
            Guard(
                "a written agreement (调解协议书) reached in people's mediation (not by a task force), applied for"
                " on or after signed_on and within 30 days of it",
                _confirmable,
                {
                    "agreement": "尚未达成调解协议",
                    "written_agreement": "司法确认须为书面调解协议书",
                    "peoples_mediation": "司法确认限于人民调解达成的协议",
                    "applied_on_after_signing": "申请日期不得早于协议签订日期",
                    "within_30_days": "须在协议生效之日起30日内申请",
                },
            ),
        ),
    ),
    Activity(
        "file_disposal_report",
        "提交处置报告",
        ("mediating", "fulfilling"),
        HANDLERS,
        _file_report,
        body=DisposalReportCreate,
        result=DisposalReportRead,
        unique=_one_report,
        guards=(
            Guard(
                "the dispute is with a task force (专班)",
                _at_task_force,
                {"task_force_level": "处置报告限矛盾化解专班"},
            ),
        ),
    ),
)
