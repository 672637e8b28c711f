"""Read models of grid patrols, built for a caller (``allowed_activities`` from the machine)."""

from governance_api.core.actor import Actor
from governance_api.models.patrols import Patrol
from governance_api.models.records import TransitionRecord
from governance_api.patrols.machine import PATROL_MACHINE
from governance_api.patrols.repository import Counts
from governance_api.patrols.schemas import FindingRead, PatrolHistoryItem, PatrolListItem, PatrolRead

REPORT = PATROL_MACHINE.steps[0]  # the machine's one step: report_finding
assert REPORT.code == "report_finding" and len(PATROL_MACHINE.steps) == 1, "list rows offer it from counts"


def _base(patrol: Patrol, actor: Actor) -> dict[str, object]:
    return {
        "id": patrol.id,
        "state": patrol.state,
        "state_label": PATROL_MACHINE.label_of(patrol.state),
        "version": patrol.version,
        "allowed_actions": PATROL_MACHINE.allowed_actions(patrol, actor),
        "created_at": patrol.created_at,
        "updated_at": patrol.updated_at,
        "grid_id": patrol.grid_id,
        "community_id": patrol.community_id,
        "org_unit_id": patrol.org_unit_id,
        "patrol_date": patrol.patrol_date,
        "started_at": patrol.started_at,
        "ended_at": patrol.ended_at,
        "nil_report": patrol.nil_report,
        "created_by_id": patrol.created_by_id,
    }


def patrol_read(patrol: Patrol, actor: Actor) -> PatrolRead:
    return PatrolRead.model_validate(
        _base(patrol, actor)
        | {
            "allowed_activities": PATROL_MACHINE.allowed_activities(patrol, actor),
            "findings": [FindingRead.model_validate(f) for f in patrol.findings],
        }
    )


def list_item(patrol: Patrol, actor: Actor, counts: Counts) -> PatrolListItem:
    """A list row: the findings counted, not loaded; ``report_finding`` is offered as on the record
    (a clue still open, a caller who may report), from the counts."""
    offered = counts.open_clues > 0 and REPORT.permission.allows(actor, patrol)
    return PatrolListItem.model_validate(
        _base(patrol, actor)
        | {
            "allowed_activities": [REPORT.code] if offered else [],
            "finding_count": counts.findings,
            "reported_count": counts.reported,
        }
    )


def history_item(r: TransitionRecord) -> PatrolHistoryItem:
    return PatrolHistoryItem.of(r)
