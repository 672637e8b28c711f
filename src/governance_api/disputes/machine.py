"""The dispute machine (矛盾纠纷, DOMAIN.md §3.3): every state and action of the ladder
居民区 → 街道三所联动 → 红梅调解 → 矛盾化解专班, in one declarative definition.

Readings of the seed (000, 四(三)) beyond DOMAIN.md, kept here because the rules live here:
- 联动化解申请表 "经司法所审核交由街道'三所联动'纠纷调解室或红梅调解工作室调处": the 司法所 may send a
  community's application straight to 红梅; from the street room only 红梅 is above. The 司法所 decides
  the level (``approve_escalation.level``), by default the one applied for.
- "对上交到街道层面的重大矛盾纠纷, 由……调处后制作书面调解协议书": at ``street_joint`` and ``hongmei``
  an agreement must be written (guard ``written_form``); oral agreements stay a community matter.
- A task force (专班) is formed for a matter "涉及多个部门(单位)职责": at least two departments; once
  at ``task_force`` it is not formed again (``level_below_task_force``). A pending application it
  overtakes is closed as ``superseded``.
- The level only ever rises; the time-limit clock restarts when it does. ``approve_escalation``'s
  ``level`` is ``street_joint`` or ``hongmei`` by schema (``community``, ``task_force`` or anything
  else: 422); a level not above the current one is 409 ``guard_failed`` ``level_above_current``
  (a valid word, the wrong moment). Left out, it is the level the application asked for.
- ``request_escalation`` needs a session "at the current level": sessions held at the community do
  not count for the street room's own application to 红梅.
- The 30 days for 司法确认 run from ``signed_on`` (art. 29: a written agreement takes effect when
  signed); day 30 is accepted, day 31 refused (``within_30_days``), and an application dated
  before the signing is refused (``applied_on_after_signing``).
"""

from typing import Any

from governance_api.core import errors
from governance_api.core.machine import Action, AnyRole, Guard, State, StateMachine, TransitionContext, missing
from governance_api.disputes import repository as repo
from governance_api.disputes.permissions import EscalationApplicant, LevelHandlers
from governance_api.disputes.schemas import (
    ApproveEscalationBody,
    CompleteScreeningBody,
    ConfirmFulfillmentBody,
    DenyEscalationBody,
    FormTaskForceBody,
    RecordAgreementBody,
    ReferBody,
    ReportBreachBody,
    RequestEscalationBody,
    ScreeningFields,
    WithdrawBody,
)
from governance_api.disputes.vocab import EARLY_WARNING_RISKS, AgreementForm, Level, RiskLevel, rank
from governance_api.machines import register
from governance_api.models.disputes import (
    Agreement,
    Dispute,
    EscalationApplication,
    TaskForceDepartment,
)
from governance_api.roles import OrgKind, Role

Ctx = TransitionContext[Dispute]

STATES = (
    State("reported", "已登记"),
    State("screening", "排查研判"),
    State("mediating", "调解中"),
    State("escalation_pending", "待司法所审核"),
    State("fulfilling", "履行监督"),
    State("resolved", "案结事了", terminal=True),
    State("referred", "引导诉讼/仲裁", terminal=True),
    State("withdrawn", "已撤回", terminal=True),
)

CREATE_ROLES = (
    Role.grid_worker,
    Role.community_staff,
    Role.community_secretary,
    Role.community_police,
    Role.resident,
    Role.integration_client,
)

SCREENING_ANSWERS = ("background", "demands", "risks", "asked_party", "asked_neighbors", "asked_related_parties")
SCREENING_FIELDS = (*SCREENING_ANSWERS, "risk_level", "track", "group_dispute", "multi_department")

HANDLERS: LevelHandlers = LevelHandlers()


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


def _screening_complete(ctx: Ctx) -> list[str]:
    return screening_missing(merged_screening(ctx.aggregate, ctx.body))


def _finish_screening(ctx: Ctx) -> None:
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


def _agreement_contents(ctx: Ctx) -> list[str]:
    b = ctx.body
    if b.form == AgreementForm.oral:
        return missing([("content", b.content)])
    unmet = missing([("facts", b.facts)])
    if not b.terms:
        unmet.append("terms")
    if b.signed_by_parties is not True:
        unmet.append("signed_by_parties")
    return unmet + missing([("signed_on", b.signed_on)])


def _written_at_street(ctx: Ctx) -> list[str]:
    at_street = ctx.aggregate.level in (Level.street_joint, Level.hongmei)
    return ["written_form"] if at_street and ctx.body.form != AgreementForm.written else []


def _record_agreement(ctx: Ctx) -> None:
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


def _set_agreement_status(status: str) -> Any:
    def effect(ctx: Ctx) -> None:
        agreement = repo.current_agreement(ctx.session, ctx.aggregate.id)
        if agreement is not None:
            agreement.status = status

    return effect


def _disposal_report_at_task_force(ctx: Ctx) -> list[str]:
    if ctx.aggregate.level != Level.task_force:
        return []
    return [] if repo.disposal_report_of(ctx.session, ctx.aggregate.id) else ["disposal_report"]


# ---- the ladder ---------------------------------------------------------------------------------


def _enter_level(dispute: Dispute, level: Level, ctx: Ctx) -> None:
    dispute.level = level.value
    dispute.level_entered_at = ctx.now


def _application_fields(ctx: Ctx) -> list[str]:
    b = ctx.body
    return missing([("summary", b.summary), ("reason", b.reason), ("requested_level", b.requested_level)])


def _requested_above_current(ctx: Ctx) -> list[str]:
    requested = ctx.body.requested_level
    if requested is None or rank(requested) > rank(ctx.aggregate.level):
        return []
    return ["requested_level_above_current"]


def _session_at_current_level(ctx: Ctx) -> list[str]:
    held = repo.count_sessions_at(ctx.session, ctx.aggregate.id, ctx.aggregate.level)
    return [] if held else ["session_at_current_level"]


def _file_application(ctx: Ctx) -> None:
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


def _approval_target(ctx: Ctx) -> Level | None:
    if ctx.body.level is not None:
        return Level(ctx.body.level)
    pending = repo.pending_application(ctx.session, ctx.aggregate.id)
    return Level(pending.requested_level) if pending else None


def _approved_level_above_current(ctx: Ctx) -> list[str]:
    target = _approval_target(ctx)
    if target is None:
        return ["level"]
    return [] if rank(target) > rank(ctx.aggregate.level) else ["level_above_current"]


def _decide(ctx: Ctx, decision: str, level: str | None = None, reason: str | None = None) -> None:
    pending = repo.pending_application(ctx.session, ctx.aggregate.id)
    if pending is None:
        return
    pending.decision = decision
    pending.approved_level = level
    pending.decided_by_id = ctx.actor.user_id
    pending.decided_at = ctx.now
    pending.decision_reason = reason


def _approve(ctx: Ctx) -> None:
    target = _approval_target(ctx)
    assert target is not None  # the guard has checked it
    _decide(ctx, "approved", level=target.value)
    _enter_level(ctx.aggregate, target, ctx)


def _deny(ctx: Ctx) -> None:
    _decide(ctx, "denied", reason=ctx.body.reason)


def _in_callers_scope(ctx: Ctx, path: str) -> bool:
    return ctx.actor.is_admin or any(path.startswith(g.path) for g in ctx.actor.grants)


def _named_members_exist(ctx: Ctx) -> list[str]:
    """Naming an unknown user, or a department that is unknown or outside the caller's scope, is 404
    (API.md): existence outside one's scope is not leaked."""
    b = ctx.body
    if b.lead_user_id is not None and repo.get_active_user(ctx.session, b.lead_user_id) is None:
        raise errors.NotFound("no such user (lead_user_id)")
    ids = list(dict.fromkeys(b.department_ids or []))
    units = {u.id: u for u in repo.get_units(ctx.session, ids)}
    for unit_id in ids:
        unit = units.get(unit_id)
        if unit is None or unit.kind != OrgKind.department or not _in_callers_scope(ctx, unit.path):
            raise errors.NotFound(f"no such department in your scope: {unit_id}")
    return []


def _task_force_members(ctx: Ctx) -> list[str]:
    b = ctx.body
    unmet = [] if b.lead_user_id is not None else ["lead"]
    if len(set(b.department_ids or [])) < 2:
        unmet.append("departments")
    return unmet


def _below_task_force(ctx: Ctx) -> list[str]:
    return [] if ctx.aggregate.level != Level.task_force else ["level_below_task_force"]


def _form_task_force(ctx: Ctx) -> None:
    dispute = ctx.aggregate
    ids = list(dict.fromkeys(ctx.body.department_ids))
    units = {u.id: u for u in repo.get_units(ctx.session, ids)}
    dispute.task_force_lead_id = ctx.body.lead_user_id
    dispute.task_force_formed_at = ctx.now
    dispute.task_force_departments = [
        TaskForceDepartment(dispute_id=dispute.id, department_id=i, department_path=units[i].path) for i in ids
    ]
    _decide(ctx, "superseded", reason="矛盾化解专班已成立")
    _enter_level(dispute, Level.task_force, ctx)


def _refer(ctx: Ctx) -> None:
    ctx.aggregate.referral_route = ctx.body.route.value


def _field_given(name: str) -> Guard[Dispute]:
    return Guard(f"a non-empty {name}", lambda ctx: missing([(name, getattr(ctx.body, name))]))


# ---- the definition -----------------------------------------------------------------------------


ACTIONS: tuple[Action[Dispute], ...] = (
    Action(
        "accept",
        "受理",
        ("reported",),
        "screening",
        AnyRole((Role.community_staff, Role.community_secretary)),
    ),
    Action(
        "complete_screening",
        "完成三查三问研判",
        ("screening",),
        "mediating",
        AnyRole((Role.community_staff, Role.community_secretary, Role.mediator)),
        body=CompleteScreeningBody,
        guards=(
            Guard(
                "三查三问 complete: background, demands, risks, asked_party, asked_neighbors and "
                "asked_related_parties non-empty, a risk_level and a track (saved or given)",
                _screening_complete,
            ),
        ),
        effect=_finish_screening,
    ),
    Action(
        "record_agreement",
        "达成调解协议",
        ("mediating",),
        "fulfilling",
        HANDLERS,
        body=RecordAgreementBody,
        guards=(
            Guard(
                "oral: the agreed content; written (调解协议书): facts, at least one term with its due date, "
                "signed_by_parties true and signed_on",
                _agreement_contents,
            ),
            Guard("at street_joint and hongmei the agreement is written (调解协议书)", _written_at_street),
        ),
        effect=_record_agreement,
    ),
    Action(
        "confirm_fulfillment",
        "确认履行完毕",
        ("fulfilling",),
        "resolved",
        HANDLERS,
        body=ConfirmFulfillmentBody,
        guards=(Guard("at task_force a disposal report (处置报告) has been filed", _disposal_report_at_task_force),),
        effect=_set_agreement_status("fulfilled"),
        comment_field="note",
    ),
    Action(
        "report_breach",
        "报告未履行",
        ("fulfilling",),
        "mediating",
        HANDLERS,
        body=ReportBreachBody,
        guards=(_field_given("note"),),
        effect=_set_agreement_status("breached"),
        comment_field="note",
    ),
    Action(
        "request_escalation",
        "填报联动化解申请表",
        ("mediating",),
        "escalation_pending",
        EscalationApplicant(),
        body=RequestEscalationBody,
        guards=(
            Guard("the application: a summary, a reason and the requested_level", _application_fields),
            Guard("the requested_level is above the current level", _requested_above_current),
            Guard("at least one mediation session recorded at the current level", _session_at_current_level),
        ),
        effect=_file_application,
        comment_field="reason",
    ),
    Action(
        "approve_escalation",
        "司法所审核同意",
        ("escalation_pending",),
        "mediating",
        AnyRole((Role.judicial_officer,)),
        body=ApproveEscalationBody,
        guards=(
            Guard(
                "the level (street_joint or hongmei; by default the one applied for) is above the current level",
                _approved_level_above_current,
            ),
        ),
        effect=_approve,
    ),
    Action(
        "deny_escalation",
        "司法所审核不同意",
        ("escalation_pending",),
        "mediating",
        AnyRole((Role.judicial_officer,)),
        body=DenyEscalationBody,
        guards=(_field_given("reason"),),
        effect=_deny,
        comment_field="reason",
    ),
    Action(
        "form_task_force",
        "成立矛盾化解专班",
        ("mediating", "escalation_pending"),
        "mediating",
        AnyRole((Role.political_legal_secretary, Role.leader_in_charge)),
        body=FormTaskForceBody,
        guards=(
            Guard("the lead and departments named exist (departments within your scope)", _named_members_exist),
            Guard("a lead (lead_user_id) and at least two departments (department_ids)", _task_force_members),
            Guard("the dispute is not already with a task force", _below_task_force),
        ),
        effect=_form_task_force,
    ),
    Action(
        "refer",
        "引导诉讼/仲裁/行政途径",
        ("screening", "mediating"),
        "referred",
        HANDLERS,
        body=ReferBody,
        guards=(
            Guard(
                "a route (litigation, arbitration or administrative) and a reason",
                lambda ctx: missing([("route", ctx.body.route), ("reason", ctx.body.reason)]),
            ),
        ),
        effect=_refer,
        comment_field="reason",
    ),
    Action(
        "withdraw",
        "撤回",
        ("reported", "screening", "mediating"),
        "withdrawn",
        HANDLERS,
        body=WithdrawBody,
        guards=(_field_given("reason"),),
        comment_field="reason",
    ),
)


def _facets(dispute: Dispute) -> dict[str, Any]:
    return {"level": dispute.level}


DISPUTE_MACHINE: StateMachine[Dispute] = StateMachine(
    name="dispute",
    label="矛盾纠纷",
    states=STATES,
    initial="reported",
    create_roles=CREATE_ROLES,
    actions=ACTIONS,
    facets=_facets,
)
register(DISPUTE_MACHINE)
