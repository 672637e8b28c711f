"""The demo street's buildings (楼栋) and working bodies (DOMAIN.md §4.1, §4.6), made through the API:
each community registers a few buildings and sets up its 依法治理工作小组 — led by its party
secretary, with the 居委会, 业委会 and 物业 heads, the 法律顾问 and a 楼组老娘舅 — and the street's
依法治理工作专班, seated in the 司法所 and led by the political-legal secretary, takes the
department heads and the communities' party secretaries. One member of 金色雅筑's group has left
(the property company changed), so the demo shows an ended membership too."""

from governance_api.demo.driver import Api
from governance_api.demo.world import (
    COMMUNITIES,
    DEPARTMENTS,
    STREET,
    Community,
    DemoWorld,
    community_code,
    local,
)
from governance_api.roles import Role

SINCE = "2026-01-01"  # the groups were formed at the start of the year's 依法治理 work
BUILDINGS = 4  # per community: enough to show the register and, later, the 法律明白人 coverage


def register_buildings(api: Api, world: DemoWorld) -> None:
    for c in COMMUNITIES:
        for n in range(1, BUILDINGS + 1):
            body = {"community_id": world.unit(c.code), "code": str(n), "name": f"{c.short}{n}号楼"}
            api.post(local(Role.community_staff, c.key), "/buildings", body)


def _member(name: str, organisation: str, duty: str, position: str = "member") -> dict[str, str]:
    return {"name": name, "organisation": organisation, "position": position, "duty": duty, "from_date": SINCE}


def _user_member(world: DemoWorld, username: str, duty: str, position: str = "member") -> dict[str, str]:
    return {"user_id": world.user(username), "position": position, "duty": duty, "from_date": SINCE}


def governance_groups(api: Api, world: DemoWorld) -> None:
    for c in COMMUNITIES:
        _group(api, world, c)


def _group(api: Api, world: DemoWorld, c: Community) -> None:
    secretary = local(Role.community_secretary, c.key)
    body = {
        "kind": "governance_group",
        "org_unit_id": world.unit(community_code(c.key)),
        "name": f"{c.short}依法治理工作小组",
    }
    group = api.post(secretary, "/working-bodies", body)
    path = f"/working-bodies/{group['id']}/members"
    api.post(secretary, path, _user_member(world, secretary, "全面负责居民区依法治理工作", "leader"))
    api.post(
        secretary,
        path,
        _user_member(world, local(Role.community_staff, c.key), "居委会主任, 组织协商议事和日常法治事务"),
    )
    api.post(secretary, path, _member(f"{c.short}业委会主任", f"{c.short}业主委员会", "业委会主任, 反映业主意见"))
    manager = api.post(
        secretary, path, _member(f"{c.short}物业经理", f"{c.short}物业服务中心", "物业公司负责人, 落实物业管理事项")
    )
    api.post(secretary, path, _user_member(world, local(Role.legal_adviser, c.key), "法律顾问, 提供法律意见和法制审核"))
    api.post(secretary, path, _user_member(world, local(Role.mediator, c.key), "楼组老娘舅骨干, 化解邻里纠纷"))
    if c.key == "jinse":
        end = {"to_date": "2026-06-30", "reason": "物业服务企业更换, 由新物业负责人接替"}
        api.post(secretary, f"{path}/{manager['id']}/end", end, expect=200)
        api.post(
            secretary,
            path,
            _member("金色雅筑新物业经理", "金色雅筑新物业服务中心", "物业公司负责人", "member")
            | {"from_date": "2026-07-01"},
        )


def street_task_force(api: Api, world: DemoWorld) -> None:
    leader = "demo_political_legal_secretary"
    body = {"kind": "street_task_force", "org_unit_id": world.unit(STREET), "name": "东明路街道依法治理工作专班"}
    task_force = api.post(leader, "/working-bodies", body)
    path = f"/working-bodies/{task_force['id']}/members"
    api.post(leader, path, _user_member(world, leader, "专班组长, 统筹全街道依法治理工作", "leader"))
    api.post("demo_judicial_officer", path, _user_member(world, "demo_judicial_officer", "司法所, 专班日常工作"))
    for _, name, officer in DEPARTMENTS:
        if name != "司法所":
            api.post("demo_judicial_officer", path, _member(officer, name, f"{name}负责人"))
    for c in COMMUNITIES:
        api.post(
            "demo_judicial_officer",
            path,
            _user_member(world, local(Role.community_secretary, c.key), f"{c.short}党组织负责人"),
        )


CASES = (register_buildings, governance_groups, street_task_force)
