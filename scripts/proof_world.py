"""A second street beside the demo world, made through the API by demo_admin, for the contract proofs.

The demo world (``governance-api seed-demo``) has one street. The proofs need callers who must not
reach its records: this adds 北站路街道 (``proof-north``) with a community, a grid, two departments
and one user for every role but admin (``north_<role>``, the demo password), no decisions or
disputes, and one record of every governance kind that has one (``governance_records``, a meeting with
a resolution, a patrol with a 矛盾纠纷线索): foreign records for the demo street's callers.

    python scripts/proof_world.py API_URL          prints {"<role>": "<username>", ...} as JSON
    python scripts/proof_world.py API_URL DIR      also writes DIR/<name>.dict: the ids of the demo
                                                   world, one fuzz dictionary per kind (libFuzzer format)
"""

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import httpx

PASSWORD = "Demo-pass-2026"
STREET = "proof-north"

# role → the unit (by code suffix) it is held on
NORTH_ROLES = {
    "judicial_officer": "",
    "leader_in_charge": "",
    "rule_of_law_leader": "",
    "political_legal_secretary": "",
    "liaison_leader": "-c1",
    "department_officer": "-d-housing",
    "community_secretary": "-c1",
    "community_staff": "-c1",
    "legal_adviser": "-c1",
    "mediator": "-c1",
    "community_police": "-c1",
    "owners_committee": "-c1",
    "property_manager": "-c1",
    "grid_worker": "-g1",
    "resident": "-c1",
    "integration_client": "",
}


class Api:
    """A caller of the API: ``call`` returns the response, ``ok`` the JSON of a 2xx."""

    def __init__(self, base: str, token: str | None = None) -> None:
        self.base = base.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(headers=headers, timeout=30.0)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, self.base + path, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        if not response.is_success:
            raise SystemExit(f"{method} {path} answered {response.status_code}: {response.text[:500]}")
        return response.json()


def token(base: str, username: str) -> str:
    client = username.endswith("integration_client")
    form = (
        {"grant_type": "client_credentials", "client_id": username, "client_secret": PASSWORD}
        if client
        else {"username": username, "password": PASSWORD}
    )
    response = httpx.post(base.rstrip("/") + "/auth/token", data=form, timeout=30.0)
    if response.status_code != 200:
        raise SystemExit(f"cannot sign in as {username}: {response.status_code} {response.text[:300]}")
    return str(response.json()["access_token"])


def as_user(base: str, username: str) -> Api:
    return Api(base, token(base, username))


def second_street(base: str) -> dict[str, str]:
    """Make the second street and its people; returns role → username."""
    admin = as_user(base, "demo_admin")
    units: dict[str, str] = {}

    def unit(suffix: str, kind: str, name: str, parent: str | None) -> None:
        body = {"kind": kind, "code": STREET + suffix, "name": name, "parent_id": units.get(parent or "")}
        units[suffix] = admin.ok("POST", "/org-units", json=body)["id"]

    unit("", "street", "北站路街道", None)
    unit("-c1", "community", "北站新村", "")
    unit("-g1", "grid", "北站新村第一微网格", "-c1")
    unit("-d-housing", "department", "北站路街道房管办", "")
    unit("-d-judicial", "department", "北站路街道司法所", "")
    users, ids = {}, {}
    for role, suffix in NORTH_ROLES.items():
        username = f"north_{role}"
        body = {
            "username": username,
            "password": PASSWORD,
            "display_name": f"北站 {role}",
            "roles": [{"role": role, "org_unit_id": units[suffix]}],
        }
        ids[role] = admin.ok("POST", "/users", json=body)["id"]
        users[role] = username
    governance_records(base, units)
    _north_meeting(base, units, ids["community_secretary"])
    _north_patrol(base, units["-g1"])
    return users


def governance_records(base: str, units: dict[str, str]) -> None:
    """The second street's own buildings and working bodies (DOMAIN §4.1, §4.6): records of those
    kinds that the demo street's callers must not reach."""
    staff = as_user(base, "north_community_staff")
    staff.ok("POST", "/buildings", json={"community_id": units["-c1"], "code": "1", "name": "北站新村1号楼"})
    secretary = as_user(base, "north_community_secretary")
    group = {"kind": "governance_group", "org_unit_id": units["-c1"], "name": "北站新村依法治理工作小组"}
    body_id = secretary.ok("POST", "/working-bodies", json=group)["id"]
    member = {"name": "北站业委会主任", "position": "member", "duty": "业委会主任", "from_date": "2026-01-01"}
    secretary.ok("POST", f"/working-bodies/{body_id}/members", json=member)
    leader = as_user(base, "north_political_legal_secretary")
    task_force = {"kind": "street_task_force", "org_unit_id": units[""], "name": "北站路街道依法治理工作专班"}
    leader.ok("POST", "/working-bodies", json=task_force)


def _north_meeting(base: str, units: dict[str, str], secretary_id: str) -> None:
    """One meeting of the second street's community, with one resolution: a foreign record (and
    sub-record) for the demo street's callers."""
    secretary = as_user(base, "north_community_secretary")
    body = {
        "kind": "governance_meeting",
        "org_unit_id": units["-c1"],
        "held_at": "2026-01-05T06:00:00Z",
        "chair_user_id": secretary_id,
        "attendees": [{"name": "北站 书记", "capacity": "党总支书记"}],
        "legal_adviser_present": False,
        "agenda": [{"subject": "北站新村依法治理工作例会"}],
        "minutes": "例会纪要",
        "resolutions": [{"text": "清理楼道堆物"}],
    }
    secretary.ok("POST", "/meetings", json=body)


def _north_patrol(base: str, grid: str) -> None:
    """Yesterday's patrol of the north grid, by its grid worker, with one clue (not reported)."""
    day = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date() - dt.timedelta(days=1)
    body = {
        "grid_id": grid,
        "patrol_date": day.isoformat(),
        "started_at": f"{day.isoformat()}T09:00:00+08:00",
        "ended_at": f"{day.isoformat()}T10:00:00+08:00",
        "nil_report": False,
        "findings": [{"kind": "dispute_clue", "description": "北站新村两户因噪音争执"}],
    }
    as_user(base, "north_grid_worker").ok("POST", "/patrols", json=body)


def _all(api: Api, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = api.ok("GET", path, params={"limit": 200} | ({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def dictionaries(base: str, directory: str) -> None:
    """The ids a client of the demo world would send, for Schemathesis' fuzz dictionaries
    (scripts/schemathesis.toml binds them to parameters): random UUIDs and codes reach nothing."""
    admin = as_user(base, "demo_admin")
    units = _all(admin, "/org-units")
    decisions = _all(admin, "/decisions")
    disputes = _all(admin, "/disputes")
    evaluations = _all(admin, "/evaluations")
    bodies = _all(admin, "/working-bodies")
    meetings = _all(admin, "/meetings")
    patrols = _all(admin, "/patrols")
    values = {
        "communities": [u["id"] for u in units if u["kind"] == "community"],
        "grids": [u["id"] for u in units if u["kind"] == "grid"],
        "departments": [u["id"] for u in units if u["kind"] == "department"],
        "users": [u["id"] for u in _all(admin, "/users")],
        "decisions": [d["id"] for d in decisions],
        "disputes": [d["id"] for d in disputes],
        "evaluations": [e["id"] for e in evaluations],
        "tracking_codes": [d["tracking_code"] for d in disputes],
        "filings": [f["id"] for d in decisions for f in _all(admin, f"/decisions/{d['id']}/filings")],
        "conditions": [c["id"] for d in decisions for c in _all(admin, f"/decisions/{d['id']}/conditions")],
        "catalog_codes": [e["code"] for e in _all(admin, "/decision-catalog")],
        "dispute_categories": [c["code"] for c in _all(admin, "/dispute-categories")],
        "buildings": [b["id"] for b in _all(admin, "/buildings")],
        "working_bodies": [b["id"] for b in bodies],
        "members": [m["id"] for b in bodies for m in b["members"]],
        "meetings": [m["id"] for m in meetings],
        "resolutions": [r["id"] for m in meetings for r in m["resolutions"]],
        "patrols": [p["id"] for p in patrols],
        "findings": [
            f["id"]
            for p in [p for p in patrols if p["finding_count"]][:50]
            for f in _all(admin, f"/patrols/{p['id']}/findings")
        ],
    }
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    for name, entries in values.items():
        assert entries, f"the demo world has no {name}"
        (out / f"{name}.dict").write_text("".join(f"{json.dumps(str(v))}\n" for v in entries), encoding="utf-8")


if __name__ == "__main__":
    print(json.dumps(second_street(sys.argv[1])))
    if len(sys.argv) > 2:
        dictionaries(sys.argv[1], sys.argv[2])
