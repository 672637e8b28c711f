"""``core.action_routes`` over HTTP with the test-only aggregate: one POST per action, If-Match and
ETag, scope 404 before everything, problem responses for every refusal."""

import uuid
from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import select, update

from foundation.conftest import shared_fixtures
from foundation.factories import assert_problem
from foundation.widget import WIDGET, Widget, actor, create_widget, snapshot
from governance_api.app import create_app
from governance_api.core.action_routes import Command, add_action_routes
from governance_api.core.errors import NotFound
from governance_api.core.scope import within_roles
from governance_api.core.transitions import take_action
from governance_api.db import Database
from governance_api.machines import MACHINES
from governance_api.roles import Role
from governance_api.settings import Settings
from world import World

# Every test here makes its own widgets, so the module shares one database (see foundation.conftest).
db, world, settings = shared_fixtures("shared_widgets", "db", "world", "settings")


class WidgetRead(BaseModel):
    id: uuid.UUID
    state: str
    state_label: str
    version: int
    note: str | None
    allowed_actions: list[str]


def perform(cmd: Command) -> WidgetRead:
    """What a domain service does: load in scope and locked, act, commit, read back."""
    session, who = cmd.session, cmd.actor
    stmt = select(Widget).where(Widget.id == cmd.aggregate_id, within_roles(who, Widget.scope_path, list(Role)))
    w = session.scalars(stmt.with_for_update(of=Widget)).one_or_none()
    if w is None:
        raise NotFound("no such widget")
    take_action(session, WIDGET, w, who, cmd.code, cmd.body, cmd.if_match)
    session.commit()
    return WidgetRead(
        id=w.id,
        state=w.state,
        state_label=WIDGET.label_of(w.state),
        version=w.version,
        note=w.note,
        allowed_actions=WIDGET.allowed_actions(w, who),
    )


@pytest.fixture
def wclient(settings: Settings, db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setitem(MACHINES, WIDGET.name, WIDGET)
    app = create_app(settings, db)
    router = APIRouter(tags=["widgets"])
    add_action_routes(router, WIDGET, "widgets", WidgetRead, perform)
    app.include_router(router, prefix="/api/v1")
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def wid(db: Database, world: World) -> uuid.UUID:
    return create_widget(db, actor(db, world.users["staff1"]), world.units["C1"], world.paths["C1"])


def _url(wid: uuid.UUID, action: str) -> str:
    return f"/api/v1/widgets/{wid}/actions/{action}"


def test_action_succeeds_with_etag(wclient: TestClient, world: World, wid: uuid.UUID) -> None:
    r = wclient.post(_url(wid, "submit"), json={"note": "请审核"}, headers=world.h("staff1") | {"If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"2"'
    body = r.json()
    assert (body["state"], body["state_label"], body["version"], body["note"]) == ("submitted", "已提交", 2, "请审核")
    assert body["allowed_actions"] == ["withdraw"]


@pytest.mark.parametrize("value", ['W/"1"', "1", "*", ' "1" '])
def test_if_match_forms_that_match(wclient: TestClient, world: World, wid: uuid.UUID, value: str) -> None:
    r = wclient.post(_url(wid, "submit"), json={}, headers=world.h("staff1") | {"If-Match": value})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("value", ['"2"', '"0"', "abc", '"1", "2"', "9" * 30, '"-1"'])
def test_if_match_that_does_not_match_is_412(
    wclient: TestClient, world: World, db: Database, wid: uuid.UUID, value: str
) -> None:
    r = wclient.post(_url(wid, "submit"), json={}, headers=world.h("staff1") | {"If-Match": value})
    assert_problem(r, 412, "version_conflict")
    assert snapshot(db, wid) == ("draft", 1, None, 1, 1)


def test_refusals_in_api_order(wclient: TestClient, world: World, db: Database, wid: uuid.UUID) -> None:
    everything_wrong = {"reason": None, "score": -1}
    # Out of scope beats everything: the widget is not found.
    r = wclient.post(_url(wid, "approve"), json=everything_wrong, headers=world.h("sec3") | {"If-Match": '"9"'})
    assert_problem(r, 404, "not_found")
    r = wclient.post(_url(wid, "approve"), json=everything_wrong, headers=world.h("sec3") | {"If-Match": "abc"})
    assert_problem(r, 404, "not_found")  # a malformed If-Match too: scope is answered first
    r = wclient.post(_url(uuid.uuid4(), "approve"), json={}, headers=world.h("res1") | {"If-Match": "abc"})
    assert_problem(r, 404, "not_found")
    r = wclient.post(_url(wid, "approve"), json=everything_wrong, headers=world.h("res1") | {"If-Match": '"9"'})
    assert_problem(r, 412, "version_conflict")
    assert_problem(
        wclient.post(_url(wid, "approve"), json=everything_wrong, headers=world.h("res1")),
        409,
        "transition_not_allowed",
    )
    with db.transaction() as s:
        s.execute(update(Widget).where(Widget.id == wid).values(state="submitted"))
    assert_problem(wclient.post(_url(wid, "approve"), json=everything_wrong, headers=world.h("res1")), 403, "forbidden")
    body = assert_problem(
        wclient.post(_url(wid, "approve"), json=everything_wrong, headers=world.h("sec1")), 422, "validation_error"
    )
    assert [e["field"] for e in body["errors"]] == ["body.score"]
    body = assert_problem(wclient.post(_url(wid, "approve"), json={}, headers=world.h("sec1")), 409, "guard_failed")
    assert body["unmet"] == ["reason", "score"]
    assert snapshot(db, wid) == ("submitted", 1, None, 1, 1)
    r = wclient.post(_url(wid, "approve"), json={"reason": "ok", "score": 4}, headers=world.h("sec1"))
    assert r.status_code == 200 and r.json()["state"] == "approved" and r.json()["allowed_actions"] == []


def test_bodies_that_are_not_json(wclient: TestClient, world: World, db: Database, wid: uuid.UUID) -> None:
    h = world.h("staff1")
    r = wclient.post(_url(wid, "submit"), content=b"{nope", headers=h | {"content-type": "application/json"})
    assert_problem(r, 400, "bad_request")
    r = wclient.post(_url(wid, "submit"), content=b'{"note": "x"}', headers=h | {"content-type": "text/plain"})
    assert_problem(r, 400, "bad_request")
    r = wclient.post(_url(wid, "submit"), json=[1, 2], headers=h)
    assert_problem(r, 422, "validation_error")
    assert snapshot(db, wid) == ("draft", 1, None, 1, 1)
    # An action without fields takes an empty body.
    assert wclient.post(_url(wid, "withdraw"), headers=h).status_code == 200


def test_unknown_action_bad_id_and_no_token(wclient: TestClient, world: World, wid: uuid.UUID) -> None:
    assert_problem(wclient.post(_url(wid, "explode"), json={}, headers=world.h("staff1")), 404, "not_found")
    r = wclient.post("/api/v1/widgets/not-a-uuid/actions/submit", json={}, headers=world.h("staff1"))
    assert_problem(r, 422, "validation_error")
    assert_problem(wclient.post(_url(uuid.uuid4(), "submit"), json={}, headers=world.h("staff1")), 404, "not_found")
    assert_problem(wclient.post(_url(wid, "submit"), json={}), 401, "unauthorized")


def test_openapi_names_each_action_and_its_body(wclient: TestClient) -> None:
    doc = wclient.get("/api/v1/openapi.json").json()
    op = doc["paths"]["/api/v1/widgets/{item_id}/actions/approve"]["post"]
    assert op["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WidgetApproveBody"
    }
    assert "The score is 3 or more" in op["description"] and "community_secretary" in op["description"]
    assert {"409", "412", "403", "404", "422"} <= set(op["responses"])
    assert set(doc["components"]["schemas"]["WidgetApproveBody"]["properties"]) == {"reason", "score"}
