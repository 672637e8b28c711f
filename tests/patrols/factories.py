"""Small helpers for patrol tests: the extra units and users (a second grid in C1 nobody patrols, a
grid in the second street with its own worker), bodies, and driving patrols through HTTP."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from governance_api.models.base import Base
from governance_api.roles import OrgKind, Role
from world import World

API = "/api/v1"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def extend(world: World) -> None:
    """G2: a second grid of C1 (no grid worker of its own); G3: a grid of C3 in the second street,
    patrolled by gw3; cw1: a grid worker over the whole community C1."""
    world.add_unit("G2", OrgKind.grid, "C1", "金色雅筑2号微网格")
    world.add_unit("G3", OrgKind.grid, "C3", "彭五1号微网格")
    world.add_user("gw3", (Role.grid_worker, "G3"))
    world.add_user("cw1", (Role.grid_worker, "C1"))


def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def at(day: dt.date, hour: int, minute: int = 0) -> str:
    """A Shanghai wall-clock time on ``day`` as RFC 3339 UTC."""
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)
    return local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def body(
    grid_id: str, *, days_ago: int = 1, findings: list[dict[str, str]] | None = None, **over: Any
) -> dict[str, Any]:
    day = today() - dt.timedelta(days=days_ago)
    out: dict[str, Any] = {
        "grid_id": grid_id,
        "patrol_date": day.isoformat(),
        "started_at": at(day, 9),
        "ended_at": at(day, 10, 30),
        "nil_report": not findings,
        "findings": findings or [],
    }
    return out | over


CLUE = {"kind": "dispute_clue", "description": "3号楼两户因楼道堆物发生争吵"}
HAZARD = {"kind": "safety_hazard", "description": "5号楼楼道电动车充电"}


class Patrols:
    def __init__(self, client: TestClient, world: World) -> None:
        self.c, self.w = client, world

    def h(self, user: str) -> dict[str, str]:
        return self.w.h(user)

    def post(self, user: str, payload: Any, **headers: str) -> Response:
        return self.c.post(f"{API}/patrols", json=payload, headers=self.h(user) | headers)

    def log(self, user: str = "gw1", grid: str = "G1", **kw: Any) -> dict[str, Any]:
        r = self.post(user, body(str(self.w.units[grid]), **kw))
        assert r.status_code == 201, r.text
        read: dict[str, Any] = r.json()
        return read

    def get(self, pid: str, user: str = "admin") -> Response:
        return self.c.get(f"{API}/patrols/{pid}", headers=self.h(user))

    def report(self, user: str, pid: str, fid: str, payload: Any | None = None, **headers: str) -> Response:
        return self.c.post(
            f"{API}/patrols/{pid}/findings/{fid}/report",
            json={"category": "neighbor"} if payload is None else payload,
            headers=self.h(user) | headers,
        )

    def list(self, user: str = "admin", **params: Any) -> Response:
        return self.c.get(f"{API}/patrols", params=params, headers=self.h(user))

    def counts(self) -> dict[str, int]:
        """Rows of every table (history and outbox included): what a refusal must leave unchanged."""
        with self.w.db.session(write=False) as s:
            return {
                t.name: int(s.scalar(select(func.count()).select_from(t)) or 0) for t in Base.metadata.sorted_tables
            }
