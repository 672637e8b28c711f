"""Read models of decisions for a given caller: labels, ``allowed_actions`` and
``allowed_activities`` from the machine, the review conditions, the tally explained."""

from collections.abc import Sequence

from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.decisions import rules
from governance_api.decisions import tally as t
from governance_api.decisions.machine import DECISION_MACHINE as MACHINE
from governance_api.decisions.schemas import ConditionRead, DecisionRead, TallyRead, ThresholdRead
from governance_api.models.decisions import Decision, ReviewCondition


def to_read(d: Decision, actor: Actor, conditions: Sequence[ReviewCondition]) -> DecisionRead:
    """``conditions`` are the decision's review conditions, read by the caller (one query for a
    whole list page: ``repository.conditions_of``)."""
    return DecisionRead(
        **MACHINE.record_fields(d, actor),
        community_id=d.org_unit_id,
        street_id=d.street_id,
        created_by_id=d.created_by_id,
        catalog_code=d.catalog_code,
        catalog_version=d.catalog_version,
        consensus_rule=d.consensus_rule,
        title=d.title,
        description=d.description,
        amount=d.amount,
        plan=d.plan,
        scope=d.scope,
        schedule=d.schedule,
        total_area_m2=d.total_area_m2,
        total_owners=d.total_owners,
        eligible_residents=d.eligible_residents,
        review_conclusion=d.review_conclusion,
        conditions=[ConditionRead.model_validate(c) for c in conditions],
        summary=d.summary,
        typical_case=d.typical_case,
        typical_case_note=d.typical_case_note,
    )


def tally_read(session: Session, d: Decision) -> TallyRead:
    result = rules.tally(session, d)
    return TallyRead(
        consensus_rule=d.consensus_rule,
        totals=result.totals,
        thresholds=[
            ThresholdRead(
                code=th.code,
                label=t.LABELS[th.code],
                fraction=t.fraction_text(th.fraction),
                strict=th.strict,
                base=t.number_text(th.base),
                required=t.number_text(th.fraction * th.base),
                actual=t.number_text(th.actual),
                holds=th.holds,
            )
            for th in result.thresholds
        ],
        satisfied=result.satisfied,
        unmet=result.unmet,
        explanation=t.explain(result),
    )
