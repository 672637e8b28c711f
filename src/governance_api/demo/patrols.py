"""Demo grid patrols (微网格巡查, DOMAIN.md §4.3): a year of patrols of 金色雅筑's two grids (where
the plain demo users work) and the last quarter of every other demo grid, each by its grid worker —
most days, mostly nil reports (无异常), now and then a hazard, a violation or a
矛盾纠纷线索 — and one clue of 金色雅筑1号微网格 turned into a dispute. Made through the API like
every demo record; the pattern is fixed (a seeded generator), so every seed makes the same year."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from governance_api.demo.driver import Api, Json
from governance_api.demo.world import COMMUNITIES, HOME, DemoWorld, grid_code, grid_worker

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAYS = 365  # the home community's grids
OTHER_DAYS = 91  # every other grid: a quarter keeps the seed quick (≈1 300 patrols in all)
SKIPPED = 0.12  # share of days a grid is not patrolled (rest days, typhoon warnings, 网格员 on leave)
NIL = 0.78  # share of patrols that find nothing

FINDINGS = {
    "safety_hazard": ("楼道内电动车充电, 已劝离", "消防通道堆放杂物", "单元门闭门器损坏"),
    "violation": ("底楼住户私搭违建", "小区内群租迹象", "占用绿化种菜"),
    "other": ("路灯不亮, 已报物业", "井盖松动, 已报修", "独居老人家中无人应门, 已联系家属"),
    "dispute_clue": ("两户因楼道堆物发生口角", "楼上漏水殃及楼下, 双方争执", "因停车位与邻居争吵"),
}
# The clue of the home grid that becomes a dispute, this many days ago.
REPORTED_CLUE_DAYS_AGO = 12


def _times(day: dt.date, rng: random.Random) -> tuple[str, str]:
    start = dt.datetime(
        day.year, day.month, day.day, rng.choice((8, 9, 14, 15)), rng.choice((0, 15, 30)), tzinfo=SHANGHAI
    )
    end = start + dt.timedelta(minutes=rng.choice((45, 60, 90)))
    return start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), end.astimezone(dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def _findings(rng: random.Random, clue: bool) -> list[Json]:
    if clue:
        return [{"kind": "dispute_clue", "description": FINDINGS["dispute_clue"][0]}]
    if rng.random() < NIL:
        return []
    kind = rng.choices(list(FINDINGS), weights=(5, 2, 4, 1))[0]
    return [{"kind": kind, "description": rng.choice(FINDINGS[kind])}]


def patrol_year(api: Api, world: DemoWorld) -> None:
    today = dt.datetime.now(SHANGHAI).date()
    for c in COMMUNITIES:
        for n in (1, 2):
            rng = random.Random(f"{c.key}-{n}")
            home = (c.key, n) == (HOME, 1)
            worker, grid = grid_worker(c.key, n), world.unit(grid_code(c.key, n))
            for days_ago in range(DAYS if c.key == HOME else OTHER_DAYS, 0, -1):
                clue = home and days_ago == REPORTED_CLUE_DAYS_AGO
                if rng.random() < SKIPPED and not clue:
                    continue
                day = today - dt.timedelta(days=days_ago)
                started, ended = _times(day, rng)
                findings = _findings(rng, clue)
                patrol = api.post(
                    worker,
                    "/patrols",
                    {
                        "grid_id": grid,
                        "patrol_date": day.isoformat(),
                        "started_at": started,
                        "ended_at": ended,
                        "nil_report": not findings,
                        "findings": findings,
                    },
                )
                if clue:
                    finding = patrol["findings"][0]["id"]
                    api.post(worker, f"/patrols/{patrol['id']}/findings/{finding}/report", {"category": "neighbor"})


CASES = (patrol_year,)
