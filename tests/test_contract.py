"""What API.md "The contract itself" promises a front-end team, checked on the generated document
and over HTTP: typed problems, labelled vocabularies, declared headers, 304, operationIds, examples."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from governance_api.core.errors import DomainError
from governance_api.core.problems import ProblemCode
from governance_api.machines import MACHINES
from world import World

DOC: dict[str, Any] = json.loads((Path(__file__).parent.parent / "openapi" / "openapi.json").read_text())
OPS = [(path, method, op) for path, ops in DOC["paths"].items() for method, op in ops.items()]
PUBLIC = {"auth.token", "disputes.public_status", "health.healthz", "health.readyz"}


def _schema(ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    ref = ref_or_schema.get("$ref")
    return DOC["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else ref_or_schema


def test_every_domain_error_code_is_in_the_problem_code_enum() -> None:
    codes = {cls.code for cls in _subclasses(DomainError)} - {"error"}
    assert codes <= {c.value for c in ProblemCode}
    problem = DOC["components"]["schemas"]["Problem"]
    assert _schema(problem["properties"]["code"])["enum"] == [c.value for c in ProblemCode]
    assert _schema(problem["properties"]["code"])["x-enum-labels"]["guard_failed"] == "前置条件未满足"


def _subclasses(cls: type[DomainError]) -> list[type[DomainError]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


@pytest.mark.parametrize(("path", "method", "op"), OPS, ids=[f"{m} {p}" for p, m, _ in OPS])
def test_operation_contract(path: str, method: str, op: dict[str, Any]) -> None:
    assert re.fullmatch(r"[a-z]+\.[a-z_]+", op["operationId"]), op["operationId"]
    assert op["security"] == ([] if op["operationId"] in PUBLIC else [{"HTTPBearer": []}])
    for status, response in op["responses"].items():
        assert "X-Request-ID" in response["headers"]
        if status.startswith(("4", "5")) and (op["operationId"], status) != ("health.readyz", "503"):
            assert response["content"] == {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            }
    params = {p["name"] for p in op.get("parameters", [])}
    if method == "post":
        assert "Idempotency-Key" in params
        ok = next(r for s, r in op["responses"].items() if s.startswith("2"))
        assert "Idempotent-Replayed" in ok["headers"]
    if "requestBody" in op:
        assert all("example" in media for media in op["requestBody"]["content"].values()), "a body without example"
    if method == "get" and "ETag" in op["responses"]["200"]["headers"]:
        assert "If-None-Match" in params and "304" in op["responses"]


def test_no_null_defaults_and_vocabularies_are_labelled() -> None:
    text = json.dumps(DOC)
    assert '"default": null' not in text
    schemas = DOC["components"]["schemas"]
    for name in ("Role", "Level", "Channel", "RiskLevel", "ConsensusRule", "ReviewConclusion"):
        assert set(schemas[name]["x-enum-labels"]) == set(schemas[name]["enum"]), name
    state = schemas["DisputeRead"]["properties"]["state"]
    assert state["enum"] == [s.code for s in MACHINES["dispute"].states]
    assert state["x-enum-labels"]["resolved"] == "案结事了"
    assert schemas["DecisionRead"]["properties"]["allowed_activities"]["items"]["enum"][0] == "record_ballot"


def test_steps_publish_their_guard_codes() -> None:
    op = DOC["paths"]["/api/v1/disputes/{item_id}/actions/request_escalation"]["post"]
    assert op["operationId"] == "disputes.request_escalation"
    assert op["x-guard-codes"]["session_at_current_level"] == "当前层级尚无调解记录"
    ballot = DOC["paths"]["/api/v1/decisions/{item_id}/ballots"]["post"]
    assert ballot["operationId"] == "decisions.record_ballot" and ballot["x-guard-codes"] == {}
    assert DOC["paths"]["/api/v1/decisions"]["get"]["operationId"] == "decisions.list"


def test_vocabularies_endpoint(client: TestClient, world: World) -> None:
    r = client.get("/api/v1/meta/vocabularies", headers=world.h("res1"))
    assert r.status_code == 200, r.text
    vocab = {v["name"]: {t["code"]: t["label"] for t in v["terms"]} for v in r.json()["items"]}
    assert vocab["Level"]["hongmei"] == "红梅调解工作室"
    assert vocab["DecisionState"]["legal_review"] == "法制审核"
    assert set(vocab["DisputeActivity"]) == {a.code for a in MACHINES["dispute"].activities}
    assert vocab["Role"]["judicial_officer"] == "司法所"


def test_if_none_match_answers_304_while_unchanged(client: TestClient, world: World) -> None:
    body = {"community_id": str(world.units["C1"]), "channel": "walk_in", "category": "neighbor", "title": "噪音"}
    created = client.post("/api/v1/disputes", json=body | {"description": "楼上噪音"}, headers=world.h("staff1"))
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == f"/api/v1/disputes/{created.json()['id']}"
    url, etag = created.headers["Location"], created.headers["ETag"]
    same = client.get(url, headers=world.h("jo") | {"If-None-Match": etag})
    assert (same.status_code, same.content, same.headers["ETag"]) == (304, b"", etag)
    assert "x-request-id" in same.headers
    assert client.get(url, headers=world.h("jo") | {"If-None-Match": '"999"'}).status_code == 200
    assert client.get(url, headers=world.h("jo") | {"If-None-Match": "*"}).status_code == 304
    client.post(f"{url}/actions/accept", json={}, headers=world.h("staff1"))
    changed = client.get(url, headers=world.h("jo") | {"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_guard_failure_explains_in_chinese(client: TestClient, world: World) -> None:
    body = {"community_id": str(world.units["C1"]), "channel": "walk_in", "category": "neighbor"}
    did = client.post(
        "/api/v1/disputes", json=body | {"title": "漏水", "description": "楼上漏水"}, headers=world.h("staff1")
    ).json()["id"]
    client.post(f"/api/v1/disputes/{did}/actions/accept", json={}, headers=world.h("staff1"))
    r = client.post(f"/api/v1/disputes/{did}/actions/complete_screening", json={}, headers=world.h("staff1"))
    assert r.status_code == 409 and r.json()["code"] == "guard_failed"
    assert "background" in r.json()["unmet"] and "请查背景" in r.json()["detail"]


def test_decision_create_answers_location(client: TestClient, world: World) -> None:
    body = {
        "community_id": str(world.units["C1"]),
        "catalog_code": "corridor_clearance",
        "title": "楼道堆物集中整治",
        "description": "消除消防隐患",
    }
    r = client.post("/api/v1/decisions", json=body, headers=world.h("sec1"))
    assert r.status_code == 201 and r.headers["Location"] == f"/api/v1/decisions/{r.json()['id']}"


def test_request_schemas_say_what_the_service_takes() -> None:
    schemas = DOC["components"]["schemas"]
    area = schemas["BallotCreate"]["properties"]["area_m2"]
    assert area["type"] == "string" and re.fullmatch(area["pattern"], "86.35")
    assert not any(re.fullmatch(area["pattern"], v) for v in ("0", "0.00", "-1", "1e3", "1.234", ""))
    for model, field in (("CatalogEntryUpdate", "name"), ("OrgUnitUpdate", "active"), ("UserUpdate", "roles")):
        assert "null" not in json.dumps(schemas[model]["properties"][field]), (model, field)
    params = {p["name"]: p for p in DOC["paths"]["/api/v1/decisions"]["get"]["parameters"]}
    assert "listed" in json.dumps(params["state"]["schema"])


@pytest.mark.parametrize("value", ["0.5", "1700000000", "2026", "tomorrow"])
def test_list_times_are_rfc3339_only(client: TestClient, world: World, value: str) -> None:
    for path in ("/api/v1/decisions", "/api/v1/disputes"):
        r = client.get(path, params={"created_from": value}, headers=world.h("jo"))
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.created_from", (path, r.text)


def test_state_filters_are_the_machine_states(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/decisions", params={"state": "listed"}, headers=world.h("jo")).status_code == 200
    for path in ("/api/v1/decisions", "/api/v1/disputes"):
        r = client.get(path, params={"state": "Y"}, headers=world.h("jo"))
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.state", r.text


def test_405_allow_names_every_declared_method(client: TestClient, world: World) -> None:
    r = client.delete("/api/v1/decisions", headers=world.h("jo"))
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"
    assert r.headers["Allow"] == "GET, POST"
    r = client.patch(f"/api/v1/disputes/{world.units['C1']}/screening", json={}, headers=world.h("jo"))
    assert r.status_code == 405 and r.headers["Allow"] == "GET, PUT"


def test_patch_nulls_are_refused_where_the_contract_shows_none(client: TestClient, world: World) -> None:
    """A PATCH field the contract shows without null answers 422 for null (it was a 500 for the
    catalog's departments), and changes nothing; the phone is the one field null removes."""
    r = client.patch("/api/v1/decision-catalog/corridor_clearance", json={"departments": None}, headers=world.h("jo"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.departments", r.text
    user = f"/api/v1/users/{world.users['sec1']}"
    for field in ("roles", "password", "display_name", "active"):
        r = client.patch(user, json={field: None}, headers=world.h("admin"))
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == f"body.{field}", (field, r.text)
    assert client.get(user, headers=world.h("admin")).json()["roles"][0]["role"] == "community_secretary"
    r = client.patch(user, json={"phone": None}, headers=world.h("admin"))
    assert r.status_code == 200 and r.json()["phone"] is None


def test_says_something_means_the_same_to_the_contract_and_the_service(client: TestClient, world: World) -> None:
    """A required text's published pattern and the service's validation agree on every character
    (a catalog name of U+0085 alone was schema-valid by ECMA-262's ``\\s`` and refused by the
    service's strip, found by Schemathesis); so a client validating against the contract is never
    surprised by a 422 for blank text."""
    from pydantic import TypeAdapter

    from governance_api.core.validators import ShortText

    pattern = re.compile(DOC["components"]["schemas"]["CatalogEntryCreate"]["properties"]["name"]["pattern"])
    text = TypeAdapter(ShortText)
    for code in [*range(0x3001), 0xFEFF]:
        char = chr(code)
        try:
            text.validate_python(char)
            valid = True
        except ValueError:
            valid = False
        assert valid == bool(pattern.fullmatch(char)), hex(code)
    body = {"category": "funds", "name": "\u0085", "code": "nel_name", "consensus_rule": "residents_meeting"}
    r = client.post("/api/v1/decision-catalog", json=body, headers=world.h("jo"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.name", r.text


@pytest.mark.parametrize("value", ["0", "20261121", "2026-11-21T00:00:00Z", "tomorrow"])
def test_days_are_iso_days_only(client: TestClient, world: World, value: str) -> None:
    """A ``format: date`` value is an ISO day: pydantic alone read ``0`` as a Unix time (1970-01-01),
    so ``GET /patrols?patrol_date_from=0`` answered 200 (Schemathesis, negative phase); in a body,
    a number is 422 too, and nothing is written."""
    r = client.get("/api/v1/patrols", params={"patrol_date_from": value}, headers=world.h("jo"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "query.patrol_date_from", (value, r.text)
    group = {"kind": "governance_group", "org_unit_id": str(world.units["C1"]), "name": "工作小组"}
    body_id = client.post("/api/v1/working-bodies", json=group, headers=world.h("sec1")).json()["id"]
    member = {"name": "王建国", "position": "member", "duty": "协调", "from_date": 0}
    r = client.post(f"/api/v1/working-bodies/{body_id}/members", json=member, headers=world.h("sec1"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "body.from_date", r.text
    assert client.get(f"/api/v1/working-bodies/{body_id}", headers=world.h("sec1")).json()["members"] == []
