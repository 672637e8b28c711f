"""A year of governance meetings (DOMAIN §4.2) in the demo street, recorded through the API after the
fact: every community's monthly 依法治理工作例会 (把脉会诊 of its recent decisions and disputes, the
most recent ones linked on the agenda), a quarterly 民情分析会, a 居民议事会 in 凌兆新村, and the
street's 治理难题联席会商 on 华夏一村's parking problem with departments assigned. Resolutions of
meetings more than two months old are marked done (闭环); the recent ones stay open."""

from governance_api.demo.clock import days_ago, shanghai_day
from governance_api.demo.driver import Api, Json
from governance_api.demo.world import COMMUNITIES, LOCAL_ROLES, STREET, Community, DemoWorld, department_code, local
from governance_api.roles import Role

MONTHS = 12
CLOSED_AFTER_DAYS = 60  # resolutions of meetings older than this are marked done
TOPICS = ("楼道堆物与消防通道", "加装电梯进展", "物业服务与维修资金", "电动自行车充电安全", "邻里纠纷排查", "群租整治")


def _people(world: DemoWorld, c: Community, adviser: bool) -> list[Json]:
    roles = [
        (Role.community_secretary, "党总支书记"),
        (Role.community_staff, "居委会主任"),
        (Role.mediator, "楼组老娘舅"),
    ]
    if adviser:
        roles.append((Role.legal_adviser, "法律顾问"))
    names = dict(zip(LOCAL_ROLES, c.people, strict=True))
    return [{"user_id": world.user(local(r, c.key)), "name": names[r], "capacity": cap} for r, cap in roles]


def _ids(api: Api, who: str, resource: str, unit: str) -> list[str]:
    """The ids of the unit's records ``who`` sees, newest first (a page of them)."""
    return [str(r["id"]) for r in api.get(who, f"/{resource}?org_unit_id={unit}&limit=6")["items"]]


def _close(api: Api, who: str, meeting: Json, note: str) -> None:
    for r in meeting["resolutions"]:
        api.post(who, f"/meetings/{meeting['id']}/resolutions/{r['id']}/done", {"note": note}, expect=200)


def community_year(api: Api, world: DemoWorld, c: Community) -> int:
    """Twelve monthly 例会 and four 民情分析会 of one community; returns how many were recorded."""
    secretary, unit = local(Role.community_secretary, c.key), world.unit(c.code)
    decisions, disputes = _ids(api, secretary, "decisions", unit), _ids(api, secretary, "disputes", unit)
    count = 0
    for month in range(MONTHS):
        age = 30 * month + 5
        agenda: list[Json] = [{"subject": f"本月矛盾纠纷和风险隐患研判: {TOPICS[month % len(TOPICS)]}"}]
        if month < len(decisions):
            agenda.append({"subject": "重大决策事项推进情况", "decision_id": decisions[month]})
        if month < len(disputes):
            agenda.append({"subject": "矛盾纠纷化解进展", "dispute_id": disputes[month]})
        body: Json = {
            "kind": "governance_meeting",
            "org_unit_id": unit,
            "held_at": days_ago(age, hours=6),
            "chair_user_id": world.user(secretary),
            "attendees": _people(world, c, adviser=month % 2 == 0),
            "legal_adviser_present": month % 2 == 0,
            "agenda": agenda,
            "minutes": f"{c.short}依法治理工作例会: 逐项梳理议题, 对风险点明确责任人和时限。",
            "resolutions": [
                {"text": f"居委会牵头落实{TOPICS[month % len(TOPICS)]}整改", "due_on": shanghai_day(-age + 20)},
                {"text": "法律顾问对相关事项出具书面意见", "due_on": shanghai_day(-age + 30)},
            ],
        }
        meeting = api.post(secretary, "/meetings", body)
        if age > CLOSED_AFTER_DAYS:
            _close(api, local(Role.community_staff, c.key), meeting, "已按期落实, 会后回访居民")
        count += 1
        if month % 3 == 1:
            analysis = body | {
                "kind": "situation_analysis",
                "held_at": days_ago(age, hours=2),
                "agenda": [{"subject": "季度民情民意分析"}],
                "minutes": f"{c.short}民情分析会: 汇总走访和信访情况, 研判群众诉求热点。",
                "resolutions": [{"text": "针对热点诉求制定回应清单"}],
            }
            api.post(local(Role.community_staff, c.key), "/meetings", analysis)
            count += 1
    return count


def residents_council(api: Api, world: DemoWorld) -> None:
    c = next(c for c in COMMUNITIES if c.key == "lingzhao")
    staff = local(Role.community_staff, c.key)
    api.post(
        staff,
        "/meetings",
        {
            "kind": "residents_council",
            "org_unit_id": world.unit(c.code),
            "held_at": days_ago(12),
            "chair_user_id": world.user(local(Role.community_secretary, c.key)),
            "attendees": [
                {"name": "楼组长代表12人", "capacity": "楼组长"},
                {"name": "居民代表20人", "capacity": "居民代表"},
            ],
            "legal_adviser_present": True,
            "agenda": [{"subject": "小区非机动车停放秩序"}],
            "minutes": "居民议事会讨论非机动车停放, 多数代表同意划定集中停放区。",
            "resolutions": [{"text": "居委会会同物业划定非机动车集中停放区", "due_on": shanghai_day(20)}],
        },
    )


def joint_consultation(api: Api, world: DemoWorld) -> None:
    """The street's 联席会商 on 华夏一村's parking, chaired by the political-legal secretary."""
    huaxia = next(c for c in COMMUNITIES if c.key == "huaxia")
    chair = "demo_political_legal_secretary"
    decisions = _ids(api, chair, "decisions", world.unit(huaxia.code))
    agenda: list[Json] = [{"subject": "华夏一村停车难群体性诉求"}]
    agenda += [{"subject": "相关重大决策事项", "decision_id": d} for d in decisions[:2]]
    meeting = api.post(
        "demo_judicial_officer",
        "/meetings",
        {
            "kind": "joint_consultation",
            "org_unit_id": world.unit(STREET),
            "held_at": days_ago(75),
            "chair_user_id": world.user(chair),
            "attendees": [
                {"user_id": world.user(chair), "name": "赵国强", "capacity": "分管政法工作的副书记"},
                {
                    "user_id": world.user(local(Role.liaison_leader, "huaxia")),
                    "name": "包联领导",
                    "capacity": "包联领导",
                },
                {"user_id": world.user("demo_judicial_officer"), "name": "陈立新", "capacity": "司法所"},
                {"name": "周明", "capacity": "房管办"},
                {"name": "马骏", "capacity": "城管中队"},
            ],
            "legal_adviser_present": True,
            "agenda": agenda,
            "minutes": "联席会商形成处置方案: 房管办牵头梳理车位资源, 城管中队整治占道停车, 居委会做好群众工作。",
            "resolutions": [
                {
                    "text": "房管办牵头梳理小区及周边车位资源",
                    "responsible_unit_id": world.unit(department_code("housing")),
                },
                {
                    "text": "城管中队整治周边道路占道停车",
                    "responsible_unit_id": world.unit(department_code("chengguan")),
                },
                {
                    "text": "居委会做好居民解释工作",
                    "responsible_unit_id": world.unit(huaxia.code),
                    "due_on": shanghai_day(10),
                },
            ],
        },
    )
    first, second, _ = meeting["resolutions"]
    api.post(
        chair,
        f"/meetings/{meeting['id']}/resolutions/{first['id']}/done",
        {"note": "梳理车位312个, 方案已公示"},
        expect=200,
    )
    api.post(
        chair, f"/meetings/{meeting['id']}/resolutions/{second['id']}/done", {"note": "占道停车已整治"}, expect=200
    )


def seed_meetings(api: Api, world: DemoWorld) -> int:
    """Every demo meeting; returns how many."""
    count = sum(community_year(api, world, c) for c in COMMUNITIES)
    residents_council(api, world)
    joint_consultation(api, world)
    return count + 2
