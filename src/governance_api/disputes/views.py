"""Read models of disputes for a given caller: labels, ``allowed_actions``, ``overdue``, and the
parties' personal data masked unless the caller handles the dispute or is the 司法所 over it.
Every unmasked read of a phone or ID number is audited (``PersonalDataAccess``): ``dispute_view``
says which fields it discloses, and the row is committed before the answer leaves (with a
transition's own changes, or on its own after a GET's read: ``service.read_dispute``)."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.validators import PERSONAL_FIELDS, SHANGHAI, mask_phone
from governance_api.disputes import repository as repo
from governance_api.disputes.effects import SCREENING_FIELDS, merged_screening, screening_missing
from governance_api.disputes.machine import DISPUTE_MACHINE
from governance_api.disputes.permissions import sees_personal_data
from governance_api.disputes.reads import (
    AgreementRead,
    DisputeListItem,
    DisputeRead,
    EscalationRead,
    HistoryItem,
    PartyBrief,
    PartyRead,
    PublicDisputeStatus,
    ScreeningRead,
    TaskForceRead,
    TermRead,
)
from governance_api.disputes.vocab import (
    JUDICIAL_CONFIRMATION_DAYS,
    PEOPLES_MEDIATION_LEVELS,
    AgreementForm,
    Level,
)
from governance_api.models.disputes import Agreement, Dispute, DisputeParty, EscalationApplication
from governance_api.models.records import TransitionRecord
from governance_api.settings import DisputeTimeLimits


def level_deadline(dispute: Dispute, limits: DisputeTimeLimits) -> dt.datetime:
    return dispute.level_entered_at + dt.timedelta(days=getattr(limits, dispute.level))


def is_overdue(dispute: Dispute, limits: DisputeTimeLimits, now: dt.datetime) -> bool:
    return dispute.state not in DISPUTE_MACHINE.terminal_states and now > level_deadline(dispute, limits)


def _base(dispute: Dispute, actor: Actor, limits: DisputeTimeLimits, now: dt.datetime) -> dict[str, object]:
    return {
        **DISPUTE_MACHINE.record_fields(dispute, actor),
        "community_id": dispute.community_id,
        "grid_id": dispute.grid_id,
        "org_unit_id": dispute.org_unit_id,
        "channel": dispute.channel,
        "category": dispute.category,
        "title": dispute.title,
        "level": dispute.level,
        "level_label": Level(dispute.level).label,
        "level_entered_at": dispute.level_entered_at,
        "level_deadline": level_deadline(dispute, limits),
        "overdue": is_overdue(dispute, limits, now),
        "track": dispute.track,
        "risk_level": dispute.risk_level,
        "group_dispute": dispute.group_dispute,
        "multi_department": dispute.multi_department,
        "early_warning": dispute.early_warning,
        "tracking_code": dispute.tracking_code,
        "external_id": dispute.external_id,
        "referral_route": dispute.referral_route,
        "patrol_finding_id": dispute.patrol_finding_id,
    }


def _personal(party: DisputeParty, unmasked: bool) -> dict[str, str | None]:
    values = {f: getattr(party, f) for f in PERSONAL_FIELDS}
    return {f: v if unmasked or v is None else PERSONAL_FIELDS[f](v) for f, v in values.items()}


def dispute_read(
    session: Session, dispute: Dispute, actor: Actor, limits: DisputeTimeLimits, now: dt.datetime
) -> DisputeRead:
    """The full read model; unmasked (and audited, in ``session``) for handlers and the 司法所."""
    read, disclosed = dispute_view(dispute, actor, limits, now)
    if disclosed:
        repo.record_access(session, actor, dispute.id, disclosed)
    return read


def dispute_view(
    dispute: Dispute, actor: Actor, limits: DisputeTimeLimits, now: dt.datetime
) -> tuple[DisputeRead, str | None]:
    """The full read model, and which personal fields it discloses unmasked (``parties.phone,…``),
    which the caller must audit; None when it discloses none."""
    unmasked = sees_personal_data(actor, dispute)
    parties = [PartyRead(name=p.name, role=p.role, **_personal(p, unmasked)) for p in dispute.parties]
    disclosed = None
    if unmasked:
        fields = [f for f in PERSONAL_FIELDS if any(getattr(p, f) for p in dispute.parties)]
        disclosed = ",".join(f"parties.{f}" for f in fields) or None
    task_force = None
    if dispute.task_force_lead_id is not None and dispute.task_force_formed_at is not None:
        task_force = TaskForceRead(
            lead_user_id=dispute.task_force_lead_id,
            department_ids=[d.department_id for d in dispute.task_force_departments],
            formed_at=dispute.task_force_formed_at,
        )
    read = DisputeRead.model_validate(
        _base(dispute, actor, limits, now)
        | {
            "description": dispute.description,
            "parties": parties,
            "personal_data_masked": not unmasked,
            "task_force": task_force,
        }
    )
    return read, disclosed


def list_item(
    dispute: Dispute, parties: Sequence[Any], actor: Actor, limits: DisputeTimeLimits, now: dt.datetime
) -> DisputeListItem:
    """A list row: phones always masked, never an ID number, so lists need no audit. ``parties``:
    the dispute's (name, role, phone), in order (``repository.party_briefs``)."""
    briefs = [PartyBrief(name=p.name, role=p.role, phone=mask_phone(p.phone) if p.phone else None) for p in parties]
    return DisputeListItem.model_validate(_base(dispute, actor, limits, now) | {"parties": briefs})


def public_status(dispute: Dispute) -> PublicDisputeStatus:
    return PublicDisputeStatus(
        tracking_code=dispute.tracking_code,
        state=dispute.state,
        state_label=DISPUTE_MACHINE.label_of(dispute.state),
        level=dispute.level,
        level_label=Level(dispute.level).label,
    )


def screening_read(dispute: Dispute) -> ScreeningRead:
    values = merged_screening(dispute, None)
    gaps = screening_missing(values)
    data = {f: values[f] for f in SCREENING_FIELDS}
    return ScreeningRead.model_validate(
        data | {"dispute_id": dispute.id, "version": dispute.version, "complete": not gaps, "missing": gaps}
    )


def agreement_read(a: Agreement) -> AgreementRead:
    written = a.form == AgreementForm.written
    effective_on = a.signed_on if written and a.signed_on else a.created_at.astimezone(SHANGHAI).date()
    deadline = None
    if written and a.signed_on and Level(a.level) in PEOPLES_MEDIATION_LEVELS:
        deadline = a.signed_on + dt.timedelta(days=JUDICIAL_CONFIRMATION_DAYS)
    return AgreementRead(
        id=a.id,
        level=a.level,
        form=AgreementForm(a.form),
        content=a.content,
        facts=a.facts,
        terms=[TermRead.model_validate(t) for t in a.terms],
        signed_by_parties=a.signed_by_parties,
        signed_on=a.signed_on,
        effective_on=effective_on,
        judicial_confirmation_deadline=deadline,
        status=a.status,
        recorded_by_id=a.recorded_by_id,
        created_at=a.created_at,
    )


def escalation_read(e: EscalationApplication) -> EscalationRead:
    return EscalationRead.model_validate(e, from_attributes=True)


def history_item(r: TransitionRecord) -> HistoryItem:
    details = r.details or {}
    return HistoryItem.of(r, level_before=details.get("level_before"), level_after=details.get("level_after"))
