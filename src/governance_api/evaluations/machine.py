"""The annual evaluation machine (总结评估), DOMAIN §4.7: the community assesses itself, the 司法所
evaluates (or returns it for another self-assessment), then publishes the result.

Readings kept here:

- Only the community's own secretary submits (the 依法治理工作小组's leader answers for the year).
- ``submit`` takes the snapshot of the year's figures each time: a returned and resubmitted
  evaluation is graded on the figures of its last submission, and those never change afterwards.
- ``return`` is open only while ``submitted``: once graded, a result is corrected by no one but
  published as given (the grade is the 司法所's act; a new grade would need a new evaluation year).
"""

from governance_api.core.machine import Action, AnyRole, Guard, State, StateMachine, WriteContext, given, missing
from governance_api.evaluations import indicators
from governance_api.evaluations.schemas import EvaluateBody, PublishBody, ReturnBody, SubmitBody
from governance_api.models.evaluations import Evaluation
from governance_api.roles import Role

Ctx = WriteContext[Evaluation]

SECRETARY = AnyRole[Evaluation]((Role.community_secretary,))
JUDICIAL = AnyRole[Evaluation]((Role.judicial_officer,))

STATES = (
    State("self_assessing", "自评中"),
    State("submitted", "已提交"),
    State("evaluated", "已评估"),
    State("published", "已通报", terminal=True),
)


def _submit(ctx: Ctx) -> None:
    e, body = ctx.aggregate, ctx.body
    e.self_assessment = body.self_assessment
    e.self_score = body.self_score
    e.submitted_at = ctx.now
    e.indicators = indicators.snapshot(ctx.session, e.org_unit_id, e.year, ctx.now)


def _evaluate(ctx: Ctx) -> None:
    e, body = ctx.aggregate, ctx.body
    e.score = body.score
    e.grade = body.grade.value
    e.comments = body.comments
    e.funding_uplift = body.funding_uplift
    e.demonstration_nomination = body.demonstration_nomination.value
    e.evaluated_at = ctx.now


def _publish(ctx: Ctx) -> None:
    e, body = ctx.aggregate, ctx.body
    e.commendations = list(body.commendations)
    e.criticisms = list(body.criticisms)
    e.published_at = ctx.now


def _graded(ctx: Ctx) -> list[str]:
    b = ctx.body
    return missing([("score", b.score), ("grade", b.grade), ("comments", b.comments)])


ACTIONS = (
    Action(
        "submit",
        "提交自评",
        ("self_assessing",),
        "submitted",
        SECRETARY,
        body=SubmitBody,
        guards=(
            given("self_assessment", "自评报告"),
            Guard(
                "self_score is given",
                lambda ctx: missing([("self_score", ctx.body.self_score)]),
                {"self_score": "请填写自评分"},
            ),
        ),
        effect=_submit,
    ),
    Action(
        "return",
        "退回重新自评",
        ("submitted",),
        "self_assessing",
        JUDICIAL,
        body=ReturnBody,
        guards=(given("reason", "退回理由"),),
        comment_field="reason",
    ),
    Action(
        "evaluate",
        "评估定级",
        ("submitted",),
        "evaluated",
        JUDICIAL,
        body=EvaluateBody,
        guards=(
            Guard(
                "score, grade and comments are given",
                _graded,
                {"score": "请填写评估分", "grade": "请选择评估等级", "comments": "请填写评估意见"},
            ),
        ),
        effect=_evaluate,
    ),
    Action("publish", "通报结果", ("evaluated",), "published", JUDICIAL, body=PublishBody, effect=_publish),
)

EVALUATION_MACHINE: StateMachine[Evaluation] = StateMachine(
    name="evaluation",
    label="总结评估",
    states=STATES,
    initial="self_assessing",
    create_roles=(Role.community_secretary, Role.judicial_officer),
    actions=ACTIONS,
)
