"""一网统管 in the demo (DOMAIN §6): the 司法所 keeps the feed's category table, and the feed posts a
batch of work orders — one whose category code has no row (it becomes ``other``, the raw code kept),
one replayed unchanged, one that names no known community (rejected, the rest still recorded)."""

from governance_api.demo.driver import Api
from governance_api.demo.world import DEMO_FEED_CHANNEL, DemoWorld, community_code, grid_code

FEED = "demo_integration_client"
JUDICIAL_OFFICER = "demo_judicial_officer"

# 一网统管's own category codes (工单类别) and the dispute category each is handled as.
CATEGORY_MAP = [
    ("YWTG-0301", "renovation_noise"),  # 噪声扰民
    ("YWTG-0402", "parking"),  # 停车管理
    ("YWTG-0503", "property_management"),  # 物业服务
    ("YWTG-0605", "neighbor"),  # 邻里关系
    ("YWTG-0708", "tenancy"),  # 房屋租赁
    ("YWTG-0910", "labor"),  # 劳动保障
]


def _order(n: int, code: str, place: dict[str, str], title: str, description: str) -> dict[str, object]:
    return {
        "external_id": f"YWTG-DEMO-{n:06d}",
        "reported_at": "2026-11-20T01:30:00Z",
        "category_code": code,
        "title": title,
        "description": description,
        "address": "东明路街道",
        **place,
        "reporter": {"name": "市民来电", "phone": "13900001111"},
        "attachments": [{"url": f"https://ywtg.example.gov.cn/attachments/{n}.jpg", "name": "现场照片"}],
    }


def feed_batch(api: Api, world: DemoWorld) -> None:
    """The category table, then one batch of work orders answered item by item."""
    entries = [{"source_code": s, "category": c} for s, c in CATEGORY_MAP]
    api.put(JUDICIAL_OFFICER, f"/intake/sources/{DEMO_FEED_CHANNEL}/category-map", {"entries": entries})
    items = [
        _order(
            501,
            "YWTG-0301",
            {"grid_code": grid_code("jinse", 2)},
            "一网统管工单: 楼上夜间装修噪音",
            "市民反映12号楼夜间十点后仍有装修施工噪音, 影响休息。",
        ),
        _order(
            502,
            "YWTG-0402",
            {"community_code": community_code("lingzhao")},
            "一网统管工单: 小区内车辆乱停占用消防通道",
            "市民反映小区3号门附近车辆长期停放在消防通道上。",
        ),
        _order(
            503,
            "YWTG-9999",
            {"community_code": community_code("dongming")},
            "一网统管工单: 公共区域堆物",
            "市民反映楼道内长期堆放杂物, 存在安全隐患。",
        ),
    ]
    items.append(dict(items[0]))  # a feed's retry of the first order: answered unchanged
    items.append(_order(504, "YWTG-0605", {"community_code": "no-such-community"}, "一网统管工单: 邻里矛盾", "……"))
    answer = api.post(FEED, "/intake/work-orders", {"items": items}, expect=200)
    statuses = [r["status"] for r in answer["results"]]
    if statuses != ["created", "created", "created", "unchanged", "rejected"]:
        raise RuntimeError(f"the demo batch was answered {statuses}")


CASES = (feed_batch,)
DISPUTES = 3  # the disputes the batch creates
