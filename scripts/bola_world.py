"""The world the BOLA matrix (scripts/bola_matrix.py) runs against: the demo street's records read
through the API as its administrator, the callers of another community, and the webhook
subscriptions made for the run (records owned by a user, not by a unit)."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from proof_world import Api, as_user

PATROLS_WITH_FINDINGS = 60  # patrols whose findings are loaded: the demo year has ~1 300 patrols
# Who may subscribe to webhooks (API.md "Integration"); each owns one subscription for the run.
SUBSCRIBERS = ("demo_admin", "demo_judicial_officer", "demo_integration_client")


@dataclass
class Record:
    machine: str  # a value of RESOURCES
    id: str
    state: str
    community: str
    involved: set[str] = field(default_factory=set)  # user ids that may see it beyond their scope
    filings: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    resolutions: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    deliveries: list[str] = field(default_factory=list)


@dataclass
class Caller:
    username: str
    api: Api
    user_id: str
    community: str | None  # None: another street


def pages(api: Api, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"limit": 200} | ({"cursor": cursor} if cursor else {})
        page = api.ok("GET", path, params=params)
        items += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return items


def load_world(admin: Api) -> tuple[list[Record], dict[str, Any], dict[str, dict[str, Any]]]:
    units = {u["id"]: u for u in pages(admin, "/org-units")}

    users = {u["id"]: u for u in pages(admin, "/users")}
    records = []
    for machine, path in (("decision", "/decisions"), ("dispute", "/disputes")):
        for item in pages(admin, path):
            record = Record(machine, item["id"], item["state"], _community(units, item["community_id"]))
            for entry in pages(admin, f"{path}/{item['id']}/history"):
                record.involved.add(str(entry.get("actor_id")))
            if machine == "decision":
                record.involved.add(str(item.get("created_by_id")))
                filings = admin.ok("GET", f"{path}/{item['id']}/filings")["items"]
                record.filings = [f["id"] for f in filings]
                for filing in filings:  # holders of the target role on the target unit or above it
                    for user in users.values():
                        for role in user["roles"]:
                            if role["role"] == filing["target_role"] and _above(units, role["org_unit_id"], filing):
                                record.involved.add(user["id"])
                record.conditions = [c["id"] for c in admin.ok("GET", f"{path}/{item['id']}/conditions")["items"]]
            else:
                full = admin.ok("GET", f"{path}/{item['id']}")
                if full.get("task_force"):
                    record.involved.add(str(full["task_force"]["lead_user_id"]))
            records.append(record)
    for machine, path in (
        ("building", "/buildings"),
        ("working_body", "/working-bodies"),
        ("evaluation", "/evaluations"),
        ("meeting", "/meetings"),
    ):
        for item in pages(admin, path):  # governance work: seen by scope only (DOMAIN §4 intro)
            unit = item.get("community_id") or item["org_unit_id"]
            if not units[unit]["code"].startswith("demo-"):  # the second street's own (proof_world)
                continue
            record = Record(machine, item["id"], item["state"], _community(units, unit))
            record.members = [m["id"] for m in item.get("members", [])]
            record.resolutions = [r["id"] for r in item.get("resolutions", [])]
            records.append(record)
    records += _patrols(admin, units)
    return records, units, users


def _patrols(admin: Api, units: dict[str, Any]) -> list[Record]:
    """The demo street's patrols (微网格巡查): each its grid's; the findings of the first patrols
    that have some. A patrol involves no one beyond its grid's scope (its reporter holds a role there)."""
    records = []
    loaded = 0
    for item in pages(admin, "/patrols"):
        if not units[item["grid_id"]]["code"].startswith("demo-"):
            continue  # the second street's own patrol (scripts/proof_world.py)
        record = Record("patrol", item["id"], item["state"], str(item["community_id"]), {str(item["created_by_id"])})
        if item["finding_count"] and loaded < PATROLS_WITH_FINDINGS:
            record.findings = [f["id"] for f in admin.ok("GET", f"/patrols/{item['id']}/findings")["items"]]
            loaded += 1
        records.append(record)
    return records


def _above(units: dict[str, Any], ancestor: str, filing: dict[str, Any]) -> bool:
    unit: str | None = filing["target_org_unit_id"]
    while unit:
        if unit == ancestor:
            return True
        unit = units[unit]["parent_id"]
    return False


def community_callers(base: str, units: dict[str, Any], users: dict[str, Any]) -> list[Caller]:
    """Demo users whose every role is held in one community (or its grids): ``demo_<role>`` of the
    home community 金色雅筑 and the users of 凌兆新村 (``…_lingzhao``, ``demo_grid_worker_lingzhao_1``)."""
    callers = []
    for user in sorted(users.values(), key=lambda u: str(u["username"])):
        name = str(user["username"])
        chosen = name.removeprefix("demo_") in ROLES or name.endswith("_lingzhao") or name.endswith("_lingzhao_1")
        kinds = {units[r["org_unit_id"]]["kind"] for r in user["roles"]}
        if not chosen or not user["roles"] or not kinds <= {"community", "grid"}:
            continue
        homes = {_community(units, r["org_unit_id"]) for r in user["roles"]}
        if len(homes) == 1:
            callers.append(Caller(name, as_user(base, name), user["id"], homes.pop()))
    return callers


def _community(units: dict[str, Any], unit_id: str) -> str:
    return str(units[unit_id]["parent_id"] if units[unit_id]["kind"] == "grid" else unit_id)


ROLES = {
    "judicial_officer",
    "leader_in_charge",
    "liaison_leader",
    "rule_of_law_leader",
    "political_legal_secretary",
    "department_officer",
    "community_secretary",
    "community_staff",
    "legal_adviser",
    "mediator",
    "community_police",
    "owners_committee",
    "property_manager",
    "grid_worker",
    "resident",
}


def owned_subscriptions(base: str) -> list[Record]:
    """One webhook subscription per subscriber role of the demo street: a subscription is its
    owner's alone, so every caller of the matrix must get 404 for it (API.md)."""
    records = []
    for owner in SUBSCRIBERS:
        api = as_user(base, owner)
        me = api.ok("GET", "/me")
        body = {"url": "https://hooks.example.com/governance", "event_types": ["governance.dispute.created.v1"]}
        sub = api.ok("POST", "/webhooks", json=body)
        records.append(
            Record("webhook_subscription", sub["id"], "", "", {str(me["id"])}, deliveries=[str(uuid.uuid4())])
        )
    return records
