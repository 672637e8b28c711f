"""Roles and org-unit kinds of DOMAIN.md §1, shared by every domain package."""

from governance_api.core.vocab import Labelled


class Role(Labelled):
    admin = "admin", "系统管理员"
    judicial_officer = "judicial_officer", "司法所"
    leader_in_charge = "leader_in_charge", "分管领导"
    liaison_leader = "liaison_leader", "包联领导"
    rule_of_law_leader = "rule_of_law_leader", "分管法治工作的街道领导"
    political_legal_secretary = "political_legal_secretary", "分管政法工作的副书记"
    department_officer = "department_officer", "职能部门"
    community_secretary = "community_secretary", "居民区党(总)支部书记"
    community_staff = "community_staff", "居委会工作人员"
    legal_adviser = "legal_adviser", "居委会法律顾问"
    mediator = "mediator", "人民调解员(楼组老娘舅)"
    community_police = "community_police", "社区民警"
    owners_committee = "owners_committee", "业委会"
    property_manager = "property_manager", "物业"
    grid_worker = "grid_worker", "微网格员"
    resident = "resident", "居民"
    integration_client = "integration_client", "对接平台(一网统管等)"


class OrgKind(Labelled):
    street = "street", "街道"
    area = "area", "片区"
    community = "community", "居民区"
    grid = "grid", "微网格"
    department = "department", "职能部门(单位)"


# Which kinds a unit of each kind may hang under (None: a root).
ALLOWED_PARENTS: dict[OrgKind, tuple[OrgKind | None, ...]] = {
    OrgKind.street: (None,),
    OrgKind.area: (OrgKind.street,),
    OrgKind.community: (OrgKind.area, OrgKind.street),
    OrgKind.grid: (OrgKind.community,),
    OrgKind.department: (OrgKind.street,),
}

# Roles that see the governance work of DOMAIN §4 (working bodies, meetings, patrols, evaluations …)
# by scope: the street's and the community's staff. Residents and the other outside roles see none of
# it (§4: "residents see none of it"); an admin sees everything without a role on the unit.
OUTSIDE_ROLES = (Role.resident, Role.owners_committee, Role.property_manager, Role.integration_client)
STAFF_ROLES = tuple(r for r in Role if r not in (Role.admin, *OUTSIDE_ROLES))
