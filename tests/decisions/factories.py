"""Small helpers that drive decisions through HTTP only."""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from world import World

API = "/api/v1"

# The happy path of a consultation decision (楼道堆物集中整治), state by state.
PATH = ["listed", "proposed", "consulting", "filing", "legal_review", "implementing", "closed"]
PLAN = {"plan": "分楼组清理", "scope": "全小区", "schedule": "两周"}


def yesterday() -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def ok(r: Response, *codes: int) -> Any:
    assert r.status_code in (codes or (200, 201)), f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text}"
    return r.json()


def problem(r: Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text}"
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    if code:
        assert body["code"] == code, body
    return body


def create(
    client: TestClient,
    w: World,
    who: str = "sec1",
    code: str = "corridor_clearance",
    community: str = "C1",
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "community_id": str(w.units[community]),
        "catalog_code": code,
        "title": "楼道堆物集中整治",
        "description": "消除消防隐患",
    } | extra
    return ok(client.post(f"{API}/decisions", json=body, headers=w.h(who)), 201)  # type: ignore[no-any-return]


def act(client: TestClient, w: World, who: str, did: str, action: str, body: Any = None, **headers: str) -> Response:
    return client.post(
        f"{API}/decisions/{did}/actions/{action}", json={} if body is None else body, headers=w.h(who) | headers
    )


def get(client: TestClient, w: World, did: str, who: str = "sec1", sub: str = "") -> Any:
    return ok(client.get(f"{API}/decisions/{did}{sub}", headers=w.h(who)))


def post(client: TestClient, w: World, who: str, did: str, sub: str, body: Any, **headers: str) -> Response:
    return client.post(f"{API}/decisions/{did}/{sub}", json=body, headers=w.h(who) | headers)


def answer_filings(client: TestClient, w: World, did: str) -> None:
    who = {"leader_in_charge": "lic", "liaison_leader": "ll1", "department_officer": None}
    for f in get(client, w, did, sub="/filings")["items"]:
        if f["stage"] != "decision" or f["response"]:
            continue
        name = who[f["target_role"]] or next(
            n for n in ("do1", "do2", "do3") if str(w.units["D" + n[-1]]) == f["target_org_unit_id"]
        )
        ok(post(client, w, name, did, f"filings/{f['id']}/response", {"response": "acknowledged", "opinion": "同意"}))


def advance(client: TestClient, w: World, did: str, state: str) -> None:
    """From ``listed``, along the consultation happy path, up to ``state``."""
    steps = {
        "proposed": lambda: ok(act(client, w, "sec1", did, "propose", PLAN)),
        "consulting": lambda: ok(act(client, w, "sec1", did, "open_consultation")),
        "filing": lambda: (
            ok(post(client, w, "sec1", did, "meetings", meeting())),
            ok(act(client, w, "sec1", did, "confirm_consensus")),
        ),
        "legal_review": lambda: (answer_filings(client, w, did), ok(act(client, w, "sec1", did, "submit_for_review"))),
        "implementing": lambda: (
            ok(post(client, w, "la1", did, "legal-opinions", {"conclusion": "lawful", "opinion": "于法有据"})),
            ok(act(client, w, "jo", did, "approve", {"conclusion": "approved", "conditions": []})),
        ),
        "closed": lambda: ok(act(client, w, "sec1", did, "complete", {"summary": "已清理完毕"})),
        "withdrawn": lambda: ok(act(client, w, "sec1", did, "withdraw", {"reason": "不再需要"})),
    }
    if state == "withdrawn":
        steps["withdrawn"]()
        return
    if state == "rejected":
        advance(client, w, did, "legal_review")
        ok(act(client, w, "jo", did, "reject", {"reason": "违反上位法"}))
        return
    for s in PATH[1 : PATH.index(state) + 1]:
        steps[s]()


def decision_in(client: TestClient, w: World, state: str, **extra: Any) -> dict[str, Any]:
    d = create(client, w, **extra)
    advance(client, w, d["id"], state)
    return get(client, w, d["id"])  # type: ignore[no-any-return]


def meeting(**over: Any) -> dict[str, Any]:
    return {
        "held_at": yesterday(),
        "kind": "consultation",
        "attendees": 15,
        "votes_for": 0,
        "votes_against": 0,
        "minutes": "三驾马车与楼组长协商",
    } | over


def history_len(client: TestClient, w: World, did: str) -> int:
    return len(get(client, w, did, who="admin", sub="/history")["items"])
