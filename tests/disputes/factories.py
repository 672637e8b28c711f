"""Small helpers for dispute tests: valid ID numbers, bodies, and driving a dispute up the ladder
through HTTP."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from world import World

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
SHANGHAI = ZoneInfo("Asia/Shanghai")


def id_number(body17: str = "31010519491231002") -> str:
    """An 18-character resident ID number with its correct GB 11643 check character."""
    total = sum(int(d) * w for d, w in zip(body17, _WEIGHTS, strict=True))
    return body17 + _CHECK[total % 11]


def wrong_check(number: str) -> str:
    """The same number with a wrong check character."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def today() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def days_ago(n: int) -> str:
    return (today() - dt.timedelta(days=n)).isoformat()


def an_hour_ago() -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


PHONE = "13812345678"
ID_NUMBER = id_number()

SCREENING = {
    "background": "相邻两户, 楼上装修",
    "demands": "停止夜间噪音",
    "risks": "情绪激动",
    "asked_party": "已问本人",
    "asked_neighbors": "已问邻居",
    "asked_related_parties": "已问物业",
    "risk_level": "low",
    "track": "people_mediation",
}


def dispute_body(w: World, **over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "community_id": str(w.units["C1"]),
        "channel": "walk_in",
        "category": "neighbor",
        "title": "楼上噪音",
        "description": "楼上夜间噪音扰民",
        "parties": [
            {"name": "张三", "role": "applicant", "phone": PHONE, "id_number": ID_NUMBER},
            {"name": "李四", "role": "respondent"},
        ],
    }
    body.update(over)
    return body


def ok(r: Any, *codes: int) -> Any:
    codes = codes or (200, 201)
    assert r.status_code in codes, f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text[:600]}"
    return r.json()


def problem(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:600]}"
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    if code is not None:
        assert body["code"] == code, body
    return body


class Disputes:
    """Drives disputes through HTTP as the world's users."""

    def __init__(self, client: TestClient, w: World) -> None:
        self.c = client
        self.w = w

    def create(self, user: str = "staff1", **over: Any) -> dict[str, Any]:
        return ok(self.c.post("/api/v1/disputes", json=dispute_body(self.w, **over), headers=self.w.h(user)), 201)

    def act(
        self, user: str, did: str, action: str, body: dict[str, Any] | None = None, if_match: str | None = None
    ) -> Any:
        headers = self.w.h(user) | ({"If-Match": if_match} if if_match else {})
        return self.c.post(f"/api/v1/disputes/{did}/actions/{action}", json=body or {}, headers=headers)

    def do(self, user: str, did: str, action: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return ok(self.act(user, did, action, body))  # type: ignore[no-any-return]

    def get(self, did: str, user: str = "jo") -> dict[str, Any]:
        return ok(self.c.get(f"/api/v1/disputes/{did}", headers=self.w.h(user)))  # type: ignore[no-any-return]

    def history(self, did: str, user: str = "jo") -> list[dict[str, Any]]:
        return ok(self.c.get(f"/api/v1/disputes/{did}/history", headers=self.w.h(user)))["items"]  # type: ignore[no-any-return]

    def session(self, user: str, did: str, outcome: str = "failed") -> dict[str, Any]:
        body = {"held_at": an_hour_ago(), "participants": ["张三", "李四"], "notes": "调解一次", "outcome": outcome}
        return ok(self.c.post(f"/api/v1/disputes/{did}/sessions", json=body, headers=self.w.h(user)), 201)  # type: ignore[no-any-return]

    # ---- states -------------------------------------------------------------------------------

    def reported(self, **over: Any) -> str:
        return str(self.create(**over)["id"])

    def screening(self, **over: Any) -> str:
        did = self.reported(**over)
        self.do("staff1", did, "accept")
        return did

    def mediating(self, **over: Any) -> str:
        did = self.screening(**over)
        self.do("staff1", did, "complete_screening", SCREENING)
        return did

    def escalation_pending(self, requested: str = "street_joint") -> str:
        did = self.mediating()
        self.session("med1", did)
        self.do("sec1", did, "request_escalation", {"summary": "s", "reason": "r", "requested_level": requested})
        return did

    def at_street(self, level: str = "street_joint") -> str:
        did = self.escalation_pending(level)
        self.do("jo", did, "approve_escalation", {"level": level})
        return did

    def at_task_force(self) -> str:
        did = self.mediating()
        self.do("pls", did, "form_task_force", self.task_force_body())
        return did

    def task_force_body(self) -> dict[str, Any]:
        return {
            "lead_user_id": str(self.w.users["pls"]),
            "department_ids": [str(self.w.units["D1"]), str(self.w.units["D2"])],
        }

    def fulfilling(self) -> str:
        did = self.mediating()
        self.do("staff1", did, "record_agreement", {"form": "oral", "content": "晚十点后保持安静"})
        return did

    def written(self, signed_on: str | None = None) -> dict[str, Any]:
        signed = signed_on or days_ago(1)
        return {
            "form": "written",
            "facts": "物业费纠纷",
            "terms": [{"description": "补缴物业费", "due_on": signed}],
            "signed_by_parties": True,
            "signed_on": signed,
        }


SETUPS = (
    "reported",
    "screening",
    "mediating@community",
    "mediating@street_joint",
    "mediating@hongmei",
    "mediating@task_force",
    "escalation_pending",
    "fulfilling@community",
    "fulfilling@street_joint",
    "fulfilling@hongmei",
    "fulfilling@task_force",
    "resolved",
    "referred",
    "withdrawn",
)


def prepare(d: Disputes, setup: str) -> str:
    """A fresh dispute in ``setup`` (state@level), ready for every action valid from there: a session
    recorded at the current level, a disposal report at the task force."""
    if setup == "reported":
        return d.reported()
    if setup == "screening":
        return d.screening()
    if setup == "escalation_pending":
        return d.escalation_pending()
    if setup == "resolved":
        did = d.fulfilling()
        d.do("staff1", did, "confirm_fulfillment", {"note": "ok"})
        return did
    if setup == "referred":
        did = d.mediating()
        d.do("staff1", did, "refer", {"route": "arbitration", "reason": "r"})
        return did
    if setup == "withdrawn":
        did = d.reported()
        d.do("staff1", did, "withdraw", {"reason": "r"})
        return did
    state, level = setup.split("@")
    if level == "community":
        did, handler = d.mediating(), "med1"
    elif level == "task_force":
        did, handler = d.at_task_force(), "do1"
        ok(d.c.post(f"/api/v1/disputes/{did}/disposal-report", json={"content": "报告"}, headers=d.w.h("do1")), 201)
    else:
        did, handler = d.at_street(level), "smed"
    d.session(handler, did)
    if state == "fulfilling":
        body = d.written() if level in ("street_joint", "hongmei") else {"form": "oral", "content": "c"}
        d.do(handler, did, "record_agreement", body)
    return did
