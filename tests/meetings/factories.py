"""Small helpers that drive meetings (会议) through HTTP, and count what the database holds."""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select

from decisions.factories import ok as ok  # the suite's one pair of response checks, re-exported
from decisions.factories import problem as problem
from governance_api.models.meetings import GovernanceMeeting, MeetingResolution
from governance_api.models.records import OutboxEvent, TransitionRecord
from world import World

API = "/api/v1"


def hours_ago(n: float) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M:%SZ")


def community_meeting(w: World, unit: str = "C1", chair: str = "sec1", **over: Any) -> dict[str, Any]:
    """A 依法治理工作例会 of ``unit`` with two resolutions."""
    body: dict[str, Any] = {
        "kind": "governance_meeting",
        "org_unit_id": str(w.units[unit]),
        "held_at": hours_ago(2),
        "chair_user_id": str(w.users[chair]),
        "attendees": [
            {"user_id": str(w.users[chair]), "name": "书记", "capacity": "党总支书记"},
            {"name": "王主任", "capacity": "居委会主任"},
        ],
        "legal_adviser_present": True,
        "agenda": [{"subject": "近期矛盾纠纷研判"}],
        "minutes": "会议分析了近期矛盾纠纷和风险隐患",
        "resolutions": [{"text": "居委会走访相关住户"}, {"text": "物业清理楼道", "due_on": "2030-01-31"}],
    }
    return body | over


def joint_consultation(w: World, chair: str = "pls", **over: Any) -> dict[str, Any]:
    """A 治理难题联席会商 at the street S1 with the 房管办 and 城管中队 assigned."""
    body: dict[str, Any] = {
        "kind": "joint_consultation",
        "org_unit_id": str(w.units["S1"]),
        "held_at": hours_ago(3),
        "chair_user_id": str(w.users[chair]),
        "attendees": [
            {"user_id": str(w.users["pls"]), "name": "副书记", "capacity": "分管政法工作的副书记"},
            {"user_id": str(w.users["ll1"]), "name": "包联领导", "capacity": "包联领导"},
        ],
        "legal_adviser_present": False,
        "agenda": [{"subject": "凌兆新村群体性停车难题"}],
        "minutes": "研究群体性停车难题, 形成处置方案和分工",
        "resolutions": [
            {"text": "房管办牵头梳理小区停车位", "responsible_unit_id": str(w.units["D1"]), "due_on": "2030-02-28"},
            {"text": "城管中队整治占道停车", "responsible_unit_id": str(w.units["D2"])},
        ],
    }
    return body | over


def create(client: TestClient, w: World, who: str, body: dict[str, Any], **headers: str) -> Response:
    return client.post(f"{API}/meetings", json=body, headers=w.h(who) | headers)


def record(client: TestClient, w: World, who: str, body: dict[str, Any]) -> dict[str, Any]:
    return ok(create(client, w, who, body), 201)  # type: ignore[no-any-return]


def done(client: TestClient, w: World, who: str, mid: str, rid: str, note: Any = "已落实", **headers: str) -> Response:
    body = {} if note is None else {"note": note}
    return client.post(f"{API}/meetings/{mid}/resolutions/{rid}/done", json=body, headers=w.h(who) | headers)


def get(client: TestClient, w: World, mid: str, who: str = "sec1", sub: str = "") -> Any:
    return ok(client.get(f"{API}/meetings/{mid}{sub}", headers=w.h(who)))


def listed(client: TestClient, w: World, who: str = "admin", **params: Any) -> list[str]:
    page = ok(client.get(f"{API}/meetings", params=params, headers=w.h(who)))
    return [m["id"] for m in page["items"]]


def counts(w: World) -> tuple[int, int, int, int, int]:
    """(meetings, resolutions done, meeting history rows, meeting outbox events, sum of versions)."""
    with w.db.transaction() as s:
        return (
            s.scalar(select(func.count()).select_from(GovernanceMeeting)) or 0,
            s.scalar(select(func.count()).select_from(MeetingResolution).where(MeetingResolution.done)) or 0,
            s.scalar(select(func.count()).where(TransitionRecord.aggregate_type == "meeting")) or 0,
            s.scalar(select(func.count()).where(OutboxEvent.aggregate_type == "meeting")) or 0,
            s.scalar(select(func.coalesce(func.sum(GovernanceMeeting.version), 0))) or 0,
        )
