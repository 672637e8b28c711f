"""The grid patrol's machine (微网格巡查). A patrol has no life cycle: once logged it stays
``recorded``. What happens to it afterwards is an activity: a 矛盾纠纷线索 it found is turned into a
dispute (``report_finding``), once, through the disputes domain's own intake
(``disputes.intake.register``) in the same transaction, and linked both ways."""

import uuid

from sqlalchemy.orm import Session

from governance_api.core.machine import Activity, AnyRole, Item, State, StateMachine, WriteContext
from governance_api.disputes.intake import Intake, check_category, register
from governance_api.disputes.vocab import Channel
from governance_api.models.patrols import Patrol, PatrolFinding
from governance_api.patrols import repository as repo
from governance_api.patrols.schemas import FindingRead, ReportFindingBody
from governance_api.patrols.vocab import FindingKind
from governance_api.roles import Role

RECORDED = "recorded"
TITLE_CHARS = 60  # a dispute's default title: the start of the finding's description

# Who logs a patrol: the grid's worker (a grid_worker role on the grid or an ancestor).
CREATE_ROLES = (Role.grid_worker,)
# Who turns a clue into a dispute: the grid worker who found it, or the 居委会 (staff, secretary),
# which receives the clue and opens the case — each of them may report a dispute there anyway.
REPORTERS = (Role.grid_worker, Role.community_staff, Role.community_secretary)


def open_clue(patrol: Patrol, finding: PatrolFinding) -> bool:
    """Only a 矛盾纠纷线索 becomes a dispute, and only once: a finding of another kind, or one already
    reported, answers 409 ``transition_not_allowed`` (and is not offered in ``allowed_activities``)."""
    return finding.kind == FindingKind.dispute_clue.value and finding.dispute_id is None


def _category_known(ctx: WriteContext[Patrol]) -> None:
    check_category(ctx.session, ctx.body.category)


def default_title(description: str) -> str:
    """The finding's first line. A description the validator took as text may still be all spaces
    to Python (U+001C–U+001F are spaces to ``str.strip`` only): then a plain title."""
    lines = [line.strip() for line in description.splitlines() if line.strip()]
    first = lines[0] if lines else "微网格巡查线索"
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"


def _report(ctx: WriteContext[Patrol]) -> PatrolFinding:
    """转为矛盾纠纷: the dispute in the patrol's grid and community, channel 微网格巡查."""
    patrol, body = ctx.aggregate, ctx.body
    finding: PatrolFinding = ctx.item
    community = repo.get_unit(ctx.session, patrol.community_id)
    grid = repo.get_unit(ctx.session, patrol.grid_id)
    assert community is not None and grid is not None  # foreign keys; units are never deleted
    intake = Intake(
        community=community,
        grid=grid,
        channel=Channel.grid_patrol,
        category=body.category,
        title=body.title or default_title(finding.description),
        description=body.description or finding.description,
        parties=body.parties,
        patrol_finding_id=finding.id,
    )
    dispute = register(ctx.session, ctx.actor, intake)
    finding.dispute_id = dispute.id
    finding.reported_at = ctx.now
    finding.reported_by_id = ctx.actor.user_id
    ctx.emit("patrol.finding_reported", {"finding_id": str(finding.id), "dispute_id": str(dispute.id)})
    return finding


def _load_finding(session: Session, patrol: Patrol, finding_id: uuid.UUID) -> PatrolFinding | None:
    return repo.finding(session, patrol, finding_id)


PATROL_MACHINE: StateMachine[Patrol] = StateMachine(
    name="patrol",
    label="微网格巡查",
    states=(State(RECORDED, "已记录"),),
    initial=RECORDED,
    create_roles=CREATE_ROLES,
    actions=(),
    activities=(
        Activity(
            "report_finding",
            "矛盾纠纷线索转为纠纷",
            (RECORDED,),
            AnyRole(REPORTERS),
            _report,
            body=ReportFindingBody,
            result=FindingRead,
            validate=_category_known,
            item=Item("finding", _load_finding, repo.findings, open=open_clue),
            in_history=True,
        ),
    ),
)
