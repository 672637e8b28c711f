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

from governance_api.core.machine import Action, AnyRole, Guard, State, StateMachine, given, missing
from governance_api.disputes import effects as fx
from governance_api.disputes.activities import ACTIVITIES
from governance_api.disputes.permissions import HANDLERS, EscalationApplicant
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
    WithdrawBody,
)
from governance_api.models.disputes import Dispute
from governance_api.roles import Role

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
                fx.screening_complete,
                fx.SCREENING_CODES,
            ),
        ),
        effect=fx.finish_screening,
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
                fx.agreement_contents,
                {
                    "content": "请填写口头协议内容",
                    "facts": "请填写纠纷事实",
                    "terms": "请列明协议条款及履行期限",
                    "signed_by_parties": "协议书须经当事人签字",
                    "signed_on": "请填写签订日期",
                },
            ),
            Guard(
                "at street_joint and hongmei the agreement is written (调解协议书)",
                fx.written_at_street,
                {"written_form": "街道层面调解须制作书面调解协议书"},
            ),
        ),
        effect=fx.record_agreement,
    ),
    Action(
        "confirm_fulfillment",
        "确认履行完毕",
        ("fulfilling",),
        "resolved",
        HANDLERS,
        body=ConfirmFulfillmentBody,
        guards=(
            Guard(
                "at task_force a disposal report (处置报告) has been filed",
                fx.disposal_report_at_task_force,
                {"disposal_report": "专班须先提交处置报告"},
            ),
        ),
        effect=fx.set_agreement_status("fulfilled"),
        comment_field="note",
    ),
    Action(
        "report_breach",
        "报告未履行",
        ("fulfilling",),
        "mediating",
        HANDLERS,
        body=ReportBreachBody,
        guards=(given("note", "说明"),),
        effect=fx.set_agreement_status("breached"),
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
            Guard(
                "the application: a summary, a reason and the requested_level",
                fx.application_fields,
                {"summary": "请填写纠纷概要", "reason": "请填写申请理由", "requested_level": "请选择申请调处层级"},
            ),
            Guard(
                "the requested_level is above the current level",
                fx.requested_above_current,
                {"requested_level_above_current": "申请层级须高于当前层级"},
            ),
            Guard(
                "at least one mediation session recorded at the current level",
                fx.session_at_current_level,
                {"session_at_current_level": "当前层级尚无调解记录"},
            ),
        ),
        effect=fx.file_application,
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
                fx.approved_level_above_current,
                {"level": "请选择调处层级", "level_above_current": "调处层级须高于当前层级"},
            ),
        ),
        effect=fx.approve,
    ),
    Action(
        "deny_escalation",
        "司法所审核不同意",
        ("escalation_pending",),
        "mediating",
        AnyRole((Role.judicial_officer,)),
        body=DenyEscalationBody,
        guards=(given("reason", "理由"),),
        effect=fx.deny,
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
            Guard("the lead and departments named exist (departments within your scope)", fx.named_members_exist),
            Guard(
                "a lead (lead_user_id) and at least two departments (department_ids)",
                fx.task_force_members,
                {"lead": "请指定专班牵头人", "departments": "专班须至少两个职能部门"},
            ),
            Guard(
                "the dispute is not already with a task force",
                fx.below_task_force,
                {"level_below_task_force": "该纠纷已由矛盾化解专班处置"},
            ),
        ),
        effect=fx.form_task_force,
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
                {"route": "请选择引导途径", "reason": "请填写理由"},
            ),
        ),
        effect=fx.refer,
        comment_field="reason",
    ),
    Action(
        "withdraw",
        "撤回",
        ("reported", "screening", "mediating"),
        "withdrawn",
        HANDLERS,
        body=WithdrawBody,
        guards=(given("reason", "理由"),),
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
    activities=ACTIVITIES,
    facets=_facets,
)
