"""Contract proof 2: a BOLA matrix generated from the OpenAPI document (run by scripts/proof-bola.sh).

Every operation whose path takes a record's id is called with records the caller must not reach, as
every role that must not reach them, and must answer 404 ``not_found`` (API.md: a record outside the
caller's scope is 404, existence is not leaked; never 200, 403, 409, 422 or 500):

- callers from another street: one user of every role but admin in 北站路街道 (scripts/proof_world.py),
  against every record of the demo street;
- callers from another community: the demo users whose roles are all held in one community or its
  grids (DOMAIN §1), against the records of the other communities, leaving out any record the caller
  works on (its reporter or any actor in its history, a task force's lead, a filing's target);
- webhook subscriptions, which belong to the user who made them (not to a unit): one each made for
  the run by the demo street's admin, judicial officer and feed (``bola_world.SUBSCRIBERS``), which
  every caller must get 404 for, their delivery log and redelivery included.

The records are the demo world's (``governance-api seed-demo``: every state of both machines, with
filings and review conditions). For an action or activity the matrix prefers records in the states
the step starts from (read from /meta/state-machines), where a check made after scope would admit it.
Each (operation, caller) pair gets ``PER_PAIR`` records, rotated so that different callers hit
different records. Operations without a record id in their path are not in the matrix; the path
parameters that are not record ids are accounted for in ``NOT_RECORDS`` (the run fails on a new
one). A request to an admin-only operation (users, org-unit writes) by a non-admin must answer as it
answers for an id that does not exist, so the id's existence is not leaked there either.

    python scripts/bola_matrix.py API_URL
"""

import itertools
import sys
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from bola_world import Caller, Record, community_callers, load_world, owned_subscriptions
from proof_world import Api, as_user, second_street

PER_PAIR = 2
RECORD_PARAMS = {
    "item_id",
    "filing_id",
    "condition_id",
    "member_id",
    "resolution_id",
    "finding_id",
    "subscription_id",
    "delivery_id",
}
# The machine whose records a path under PREFIX addresses, by its first segment.
RESOURCES = {
    "/decisions": "decision",
    "/disputes": "dispute",
    "/buildings": "building",
    "/working-bodies": "working_body",
    "/evaluations": "evaluation",
    "/meetings": "meeting",
    "/patrols": "patrol",
}
# Path parameters that name no record of a machine, and why their operations are not in the matrix.
NOT_RECORDS = {
    "code": "the decision catalog is shared by the streets of a deployment (DOMAIN §2.1)",
    "name": "a state machine's name, not a record",
    "tracking_code": "the public status page takes no login by design (API.md)",
    "channel": "a feed channel's category table is deployment-wide configuration the 司法所 keeps (DOMAIN §6)",
}
# Records owned by a user rather than a unit, by their first path segment (no state machine).
OWNED = {"/webhooks": "webhook_subscription"}
# Admin-only operations on org units and users: every other role is refused (403) before any lookup,
# which is no oracle as long as an id that does not exist gets the same answer (both are called).
ADMIN_ONLY = {"unit_id", "user_id"}
OPEN_READS = {
    "GET /api/v1/org-units/{unit_id}": "the org tree is read by every signed-in user (org/service.py: admin only, "
    "except reading units); DOMAIN §1 scopes records, not units",
}
PREFIX = "/api/v1"


def starting_states(admin: Api) -> dict[tuple[str, str], set[str]]:
    """(machine, step code) → the states the action starts from or the activity is done in."""
    states: dict[tuple[str, str], set[str]] = {}
    for machine in RESOURCES.values():
        meta = admin.ok("GET", f"/meta/state-machines/{machine}")
        for action in meta["actions"]:
            states[(machine, action["code"])] = set(action["from"])
        for activity in meta.get("activities", []):
            states[(machine, activity["code"])] = set(activity["states"])
    return states


def step_code(operation: dict[str, Any], path: str, steps: list[str]) -> str:
    """The machine step an operation takes: ``…/actions/{code}``, or the activity its operationId names."""
    if "/actions/" in path:
        return path.rsplit("/", 1)[-1]
    named = [code for code in steps if code in str(operation.get("operationId", ""))]
    return max(named, key=len) if named else ""


def example_body(operation: dict[str, Any]) -> Any:
    """The operation's request example (API.md: every request body has one), else ``{}``."""
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    if "example" in content:
        return content["example"]
    for example in content.get("examples", {}).values():
        if "value" in example:
            return example["value"]
    return {}


@dataclass
class Call:
    label: str
    caller: Caller
    method: str
    url: str
    body: Any
    expect: int  # 404 not_found for records; 403 forbidden for an admin-only operation, whatever the id
    about: str
    demo_ids: frozenset[str] = frozenset()  # a list read: the demo street's records it must not show


def plan(
    doc: dict[str, Any],
    records: list[Record],
    units: dict[str, Any],
    users: dict[str, Any],
    states: dict[tuple[str, str], set[str]],
    callers: list[Caller],
) -> tuple[list[Call], dict[str, str]]:
    calls: list[Call] = []
    not_in_matrix: dict[str, str] = {}
    rotation = itertools.count()
    for path, operations in doc["paths"].items():
        params = {p[1:-1] for p in path.split("/") if p.startswith("{")}
        if not params:
            continue
        for method, operation in operations.items():
            label = f"{method.upper()} {path}"
            body = example_body(operation) if method in ("post", "put", "patch") else None
            if label in OPEN_READS:
                not_in_matrix[label] = OPEN_READS[label]
            elif params & ADMIN_ONLY:
                ids = [u for u in units if units[u]["code"].startswith("demo-")] if "unit_id" in params else list(users)
                for caller in callers:
                    for target in (ids[next(rotation) % len(ids)], str(uuid.uuid4())):
                        url = _fill(path, {"unit_id": target, "user_id": target})
                        calls.append(Call(label, caller, method, url, body, 403, target))
            elif not params <= RECORD_PARAMS:
                unknown = params - RECORD_PARAMS - set(NOT_RECORDS)
                if unknown:
                    raise SystemExit(
                        f"{label}: path parameter {sorted(unknown)} is neither a record id nor accounted for"
                    )
                not_in_matrix[label] = "; ".join(NOT_RECORDS[p] for p in sorted(params))
            else:
                calls += record_calls(label, path, operation, params, body, records, states, callers, rotation)
    return calls, not_in_matrix


def record_calls(
    label: str,
    path: str,
    operation: dict[str, Any],
    params: set[str],
    body: Any,
    records: list[Record],
    states: dict[tuple[str, str], set[str]],
    callers: list[Caller],
    rotation: "itertools.count[int]",
) -> list[Call]:
    machine = (RESOURCES | OWNED)["/" + path.removeprefix(PREFIX + "/").split("/")[0]]
    code = step_code(operation, path, [c for m, c in states if m == machine])
    candidates = [r for r in records if r.machine == machine]
    if "filing_id" in params:
        candidates = [r for r in candidates if r.filings]
    if "condition_id" in params:
        candidates = [r for r in candidates if r.conditions]
    if "member_id" in params:
        candidates = [r for r in candidates if r.members]
    if "resolution_id" in params:
        candidates = [r for r in candidates if r.resolutions]
    if "finding_id" in params:
        candidates = [r for r in candidates if r.findings]
    preferred = states.get((machine, code))
    if preferred:
        candidates = [r for r in candidates if r.state in preferred] or candidates
    calls = []
    for caller in callers:
        foreign = [
            r
            for r in candidates
            if caller.community is None or (r.community != caller.community and caller.user_id not in r.involved)
        ]
        start = next(rotation)
        for i in range(min(PER_PAIR, len(foreign))):
            record = foreign[(start + i) % len(foreign)]
            ids = {
                "item_id": record.id,
                "filing_id": (record.filings or [""])[0],
                "condition_id": (record.conditions or [""])[0],
                "member_id": (record.members or [""])[0],
                "resolution_id": (record.resolutions or [""])[0],
                "finding_id": (record.findings or [""])[0],
                "subscription_id": record.id,
                "delivery_id": (record.deliveries or [""])[0],
            }
            about = f"the {record.machine} {record.id} ({record.state})"
            calls.append(Call(label, caller, label.split()[0].lower(), _fill(path, ids), body, 404, about))
    return calls


def _fill(path: str, ids: dict[str, str]) -> str:
    url = path.removeprefix(PREFIX)
    for name, value in ids.items():
        url = url.replace("{" + name + "}", value)
    return url


def send(call: Call) -> str | None:
    """The leak a call shows, or None."""
    kwargs: dict[str, Any] = {} if call.body is None else {"json": call.body}
    response = call.caller.api.call(call.method.upper(), call.url, **kwargs)
    wanted = {404: "not_found", 403: "forbidden"}[call.expect]
    if response.status_code == call.expect and _code(response) == wanted:
        return None
    return (
        f"{call.label} as {call.caller.username} on {call.about}: {response.status_code} "
        f"(expected {call.expect} {wanted}) {response.text[:200]}"
    )


def main(base: str) -> int:
    started = time.monotonic()
    north = second_street(base)
    admin = as_user(base, "demo_admin")
    doc = admin.ok("GET", "/openapi.json")
    records, units, users = load_world(admin)
    records += owned_subscriptions(base)
    states = starting_states(admin)
    callers = [Caller(name, as_user(base, name), "", None) for name in north.values()]
    callers += community_callers(base, units, users)
    calls, not_in_matrix = plan(doc, records, units, users, states, callers)
    demo = frozenset(r.id for r in records)  # the second street's own records may be listed, these not
    for caller in callers:  # lists: another street's callers see none of the demo street's records
        if caller.community is None:
            for path in RESOURCES:
                calls.append(Call(f"GET {PREFIX}{path}", caller, "get", path, None, 200, "the list", demo))
    ready = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        leaks = [leak for leak in pool.map(send_or_list, calls) if leak]

    operations = {c.label for c in calls}
    kinds = [*RESOURCES.values(), *OWNED.values()]
    print(
        f"records of the demo street: {', '.join(f'{sum(r.machine == m for r in records)} {m}' for m in kinds)}; "
        f"callers: {len(callers)} "
        f"({sum(c.community is None for c in callers)} of another street, one per role but admin; "
        f"{sum(c.community is not None for c in callers)} of another community)"
    )
    print(f"operations called: {len(operations)}; operations with an id in their path left out, and why:")
    for label, reason in sorted(not_in_matrix.items()):
        print(f"  {label}: {reason}")
    by_kind = defaultdict(int)
    for call in calls:
        by_kind[call.expect] += 1
    print(
        f"calls: {len(calls)}: {by_kind[404]} (operation × role × foreign record) expecting 404, "
        f"{by_kind[403]} to admin-only operations expecting 403 for a demo-street id and a random one alike, "
        f"{by_kind[200]} list reads expecting no demo-street record; "
        f"setup {ready - started:.1f}s, calls {time.monotonic() - ready:.1f}s"
    )
    for leak in leaks:
        print("LEAK", leak)
    print(f"bola: {len(calls) - len(leaks)} passed, {len(leaks)} failed")
    return 1 if leaks else 0


def send_or_list(call: Call) -> str | None:
    if call.expect != 200:
        return send(call)
    response = call.caller.api.call("GET", call.url)
    items = response.json().get("items", []) if response.status_code == 200 else None
    shown = None if items is None else [i for i in items if i.get("id") in call.demo_ids]
    if shown == []:  # the second street's own records (proof_world) may be listed, the demo street's not
        return None
    return f"{call.label} as {call.caller.username}: {response.status_code}, {len(shown or [])} demo-street records"


def _code(response: Any) -> str | None:
    try:
        return str(response.json().get("code"))
    except (ValueError, AttributeError):
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
