"""Reminders (DOMAIN §6), each raised exactly once, as an outbox event that the fan-out publishes:

- ``dispute.overdue`` (``governance.dispute.overdue.v1``): a dispute not in a terminal state has
  been at its level longer than that level's time limit (``settings.dispute_time_limits``; the
  same rule as the ``overdue`` flag of the dispute reads, ``disputes.repository.overdue_clause``) —
  once per (dispute, level).
- ``dispute.confirmation_deadline`` (``governance.agreement.confirmation_deadline.v1``): a signed
  written agreement of a people's-mediation level without a judicial confirmation, whose 30-day
  window to apply (DOMAIN §3, ``JUDICIAL_CONFIRMATION_DAYS``) ends within 5 days — once per
  agreement, on the Shanghai day 5 days before the deadline (or the first run after it, while the
  deadline day has not passed). A breached agreement is skipped: a new one replaces it.
- ``decision.filing_unanswered`` (``governance.decision.filing_unanswered.v1``): a 报备 still open
  and unanswered ``settings.filing_reminder_days`` Shanghai days after the day it was made — once
  per filing.

"Once" is a row of ``reminders_sent`` inserted with ON CONFLICT DO NOTHING in the transaction that
writes the outbox row, and the outbox row only when the insert took: two workers (or a worker
restarted mid-run) never raise one twice. The clock is passed in (``now``), so tests drive it."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from governance_api.core.validators import SHANGHAI
from governance_api.db import Database
from governance_api.decisions.permissions import filing_open
from governance_api.delivery.events import CONFIRMATION_DEADLINE, FILING_UNANSWERED, OVERDUE
from governance_api.disputes.machine import DISPUTE_MACHINE
from governance_api.disputes.visibility import overdue_clause
from governance_api.disputes.vocab import JUDICIAL_CONFIRMATION_DAYS, PEOPLES_MEDIATION_LEVELS, AgreementForm
from governance_api.models.decisions import Decision, Filing
from governance_api.models.disputes import Agreement, Dispute, JudicialConfirmation
from governance_api.models.integration import ReminderSent
from governance_api.models.records import OutboxEvent
from governance_api.settings import Settings

CONFIRMATION_NOTICE_DAYS = 5  # DOMAIN §6: "a judicial confirmation deadline 5 days ahead"


def shanghai_midnight(day: dt.date) -> dt.datetime:
    """The UTC instant a Shanghai calendar day begins."""
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.UTC)


def run(db: Database, settings: Settings, now: dt.datetime) -> int:
    """Raise every reminder due at ``now``; how many were raised."""
    with db.transaction() as session:
        raised = _overdue(session, settings, now)
        raised += _confirmation_deadlines(session, now)
        raised += _unanswered_filings(session, settings, now)
    return raised


def _not_sent(kind: str, subject: Any) -> Any:
    return ~exists().where(ReminderSent.kind == kind, ReminderSent.subject_id == subject)


def _overdue(session: Session, settings: Settings, now: dt.datetime) -> int:
    limits = settings.dispute_time_limits
    rows = session.execute(
        select(Dispute.id, Dispute.level, Dispute.level_entered_at).where(
            overdue_clause(now, limits, DISPUTE_MACHINE.terminal_states),
            ~exists().where(
                ReminderSent.kind == OVERDUE, ReminderSent.subject_id == Dispute.id, ReminderSent.key == Dispute.level
            ),
        )
    ).all()
    raised = 0
    for r in rows:
        deadline = r.level_entered_at + dt.timedelta(days=getattr(limits, r.level))
        payload = {"level": r.level, "level_deadline": deadline.isoformat()}
        raised += _raise_once(session, now, OVERDUE, "dispute", r.id, r.level, payload)
    return raised


def _confirmation_deadlines(session: Session, now: dt.datetime) -> int:
    today = now.astimezone(SHANGHAI).date()
    # deadline = signed_on + 30 days; notice from deadline − 5 days until the deadline day itself
    earliest_signed = today - dt.timedelta(days=JUDICIAL_CONFIRMATION_DAYS)
    latest_signed = today - dt.timedelta(days=JUDICIAL_CONFIRMATION_DAYS - CONFIRMATION_NOTICE_DAYS)
    rows = session.execute(
        select(Agreement.id, Agreement.dispute_id, Agreement.signed_on).where(
            Agreement.form == AgreementForm.written.value,
            Agreement.level.in_([lv.value for lv in PEOPLES_MEDIATION_LEVELS]),
            Agreement.status != "breached",
            Agreement.signed_on.is_not(None),
            Agreement.signed_on >= earliest_signed,
            Agreement.signed_on <= latest_signed,
            ~exists().where(JudicialConfirmation.agreement_id == Agreement.id),
            _not_sent(CONFIRMATION_DEADLINE, Agreement.id),
        )
    ).all()
    raised = 0
    for r in rows:
        deadline = r.signed_on + dt.timedelta(days=JUDICIAL_CONFIRMATION_DAYS)
        payload = {"agreement_id": str(r.id), "signed_on": r.signed_on.isoformat(), "deadline": deadline.isoformat()}
        raised += _raise_once(session, now, CONFIRMATION_DEADLINE, "dispute", r.dispute_id, str(r.id), payload, r.id)
    return raised


def _unanswered_filings(session: Session, settings: Settings, now: dt.datetime) -> int:
    today = now.astimezone(SHANGHAI).date()
    # made on day F, reminded from day F + N: made before the start of day today − N + 1
    cutoff = shanghai_midnight(today - dt.timedelta(days=settings.filing_reminder_days - 1))
    rows = session.execute(
        select(Filing, Decision)
        .join(Decision, Decision.id == Filing.decision_id)
        .where(Filing.response.is_(None), Filing.created_at < cutoff, _not_sent(FILING_UNANSWERED, Filing.id))
    ).all()
    raised = 0
    for filing, decision in rows:
        if not filing_open(decision, filing):  # its round is over: nobody can answer it any more
            continue
        payload = {
            "filing_id": str(filing.id),
            "round": filing.round,
            "stage": filing.stage,
            "target_role": filing.target_role,
            "target_org_unit_id": str(filing.target_org_unit_id),
            "filed_at": filing.created_at.isoformat(),
        }
        raised += _raise_once(session, now, FILING_UNANSWERED, "decision", decision.id, "", payload, filing.id)
    return raised


def _raise_once(
    session: Session,
    now: dt.datetime,
    kind: str,
    aggregate_type: str,
    aggregate_id: uuid.UUID,
    key: str,
    payload: dict[str, Any],
    subject_id: uuid.UUID | None = None,
) -> int:
    """Insert the reminder's once-only row; the outbox event only if it was not there yet."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(ReminderSent)
        .values(kind=kind, subject_id=subject_id or aggregate_id, key=key, sent_at=now)
        .on_conflict_do_nothing()
        .returning(ReminderSent.kind)  # a row back only when the insert took (rowcount is -1 on psycopg)
    )
    if session.execute(stmt).first() is None:
        return 0
    session.add(
        OutboxEvent(
            aggregate_type=aggregate_type, aggregate_id=aggregate_id, kind=kind, payload=payload, created_at=now
        )
    )
    session.flush()
    return 1
