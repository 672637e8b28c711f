"""Guards and effects of the dispute machine's actions (DOMAIN.md §3.3): the 三查三问 checklist, the
agreement and its fulfilment, and the ladder. The definition that names them is ``machine.py``."""

from typing import Any

from governance_api.core import errors
from governance_api.core.machine import WriteContext, missing
from governance_api.disputes import repository as repo
from governance_api.disputes.schemas import ScreeningFields
from governance_api.disputes.vocab import EARLY_WARNING_RISKS, AgreementForm, Level, RiskLevel, rank
from governance_api.models.disputes import Agreement, Dispute, EscalationApplication, TaskForceDepartment
from governance_api.roles import OrgKind

Ctx = WriteContext[Dispute]

SCREENING_ANSWERS = ("background", "demands", "risks", "asked_party", "asked_neighbors", "asked_related_parties")
SCREENING_FIELDS = (*SCREENING_ANSWERS, "risk_level", "track", "group_dispute", "multi_department")
SCREENING_CODES = {
    "background": "请查背景",
    "demands": "请查诉求",
    "risks": "请查风险",
    "asked_party": "请问本人",
    "asked_neighbors": "请问邻居",
    "asked_related_parties": "请问关联方",
    "risk_level": "请研判风险等级",
    "track": "请选择化解路径(人民调解或多元化解)",
}


# ---- 三查三问 -------------------------------------------------------------------------------------


def merged_screening(dispute: Dispute, body: ScreeningFields | None) -> dict[str, Any]:
    """The saved checklist with the body's fields laid over it (fields left out keep their value)."""
    values = {f: getattr(dispute, f) for f in SCREENING_FIELDS}
    if body is not None:
        for name in body.model_fields_set:
            value = getattr(body, name)
            values[name] = value.value if hasattr(value, "value") else value
    return values


def screening_missing(values: dict[str, Any]) -> list[str]:
    return missing([(f, values[f]) for f in (*SCREENING_ANSWERS, "risk_level", "track")])


def apply_screening(dispute: Dispute, values: dict[str, Any]) -> None:
    for name in SCREENING_FIELDS:
        value = values[name]
        setattr(dispute, name, bool(value) if name in ("group_dispute", "multi_department") else value)


def screening_complete(ctx: Ctx) -> list[str]:
    return screening_missing(merged_screening(ctx.aggregate, ctx.body))


def finish_screening(ctx: Ctx) -> None:
    dispute = ctx.aggregate
    apply_screening(dispute, merged_screening(dispute, ctx.body))
    if dispute.risk_level is not None and RiskLevel(dispute.risk_level) in EARLY_WARNING_RISKS:
        dispute.early_warning = True
        ctx.emit(
            "dispute.early_warning",
            {
                "risk_level": dispute.risk_level,
                "group_dispute": dispute.group_dispute,
                "multi_department": dispute.multi_department,
                "org_unit_id": str(dispute.org_unit_id),
            },
        )


# ---- agreement and fulfilment ---------------------------------------------------------------------


def agreement_contents(ctx: Ctx) -> list[str]:
    b = ctx.body
    if b.form == AgreementForm.oral:
        return missing([("content", b.content)])
    unmet = missing([("facts", b.facts)])
    if not b.terms:
        unmet.append("terms")
    if b.signed_by_parties is not True:
        unmet.append("signed_by_parties")
    return unmet + missing([("signed_on", b.signed_on)])


def written_at_street(ctx: Ctx) -> list[str]:
    at_street = ctx.aggregate.level in (Level.street_joint, Level.hongmei)
    return ["written_form"] if at_street and ctx.body.form != AgreementForm.written else []


def record_agreement(ctx: Ctx) -> None:
    b = ctx.body
    written = b.form == AgreementForm.written
    repo.add(
        ctx.session,
        Agreement(
            dispute_id=ctx.aggregate.id,
            level=ctx.aggregate.level,
            form=b.form.value,
            content=None if written else b.content,
            facts=b.facts if written else None,
            terms=[{"description": t.description, "due_on": t.due_on.isoformat()} for t in b.terms or []]
            if written
            else [],
            signed_by_parties=bool(b.signed_by_parties) if written else False,
            signed_on=b.signed_on if written else None,
            status="fulfilling",
            recorded_by_id=ctx.actor.user_id,
            created_at=ctx.now,
        ),
    )


def set_agreement_status(status: str) -> Any:
    def effect(ctx: Ctx) -> None:
        agreement = repo.current_agreement(ctx.session, ctx.aggregate.id)
        if agreement is not None:
            agreement.status = status

    return effect


def disposal_report_at_task_force(ctx: Ctx) -> list[str]:
    if ctx.aggregate.level != Level.task_force:
        return []
    return [] if repo.disposal_report_of(ctx.session, ctx.aggregate.id) else ["disposal_report"]


# ---- the ladder ---------------------------------------------------------------------------------


def enter_level(dispute: Dispute, level: Level, ctx: Ctx) -> None:
    dispute.level = level.value
    dispute.level_entered_at = ctx.now


def application_fields(ctx: Ctx) -> list[str]:
    b = ctx.body
    return missing([("summary", b.summary), ("reason", b.reason), ("requested_level", b.requested_level)])


def requested_above_current(ctx: Ctx) -> list[str]:
    requested = ctx.body.requested_level
    if requested is None or rank(requested) > rank(ctx.aggregate.level):
        return []
    return ["requested_level_above_current"]


def session_at_current_level(ctx: Ctx) -> list[str]:
    held = repo.count_sessions_at(ctx.session, ctx.aggregate.id, ctx.aggregate.level)
    return [] if held else ["session_at_current_level"]


def file_application(ctx: Ctx) -> None:
    b = ctx.body
    repo.add(
        ctx.session,
        EscalationApplication(
            dispute_id=ctx.aggregate.id,
            from_level=ctx.aggregate.level,
            summary=b.summary,
            reason=b.reason,
            requested_level=b.requested_level.value,
            applied_by_id=ctx.actor.user_id,
            applied_at=ctx.now,
        ),
    )


def approval_target(ctx: Ctx) -> Level | None:
    if ctx.body.level is not None:
        return Level(ctx.body.level)
    pending = repo.pending_application(ctx.session, ctx.aggregate.id)
    return Level(pending.requested_level) if pending else None


def approved_level_above_current(ctx: Ctx) -> list[str]:
    target = approval_target(ctx)
    if target is None:
        return ["level"]
    return [] if rank(target) > rank(ctx.aggregate.level) else ["level_above_current"]


def decide(ctx: Ctx, decision: str, level: str | None = None, reason: str | None = None) -> None:
    pending = repo.pending_application(ctx.session, ctx.aggregate.id)
    if pending is None:
        return
    pending.decision = decision
    pending.approved_level = level
    pending.decided_by_id = ctx.actor.user_id
    pending.decided_at = ctx.now
    pending.decision_reason = reason


def approve(ctx: Ctx) -> None:
    target = approval_target(ctx)
    assert target is not None  # the guard has checked it
    decide(ctx, "approved", level=target.value)
    enter_level(ctx.aggregate, target, ctx)


def deny(ctx: Ctx) -> None:
    decide(ctx, "denied", reason=ctx.body.reason)


def named_members_exist(ctx: Ctx) -> list[str]:
    """Naming an unknown user, or a department that is unknown or outside the caller's scope, is 404
    (API.md): existence outside one's scope is not leaked."""
    b = ctx.body
    if b.lead_user_id is not None and repo.get_active_user(ctx.session, b.lead_user_id) is None:
        raise errors.NotFound("no such user (lead_user_id)")
    ids = list(dict.fromkeys(b.department_ids or []))
    units = {u.id: u for u in repo.get_units(ctx.session, ids)}
    for unit_id in ids:
        unit = units.get(unit_id)
        if unit is None or unit.kind != OrgKind.department or not ctx.actor.reaches(unit.path):
            raise errors.NotFound(f"no such department in your scope: {unit_id}")
    return []


def task_force_members(ctx: Ctx) -> list[str]:
    b = ctx.body
    unmet = [] if b.lead_user_id is not None else ["lead"]
    if len(set(b.department_ids or [])) < 2:
        unmet.append("departments")
    return unmet


def below_task_force(ctx: Ctx) -> list[str]:
    return [] if ctx.aggregate.level != Level.task_force else ["level_below_task_force"]


def form_task_force(ctx: Ctx) -> None:
    dispute = ctx.aggregate
    ids = list(dict.fromkeys(ctx.body.department_ids))
    units = {u.id: u for u in repo.get_units(ctx.session, ids)}
    dispute.task_force_lead_id = ctx.body.lead_user_id
    dispute.task_force_formed_at = ctx.now
    dispute.task_force_departments = [
        TaskForceDepartment(dispute_id=dispute.id, department_id=i, department_path=units[i].path) for i in ids
    ]
    decide(ctx, "superseded", reason="矛盾化解专班已成立")
    enter_level(dispute, Level.task_force, ctx)


def refer(ctx: Ctx) -> None:
    ctx.aggregate.referral_route = ctx.body.route.value
