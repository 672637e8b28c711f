"""Every closed vocabulary the API speaks, by name (the title of its enum in the OpenAPI document)."""

from collections.abc import Mapping

from governance_api.bodies import vocab as bv
from governance_api.core.vocab import Labelled
from governance_api.decisions import vocab as dv
from governance_api.disputes import vocab as sv
from governance_api.evaluations import vocab as ev
from governance_api.intake import vocab as iv
from governance_api.machines import MACHINES
from governance_api.meetings import vocab as mv
from governance_api.patrols import vocab as pv
from governance_api.roles import OrgKind, Role
from governance_api.webhooks.event_types import EventType
from governance_api.webhooks.vocab import DeliveryStatus

ENUMS: tuple[type[Labelled], ...] = (
    Role,
    OrgKind,
    dv.Category,
    dv.ConsensusRule,
    dv.BallotChoice,
    dv.MeetingKind,
    dv.FilingAnswer,
    dv.FilingStage,
    dv.OpinionConclusion,
    dv.ReviewConclusion,
    dv.NoteKind,
    sv.Channel,
    sv.Level,
    sv.EscalationLevel,
    sv.RiskLevel,
    sv.Track,
    sv.PartyRole,
    sv.Outcome,
    sv.AgreementForm,
    sv.AgreementStatus,
    sv.EscalationDecision,
    sv.Route,
    ev.Grade,
    ev.Nomination,
    bv.BodyKind,
    bv.MemberPosition,
    mv.GovernanceMeetingKind,
    pv.FindingKind,
    iv.FeedChannel,
    EventType,
    DeliveryStatus,
)


def vocabularies() -> dict[str, Mapping[str, str]]:
    """Name → {code: zh label}: the enums above, then each machine's states, actions, activities."""
    out: dict[str, Mapping[str, str]] = {e.__name__: e.labels() for e in ENUMS}
    for machine in MACHINES.values():
        title = "".join(word.capitalize() for word in machine.name.split("_"))  # working_body → WorkingBody
        out[f"{title}State"] = machine.state_labels
        out[f"{title}Action"] = machine.action_labels
        out[f"{title}Activity"] = machine.activity_labels
    return out
