"""The words of governance meetings (DOMAIN §4.2): the kinds of meeting, with their zh labels, and
which of them a community holds and which a street."""

from governance_api.core.vocab import Labelled
from governance_api.roles import OrgKind


class GovernanceMeetingKind(Labelled):
    """会议类型."""

    governance_meeting = "governance_meeting", "依法治理工作例会"
    situation_analysis = "situation_analysis", "民情分析会"
    residents_council = "residents_council", "居民议事会"
    joint_consultation = "joint_consultation", "治理难题联席会商"


# The kind of unit that holds each kind of meeting: a 联席会商 is the street's, the others a community's.
HELD_BY: dict[GovernanceMeetingKind, OrgKind] = {
    GovernanceMeetingKind.governance_meeting: OrgKind.community,
    GovernanceMeetingKind.situation_analysis: OrgKind.community,
    GovernanceMeetingKind.residents_council: OrgKind.community,
    GovernanceMeetingKind.joint_consultation: OrgKind.street,
}
