"""Small helpers that drive annual evaluations through HTTP only."""

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from decisions.factories import ok
from world import World

API = "/api/v1"
YEAR = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).year  # this Shanghai year
SUBMIT = {"self_assessment": "全年召开依法治理工作例会12次, 重大决策均经法制审核", "self_score": 90}
EVALUATE = {
    "score": 93,
    "grade": "excellent",
    "comments": "例会制度落实",
    "funding_uplift": True,
    "demonstration_nomination": "district",
}
# The body each action succeeds with.
BODIES: dict[str, dict[str, Any]] = {
    "submit": SUBMIT,
    "return": {"reason": "请补充加装电梯决策的法制审核情况"},
    "evaluate": EVALUATE,
    "publish": {"commendations": ["金色雅筑居民区"], "criticisms": []},
}
# Who takes each action, and the path from the initial state to each state.
ACTORS = {"submit": "sec1", "return": "jo", "evaluate": "jo", "publish": "jo"}
PATH = {"self_assessing": [], "submitted": ["submit"], "evaluated": ["submit", "evaluate"]}
PATH["published"] = [*PATH["evaluated"], "publish"]


def create(client: TestClient, w: World, who: str = "sec1", community: str = "C1", year: int = YEAR) -> Response:
    body = {"community_id": str(w.units[community]), "year": year}
    return client.post(f"{API}/evaluations", json=body, headers=w.h(who))


def act(client: TestClient, w: World, who: str, eid: str, action: str, body: Any = None) -> Response:
    return client.post(f"{API}/evaluations/{eid}/actions/{action}", json=body or {}, headers=w.h(who))


def get(client: TestClient, w: World, eid: str, who: str = "jo", sub: str = "") -> Any:
    return ok(client.get(f"{API}/evaluations/{eid}{sub}", headers=w.h(who)))


def evaluation_in(client: TestClient, w: World, state: str, community: str = "C1", year: int = YEAR) -> Any:
    """An evaluation of ``community`` and ``year`` driven to ``state`` along the happy path."""
    secretary = {"C1": "sec1", "C2": "sec2", "C3": "sec3"}[community]
    e = ok(create(client, w, who=secretary, community=community, year=year))
    judicial = "jo2" if community == "C3" else "jo"
    for action in PATH[state]:
        who = secretary if ACTORS[action] == "sec1" else judicial
        e = ok(act(client, w, who, e["id"], action, BODIES[action]))
    return e
