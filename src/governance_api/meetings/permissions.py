"""Who records a meeting and closes its resolutions (DOMAIN §4.2): a community's meeting by its
secretary or staff, the street's 联席会商 by the 司法所, the political-legal secretary or a leader in
charge. One ``Permission`` decides both, by the meeting's kind."""

from dataclasses import dataclass

from governance_api.core.actor import Actor
from governance_api.meetings.vocab import HELD_BY, GovernanceMeetingKind
from governance_api.models.meetings import GovernanceMeeting
from governance_api.roles import OrgKind, Role

COMMUNITY_RECORDERS = (Role.community_secretary, Role.community_staff)
STREET_RECORDERS = (Role.judicial_officer, Role.political_legal_secretary, Role.leader_in_charge)
ALL_RECORDERS = (*COMMUNITY_RECORDERS, *STREET_RECORDERS)


def recorders_at(unit_kind: str) -> tuple[Role, ...]:
    """Who records meetings held by a unit of this kind. For a unit that holds no meetings (a grid, a
    department) every recorder passes the role check, and the body check then answers 422 for the
    unit: the mistake is the unit named, not the caller's roles."""
    if unit_kind == OrgKind.community:
        return COMMUNITY_RECORDERS
    if unit_kind == OrgKind.street:
        return STREET_RECORDERS
    return ALL_RECORDERS


def recorders_of(kind: str) -> tuple[Role, ...]:
    return recorders_at(HELD_BY[GovernanceMeetingKind(kind)])


@dataclass(frozen=True)
class MeetingRecorders:
    """The recorders of the meeting's kind, on its unit or an ancestor."""

    def allows(self, actor: Actor, aggregate: GovernanceMeeting) -> bool:
        return actor.holds_any(recorders_of(aggregate.kind), aggregate.scope_path)

    def describe(self) -> list[str]:
        return [f"{r.value} (community meetings)" for r in COMMUNITY_RECORDERS] + [
            f"{r.value} (joint consultations)" for r in STREET_RECORDERS
        ]
