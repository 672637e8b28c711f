"""U+0000 in any client text is a 422 naming the field, and nothing is written: PostgreSQL text
cannot hold it (it used to answer 500 there). Every place client text enters: a JSON body field
(domain routes' raw bodies and FastAPI-declared admin bodies), a nested body field, an action body,
a query value, a path value, a form field, and the stored Idempotency-Key header."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from disputes.factories import dispute_body
from foundation.conftest import Shared
from foundation.factories import assert_problem, count, unit_body
from governance_api.models.decisions import CatalogEntry, Decision
from governance_api.models.disputes import Dispute
from governance_api.models.org import OrgUnit, User
from governance_api.models.records import IdempotencyRecord, TransitionRecord
from world import PASSWORD, World

API = "/api/v1"
NUL = "\u0000"
TABLES = (Decision, Dispute, OrgUnit, User, CatalogEntry, IdempotencyRecord, TransitionRecord)


@dataclass(frozen=True)
class Case:
    field: str
    send: Callable[[TestClient, World, str], httpx.Response]


def _decision(w: World, **over: Any) -> dict[str, Any]:
    body = {"community_id": str(w.units["C1"]), "catalog_code": "corridor_clearance", "title": "t", "description": "d"}
    return body | over


def _catalog(**over: Any) -> dict[str, Any]:
    return {"code": "nul_case", "name": "n", "category": "safety", "consensus_rule": "consultation"} | over


def _party(name: str) -> list[dict[str, str]]:
    return [{"name": name, "role": "applicant"}]


def _token(c: TestClient, data: dict[str, str]) -> httpx.Response:
    return c.post(f"{API}/auth/token", data=data)


CASES = {
    "decision title": Case(
        "body.title",
        lambda c, w, d: c.post(f"{API}/decisions", json=_decision(w, title=f"a{NUL}b"), headers=w.h("sec1")),
    ),
    "dispute title": Case(
        "body.title",
        lambda c, w, d: c.post(f"{API}/disputes", json=dispute_body(w, title=NUL), headers=w.h("staff1")),
    ),
    "dispute party name (nested)": Case(
        "body.parties.0.name",
        lambda c, w, d: c.post(
            f"{API}/disputes", json=dispute_body(w, parties=_party(f"张{NUL}")), headers=w.h("staff1")
        ),
    ),
    "decision action body": Case(
        "body.plan",
        lambda c, w, d: c.post(
            f"{API}/decisions/{d}/actions/propose",
            json={"plan": f"p{NUL}", "scope": "s", "schedule": "t"},
            headers=w.h("sec1"),
        ),
    ),
    "org unit name (declared body)": Case(
        "body.name",
        lambda c, w, d: c.post(
            f"{API}/org-units", json=unit_body("street", "nul-st", name=f"x{NUL}"), headers=w.h("admin")
        ),
    ),
    "user display name (declared body)": Case(
        "body.display_name",
        lambda c, w, d: c.patch(f"{API}/users/{w.users['sec1']}", json={"display_name": NUL}, headers=w.h("admin")),
    ),
    "catalog entry name (declared body)": Case(
        "body.name", lambda c, w, d: c.post(f"{API}/decision-catalog", json=_catalog(name=f"n{NUL}"), headers=w.h("jo"))
    ),
    "decisions q": Case(
        "query.q", lambda c, w, d: c.get(f"{API}/decisions", params={"q": f"楼{NUL}"}, headers=w.h("sec1"))
    ),
    "decisions catalog_code": Case(
        "query.catalog_code",
        lambda c, w, d: c.get(f"{API}/decisions", params={"catalog_code": NUL}, headers=w.h("sec1")),
    ),
    "disputes category": Case(
        "query.category", lambda c, w, d: c.get(f"{API}/disputes", params={"category": NUL}, headers=w.h("jo"))
    ),
    "disputes q": Case("query.q", lambda c, w, d: c.get(f"{API}/disputes", params={"q": f"a{NUL}"}, headers=w.h("jo"))),
    "public tracking code": Case("path.tracking_code", lambda c, w, d: c.get(f"{API}/public/disputes/AB%00CD")),
    "catalog code in path": Case(
        "path.code", lambda c, w, d: c.get(f"{API}/decision-catalog/corridor%00", headers=w.h("sec1"))
    ),
    "sign-in username": Case(
        "form.username", lambda c, w, d: _token(c, {"username": f"sec1{NUL}", "password": PASSWORD})
    ),
    "sign-in password": Case("form.password", lambda c, w, d: _token(c, {"username": "sec1", "password": f"{NUL}x"})),
    "client id": Case(
        "form.client_id",
        lambda c, w, d: _token(c, {"grant_type": "client_credentials", "client_id": f"c{NUL}", "client_secret": "s"}),
    ),
    "Idempotency-Key header": Case(
        "header.Idempotency-Key",
        lambda c, w, d: c.post(
            f"{API}/org-units",
            json=unit_body("street", "nul-key"),
            headers=w.h("admin") | {"Idempotency-Key": f"k{NUL}"},
        ),
    ),
}


@pytest.fixture(scope="module")
def decision_id(shared: Shared) -> str:
    r = shared.client.post(f"{API}/decisions", json=_decision(shared.world), headers=shared.world.h("sec1"))
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.fixture
def nothing_written(shared: Shared) -> Iterator[None]:
    before = [count(shared.db, t) for t in TABLES]
    yield
    assert [count(shared.db, t) for t in TABLES] == before


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_nul_is_422_naming_the_field(shared: Shared, decision_id: str, nothing_written: None, case: Case) -> None:
    r = case.send(shared.client, shared.world, decision_id)
    body = assert_problem(r, 422, "validation_error")
    assert case.field in {e["field"] for e in body["errors"]}, body


def test_the_same_texts_without_nul_pass(shared: Shared, decision_id: str) -> None:
    """The control: each refused place accepts the same text with the NUL taken out."""
    c, w = shared.client, shared.world
    assert c.get(f"{API}/decisions", params={"q": "楼", "catalog_code": "x"}, headers=w.h("sec1")).status_code == 200
    assert c.get(f"{API}/disputes", params={"q": "a", "category": "neighbor"}, headers=w.h("jo")).status_code == 200
    assert_problem(c.get(f"{API}/public/disputes/ABCD"), 404, "not_found")
    assert _token(c, {"username": "sec1", "password": PASSWORD}).status_code == 200
