"""Small helpers that drive working bodies over HTTP only."""

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from buildings.factories import API, ok
from world import World

GROUP = "governance_group"
TASK_FORCE = "street_task_force"


def create_body(
    c: TestClient, w: World, kind: str = GROUP, unit: str = "C1", who: str = "sec1", name: str = ""
) -> Response:
    body = {"kind": kind, "org_unit_id": str(w.units[unit]), "name": name or f"{unit}依法治理工作机构"}
    return c.post(f"{API}/working-bodies", json=body, headers=w.h(who))


def group(c: TestClient, w: World, unit: str = "C1", who: str = "sec1") -> dict[str, Any]:
    return ok(create_body(c, w, GROUP, unit, who), 201)  # type: ignore[no-any-return]


def task_force(c: TestClient, w: World, who: str = "pls") -> dict[str, Any]:
    return ok(create_body(c, w, TASK_FORCE, "S1", who), 201)  # type: ignore[no-any-return]


def member(name: str = "王建国", position: str = "member", **extra: Any) -> dict[str, Any]:
    return {"name": name, "position": position, "duty": "参与依法治理工作", "from_date": "2026-01-01"} | extra


def add(c: TestClient, w: World, body_id: str, fields: Any, who: str = "sec1", **headers: str) -> Response:
    return c.post(f"{API}/working-bodies/{body_id}/members", json=fields, headers=w.h(who) | headers)


def end(c: TestClient, w: World, body_id: str, member_id: str, fields: Any, who: str = "sec1") -> Response:
    return c.post(f"{API}/working-bodies/{body_id}/members/{member_id}/end", json=fields, headers=w.h(who))


def read(c: TestClient, w: World, body_id: str, who: str = "admin") -> dict[str, Any]:
    return ok(c.get(f"{API}/working-bodies/{body_id}", headers=w.h(who)))  # type: ignore[no-any-return]


def history(c: TestClient, w: World, body_id: str) -> list[dict[str, Any]]:
    return ok(c.get(f"{API}/working-bodies/{body_id}/history", headers=w.h("admin")))["items"]  # type: ignore[no-any-return]


def every_body(c: TestClient, w: World) -> list[dict[str, Any]]:
    return ok(c.get(f"{API}/working-bodies", params={"limit": 200}, headers=w.h("admin")))["items"]  # type: ignore[no-any-return]
