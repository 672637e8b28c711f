"""The words of the working bodies (DOMAIN.md §4.1): the two kinds of body and a member's position."""

from governance_api.core.vocab import Labelled
from governance_api.roles import OrgKind


class BodyKind(Labelled):
    """工作机构的类别: a community's 工作小组 or a street's 工作专班."""

    governance_group = "governance_group", "依法治理工作小组"
    street_task_force = "street_task_force", "依法治理工作专班"


class MemberPosition(Labelled):
    """成员职务."""

    leader = "leader", "组长"
    member = "member", "组员"


# The kind of unit each kind of body sits on: one group per community, one task force per street.
SEAT: dict[BodyKind, OrgKind] = {
    BodyKind.governance_group: OrgKind.community,
    BodyKind.street_task_force: OrgKind.street,
}
