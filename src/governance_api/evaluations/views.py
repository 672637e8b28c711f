"""The evaluation read for a caller: labels and what the caller may do next, from the machine."""

from governance_api.core.actor import Actor
from governance_api.evaluations.machine import EVALUATION_MACHINE as MACHINE
from governance_api.evaluations.schemas import EvaluationRead
from governance_api.evaluations.vocab import Grade, Nomination
from governance_api.models.evaluations import Evaluation


def to_read(e: Evaluation, actor: Actor) -> EvaluationRead:
    return EvaluationRead(
        **MACHINE.record_fields(e, actor),
        community_id=e.org_unit_id,
        year=e.year,
        created_by_id=e.created_by_id,
        self_assessment=e.self_assessment,
        self_score=e.self_score,
        indicators=e.indicators,
        submitted_at=e.submitted_at,
        score=e.score,
        grade=Grade(e.grade) if e.grade else None,
        comments=e.comments,
        funding_uplift=e.funding_uplift,
        demonstration_nomination=Nomination(e.demonstration_nomination) if e.demonstration_nomination else None,
        evaluated_at=e.evaluated_at,
        commendations=list(e.commendations or []),
        criticisms=list(e.criticisms or []),
        published_at=e.published_at,
    )
