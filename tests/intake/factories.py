"""Small helpers for intake tests: work-order items, posting a batch, counting what a batch wrote."""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from governance_api.db import Database
from governance_api.models.disputes import Dispute, DisputeParty
from governance_api.models.integration import WorkOrder
from governance_api.models.records import OutboxEvent, TransitionRecord
from world import World

URL = "/api/v1/intake/work-orders"


def an_hour_ago() -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


REPORTED_AT = "2026-11-01T08:00:00+08:00"  # one time for every item: a replay must be identical


def unit_code(w: World, key: str) -> str:
    """The org unit code the test world gave ``key`` (``c1-1a2b3c``)."""
    return f"{key.lower()}-{w.units[key].hex[:6]}"


def item(w: World, ext: str, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": ext,
        "reported_at": REPORTED_AT,
        "category_code": "0301",
        "title": "楼上装修噪音",
        "description": "2号楼502室反映楼上夜间装修噪音",
        "address": "金色雅筑2号楼",
        "community_code": unit_code(w, "C1"),
        "reporter": {"name": "张三", "phone": "13812345678"},
        "attachments": [{"url": "https://ywtg.example.gov.cn/f/1.jpg", "name": "现场照片"}],
    }
    body.update(over)
    return {k: v for k, v in body.items() if v is not None}


def post(client: TestClient, w: World, items: list[Any], user: str = "ic", **kw: Any) -> Any:
    return client.post(URL, json={"items": items}, headers=w.h(user), **kw)


def statuses(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["status"] for r in response.json()["results"]]


def counts(db: Database) -> dict[str, int]:
    """Rows of every table a batch writes."""
    with db.session(write=False) as s:
        return {
            model.__tablename__: int(s.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Dispute, DisputeParty, TransitionRecord, OutboxEvent, WorkOrder)
        }
