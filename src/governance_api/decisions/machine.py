"""The decision machine (重大决策事项: 清单→动议→共识→报备→法制审核→闭环), DOMAIN.md §2.3.

Legal readings kept here:

- ``propose`` with a threshold entry needs the amount (given now or at create) and, if given, an
  amount below the catalog version's threshold is 422 ``not_a_major_decision`` (以上 includes it).
- ``open_consultation`` starts a new consultation round: ballots and meetings of an earlier round
  (before a ``revise`` or ``return_for_revision``) stay on record but no longer count, because
  consent given to an earlier plan is not consent to the revised one.
- Entering ``filing`` opens a new filing round with its own filings; ``submit_for_review`` needs
  every filing of that round answered. Objections do not block.
- ``approve`` needs an opinion by a ``legal_adviser`` given in the current review round; the result
  goes to the street's rule-of-law leader as a filing that never blocks.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from governance_api.core.errors import NotAMajorDecision
from governance_api.core.machine import Action, AnyRole, Guard, State, StateMachine, WriteContext, given, missing
from governance_api.decisions import repository as repo
from governance_api.decisions import rules, tally
from governance_api.decisions.activities import ACTIVITIES
from governance_api.decisions.schemas import (
    ApproveBody,
    OpenConsultationBody,
    ProposeBody,
    ReasonBody,
    SummaryBody,
)
from governance_api.models.decisions import Decision, Filing, ReviewCondition
from governance_api.roles import Role

Ctx = WriteContext[Decision]

SECRETARY = AnyRole[Decision]((Role.community_secretary,))
JUDICIAL = AnyRole[Decision]((Role.judicial_officer,))

STATES = (
    State("listed", "已列入清单"),
    State("proposed", "酝酿动议"),
    State("consulting", "凝聚共识"),
    State("filing", "决策报备"),
    State("legal_review", "法制审核"),
    State("implementing", "实施中(闭环管理)"),
    State("closed", "已闭环", terminal=True),
    State("withdrawn", "已撤回", terminal=True),
    State("rejected", "未通过审核", terminal=True),
)


# --- propose -------------------------------------------------------------------------------------


def _amount_given(ctx: Ctx) -> list[str]:
    threshold = rules.snapshot(ctx.session, ctx.aggregate).amount_threshold
    amount: Decimal | None = ctx.body.amount if ctx.body.amount is not None else ctx.aggregate.amount
    if threshold is None:
        return []
    if amount is None:
        return ["amount"]
    if amount < threshold:
        raise NotAMajorDecision(f"amount {amount} is below the catalog threshold {threshold}")
    return []


def _propose(ctx: Ctx) -> None:
    d, b = ctx.aggregate, ctx.body
    d.plan, d.scope, d.schedule = b.plan, b.scope, b.schedule
    if b.amount is not None:
        d.amount = b.amount


# --- open_consultation ---------------------------------------------------------------------------


def _voting_scope(ctx: Ctx) -> list[str]:
    d, b = ctx.aggregate, ctx.body
    if d.consensus_rule in rules.OWNERS_RULES:
        return missing(
            [
                ("total_area_m2", b.total_area_m2 if b.total_area_m2 is not None else d.total_area_m2),
                ("total_owners", b.total_owners if b.total_owners is not None else d.total_owners),
            ]
        )
    if d.consensus_rule == "residents_meeting":
        return missing([("eligible_residents", b.eligible_residents or d.eligible_residents)])
    return []


def _open_consultation(ctx: Ctx) -> None:
    d, b = ctx.aggregate, ctx.body
    for name in ("total_area_m2", "total_owners", "eligible_residents"):
        if getattr(b, name) is not None:
            setattr(d, name, getattr(b, name))
    d.consultation_round += 1


# --- confirm_consensus / filing ------------------------------------------------------------------


def _consensus_holds(ctx: Ctx) -> list[str]:
    return rules.tally(ctx.session, ctx.aggregate).unmet


def _enter_filing(ctx: Ctx) -> None:
    """One filing per catalog department under the decision's street, one to the street's
    分管领导 and one to the community's 包联领导 (报备 and 汇报)."""
    d = ctx.aggregate
    d.filing_round += 1
    targets = [(Role.department_officer, u) for u in rules.filing_departments(ctx.session, d)]
    targets += [
        (Role.leader_in_charge, rules.unit_of(ctx.session, d.street_id)),
        (Role.liaison_leader, rules.unit_of(ctx.session, d.org_unit_id)),
    ]
    for role, unit in targets:
        ctx.session.add(
            Filing(
                decision_id=d.id,
                round=d.filing_round,
                stage="decision",
                target_role=role.value,
                target_org_unit_id=unit.id,
                target_path=unit.path,
                content={"title": d.title, "plan": d.plan, "scope": d.scope, "schedule": d.schedule},
                created_by_id=ctx.actor.user_id,
            )
        )
    ctx.emit("decision.filed", {"round": d.filing_round, "targets": len(targets)})


def _filings_answered(ctx: Ctx) -> list[str]:
    pending = [f for f in repo.current_filings(ctx.session, ctx.aggregate) if f.response is None]
    return ["filings_answered"] if pending else []


# --- approve -------------------------------------------------------------------------------------


def _adviser_opinion(ctx: Ctx) -> list[str]:
    d = ctx.aggregate
    given = any(o.author_role == Role.legal_adviser.value for o in repo.opinions(ctx.session, d.id, d.filing_round))
    return [] if given else ["legal_adviser_opinion"]


def _conditions_given(ctx: Ctx) -> list[str]:
    return ["conditions"] if ctx.body.conclusion == "approved_with_conditions" and not ctx.body.conditions else []


def _approve(ctx: Ctx) -> None:
    d, b = ctx.aggregate, ctx.body
    d.review_conclusion = b.conclusion
    conditions = list(b.conditions or [])
    for i, text in enumerate(conditions):
        ctx.session.add(ReviewCondition(decision_id=d.id, position=i + 1, text=text, created_by_id=ctx.actor.user_id))
    street = rules.unit_of(ctx.session, d.street_id)
    ctx.session.add(
        Filing(
            decision_id=d.id,
            round=d.filing_round,
            stage="review_result",
            target_role=Role.rule_of_law_leader.value,
            target_org_unit_id=street.id,
            target_path=street.path,
            content={"conclusion": b.conclusion, "conditions": conditions, "title": d.title},
            created_by_id=ctx.actor.user_id,
        )
    )
    ctx.comment = b.conclusion + "".join(f"\n- {c}" for c in conditions)


# --- complete ------------------------------------------------------------------------------------


def _conditions_met(ctx: Ctx) -> list[str]:
    open_ = [c for c in repo.conditions(ctx.session, ctx.aggregate.id) if not c.met]
    return ["conditions_met"] if open_ else []


def _set(name: str) -> Callable[[Ctx], None]:
    def effect(ctx: Ctx) -> None:
        setattr(ctx.aggregate, name, getattr(ctx.body, name))

    return effect


def _facets(d: Decision) -> dict[str, Any]:
    return {"consultation_round": d.consultation_round, "filing_round": d.filing_round}


DECISION_MACHINE: StateMachine[Decision] = StateMachine(
    name="decision",
    label="重大决策事项",
    states=STATES,
    initial="listed",
    create_roles=(Role.community_secretary, Role.community_staff),
    facets=_facets,
    activities=ACTIVITIES,
    actions=(
        Action(
            "propose",
            "酝酿动议",
            ("listed",),
            "proposed",
            SECRETARY,
            ProposeBody,
            guards=(
                given("plan", "实施方案"),
                given("scope", "实施范围"),
                given("schedule", "实施计划"),
                Guard(
                    "amount given where the catalog entry has a threshold, at least the threshold",
                    _amount_given,
                    {"amount": "请填写金额(该清单事项设有金额标准)"},
                ),
            ),
            effect=_propose,
        ),
        Action(
            "open_consultation",
            "凝聚共识",
            ("proposed",),
            "consulting",
            SECRETARY,
            OpenConsultationBody,
            guards=(
                Guard(
                    "voting scope given: total_area_m2 and total_owners for owners rules, eligible_residents for"
                    " residents_meeting",
                    _voting_scope,
                    {
                        "total_area_m2": "请填写专有部分总面积",
                        "total_owners": "请填写业主总人数",
                        "eligible_residents": "请填写应到会居民(户代表)人数",
                    },
                ),
            ),
            effect=_open_consultation,
        ),
        Action(
            "confirm_consensus",
            "确认共识",
            ("consulting",),
            "filing",
            SECRETARY,
            guards=(
                Guard(
                    "the consensus rule holds on what was recorded (see GET …/tally)", _consensus_holds, tally.LABELS
                ),
            ),
            effect=_enter_filing,
        ),
        Action(
            "revise",
            "修改方案",
            ("consulting",),
            "proposed",
            SECRETARY,
            ReasonBody,
            guards=(given("reason", "理由"),),
            comment_field="reason",
        ),
        Action(
            "submit_for_review",
            "提交法制审核",
            ("filing",),
            "legal_review",
            SECRETARY,
            guards=(
                Guard(
                    "every filing of this round has a response (filings_answered)",
                    _filings_answered,
                    {"filings_answered": "本轮报备尚有未答复的"},
                ),
            ),
        ),
        Action(
            "approve",
            "审核通过",
            ("legal_review",),
            "implementing",
            JUDICIAL,
            ApproveBody,
            guards=(
                Guard(
                    "at least one opinion by a legal_adviser in this review",
                    _adviser_opinion,
                    {"legal_adviser_opinion": "本轮法制审核尚无法律顾问意见"},
                ),
                Guard(
                    "conditions given when the conclusion is approved_with_conditions",
                    _conditions_given,
                    {"conditions": "附条件通过须列明条件"},
                ),
            ),
            effect=_approve,
        ),
        Action(
            "return_for_revision",
            "退回修改",
            ("legal_review",),
            "proposed",
            JUDICIAL,
            ReasonBody,
            guards=(given("reason", "理由"),),
            comment_field="reason",
        ),
        Action(
            "reject",
            "审核不通过",
            ("legal_review",),
            "rejected",
            JUDICIAL,
            ReasonBody,
            guards=(given("reason", "理由"),),
            comment_field="reason",
        ),
        Action(
            "complete",
            "完成闭环",
            ("implementing",),
            "closed",
            SECRETARY,
            SummaryBody,
            guards=(
                given("summary", "闭环总结"),
                Guard(
                    "every review condition is marked met (conditions_met)",
                    _conditions_met,
                    {"conditions_met": "审核条件尚未全部落实"},
                ),
            ),
            effect=_set("summary"),
            comment_field="summary",
        ),
        Action(
            "withdraw",
            "撤回",
            ("listed", "proposed", "consulting", "filing"),
            "withdrawn",
            SECRETARY,
            ReasonBody,
            guards=(given("reason", "理由"),),
            comment_field="reason",
        ),
    ),
)
