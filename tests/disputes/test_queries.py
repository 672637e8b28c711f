"""Lists (filters in SQL, scope, cursor), ``overdue`` and its clock, ETag/If-Match, history, the
category list the 司法所 extends, and the published machine."""

import datetime as dt
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import update

from conftest import PG_URL
from disputes.factories import SCREENING, Disputes
from governance_api.disputes import loop_reads, repository
from governance_api.models.disputes import Dispute
from world import World


def _ids(client: TestClient, world: World, user: str = "jo", **params: object) -> set[str]:
    r = client.get("/api/v1/disputes", params=params, headers=world.h(user))
    assert r.status_code == 200, r.text
    return {x["id"] for x in r.json()["items"]}


def _age(world: World, did: str, days: float) -> None:
    """Pretend the dispute entered its current level ``days`` ago."""
    with world.db.transaction() as s:
        when = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
        s.execute(update(Dispute).where(Dispute.id == uuid.UUID(did)).values(level_entered_at=when))


def test_filters(client: TestClient, world: World, d: Disputes) -> None:
    noise = d.reported(category="renovation_noise", title="装修噪音", channel="hotline_12348")
    grid = d.create("gw1", grid_id=str(world.units["G1"]), channel="grid_patrol")["id"]
    other = d.create("staff2", community_id=str(world.units["C2"]))["id"]
    high = d.screening()
    d.do("staff1", high, "complete_screening", {**SCREENING, "risk_level": "high"})
    street = d.at_street("street_joint")
    assert _ids(client, world, state="reported") == {noise, grid, other}
    assert _ids(client, world, level="street_joint") == {street}
    assert _ids(client, world, channel="grid_patrol") == {grid}
    assert _ids(client, world, category="renovation_noise") == {noise}
    assert _ids(client, world, risk_level="high") == {high}
    assert _ids(client, world, org_unit_id=str(world.units["G1"])) == {grid}
    assert _ids(client, world, org_unit_id=str(world.units["C2"])) == {other}
    assert len(_ids(client, world, org_unit_id=str(world.units["C1"]))) == 4
    assert _ids(client, world, org_unit_id=str(uuid.uuid4())) == set()
    assert _ids(client, world, q="装修") == {noise}
    assert _ids(client, world, q="100%") == set()
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    assert _ids(client, world, created_from=future) == set()
    assert len(_ids(client, world, created_from=past, created_to=future)) == 5
    assert _ids(client, world, user="staff2") == {other}
    assert _ids(client, world, user="jo2") == set()


def test_cursor_pagination(client: TestClient, world: World, d: Disputes) -> None:
    made = [d.reported() for _ in range(5)]
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params: dict[str, object] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/disputes", params=params, headers=world.h("staff1")).json()
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(made) and seen == list(reversed(made))


def test_overdue_in_sql_and_the_clock_restarts_on_escalation(client: TestClient, world: World, d: Disputes) -> None:
    fresh = d.reported()
    stale = d.reported()
    edge = d.reported()
    closed = d.reported()
    d.do("staff1", closed, "withdraw", {"reason": "撤回"})
    _age(world, stale, 16)
    _age(world, edge, 14.9)
    _age(world, closed, 40)
    assert _ids(client, world, overdue="true") == {stale}
    assert _ids(client, world, overdue="false") == {fresh, edge, closed}
    assert d.get(stale)["overdue"] is True and d.get(edge)["overdue"] is False and d.get(closed)["overdue"] is False
    # at the street the limit is 30 days and the clock restarts when the level is entered
    street = d.at_street("street_joint")
    _age(world, street, 20)
    assert street not in _ids(client, world, overdue="true")
    _age(world, street, 31)
    assert street in _ids(client, world, overdue="true")
    got = d.get(street)
    assert got["overdue"] is True
    entered = dt.datetime.fromisoformat(got["level_entered_at"])
    assert dt.datetime.fromisoformat(got["level_deadline"]) - entered == dt.timedelta(days=30)


def test_etag_and_if_match(client: TestClient, world: World, d: Disputes) -> None:
    did = d.reported()
    r = client.get(f"/api/v1/disputes/{did}", headers=world.h("staff1"))
    assert r.headers["ETag"] == f'"{r.json()["version"]}"'
    stale = d.act("staff1", did, "accept", if_match='"99"')
    assert stale.status_code == 412 and stale.json()["code"] == "version_conflict"
    assert d.get(did)["state"] == "reported"
    good = client.post(
        f"/api/v1/disputes/{did}/actions/accept", json={}, headers={**world.h("staff1"), "If-Match": r.headers["ETag"]}
    )
    assert good.status_code == 200 and good.headers["ETag"] == f'"{good.json()["version"]}"'
    put = client.put(
        f"/api/v1/disputes/{did}/screening", json={"risks": "x"}, headers={**world.h("staff1"), "If-Match": '"1"'}
    )
    assert put.status_code == 412
    put = client.put(f"/api/v1/disputes/{did}/screening", json={"risks": "x"}, headers=world.h("staff1"))
    assert put.json()["version"] == good.json()["version"] + 1 and put.headers["ETag"]


def test_history_carries_levels_on_every_entry(client: TestClient, world: World, d: Disputes) -> None:
    did = d.escalation_pending()
    d.do("pls", did, "form_task_force", d.task_force_body())
    items = d.history(did, "do1")
    assert [h["action"] for h in items] == [
        "create",
        "accept",
        "complete_screening",
        "request_escalation",
        "form_task_force",
    ]
    assert items[0]["level_before"] is None and items[0]["level_after"] == "community"
    assert all(h["level_before"] and h["level_after"] for h in items[1:])
    assert (items[-1]["level_before"], items[-1]["level_after"]) == ("community", "task_force")
    assert items[3]["comment"] == "r" and items[3]["actor_name"] == "sec1"
    app = client.get(f"/api/v1/disputes/{did}/escalations", headers=world.h("jo")).json()["items"][0]
    assert app["decision"] == "superseded"


def test_categories_are_data_the_judicial_office_extends(client: TestClient, world: World, d: Disputes) -> None:
    cats = client.get("/api/v1/dispute-categories", headers=world.h("staff1")).json()["items"]
    assert {c["code"] for c in cats} == {
        "neighbor",
        "property_management",
        "parking",
        "elevator",
        "renovation_noise",
        "family",
        "labor",
        "tenancy",
        "other",
    }
    body = {"code": "pets", "name": "宠物纠纷"}
    assert client.post("/api/v1/dispute-categories", json=body, headers=world.h("sec1")).status_code == 403
    assert client.post("/api/v1/dispute-categories", json=body | {"x": 1}, headers=world.h("jo")).status_code == 422
    assert (
        client.post("/api/v1/dispute-categories", json={"code": "宠物", "name": "x"}, headers=world.h("jo")).status_code
        == 422
    )
    assert client.post("/api/v1/dispute-categories", json=body, headers=world.h("jo")).status_code == 201
    dup = client.post("/api/v1/dispute-categories", json=body, headers=world.h("jo"))
    assert dup.status_code == 409 and dup.json()["code"] == "duplicate"
    assert d.create("staff1", category="pets")["category"] == "pets"


def test_the_machine_is_published(client: TestClient, world: World) -> None:
    m = client.get("/api/v1/meta/state-machines/dispute", headers=world.h("res1")).json()
    assert m["label"] == "矛盾纠纷" and m["initial"] == "reported"
    assert {s["code"] for s in m["states"] if s["terminal"]} == {"resolved", "referred", "withdrawn"}
    actions = {a["code"]: a for a in m["actions"]}
    assert actions["request_escalation"]["roles"] == [
        "community: community_secretary",
        "street_joint: judicial_officer",
    ]
    assert "street_joint, hongmei: mediator (street-scoped)" in actions["record_agreement"]["roles"]
    assert actions["form_task_force"]["from"] == ["mediating", "escalation_pending"]
    assert set(m["create_roles"]) == {
        "grid_worker",
        "community_staff",
        "community_secretary",
        "community_police",
        "resident",
        "integration_client",
    }
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/disputes/{item_id}/actions/approve_escalation" in doc["paths"]
    assert "ApproveEscalationBody" in doc["components"]["schemas"]
    create = doc["paths"]["/api/v1/disputes"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "community_id" in create["properties"] and "$ref" not in str(create)


def test_configured_time_limits_reach_every_route(world: World, d: Disputes) -> None:
    from governance_api.app import create_app
    from governance_api.settings import DisputeTimeLimits

    tight = world.settings.model_copy(update={"dispute_time_limits": DisputeTimeLimits(community=1)})
    did = d.reported()
    _age(world, did, 2)
    assert d.get(did)["overdue"] is False  # 15 days by default
    with TestClient(create_app(tight, world.db), raise_server_exceptions=False) as c:
        got = c.get(f"/api/v1/disputes/{did}", headers=world.h("staff1")).json()
        assert got["overdue"] is True
        span = dt.datetime.fromisoformat(got["level_deadline"]) - dt.datetime.fromisoformat(got["level_entered_at"])
        assert span == dt.timedelta(days=1)
        listed = c.get("/api/v1/disputes", params={"overdue": "true"}, headers=world.h("staff1")).json()["items"]
        assert [x["id"] for x in listed] == [did]
        acted = c.post(f"/api/v1/disputes/{did}/actions/accept", json={}, headers=world.h("staff1")).json()
        assert acted["state"] == "screening" and acted["overdue"] is True


def test_idempotent_intake_replays_the_first_answer(client: TestClient, world: World) -> None:
    from disputes.factories import dispute_body

    headers = world.h("ic") | {"Idempotency-Key": "feed-batch-7"}
    body = dispute_body(world, channel="yiwangtongguan", parties=[])
    first = client.post("/api/v1/disputes", json=body, headers=headers)
    again = client.post("/api/v1/disputes", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.headers.get("Idempotent-Replayed") == "true"
    changed = client.post("/api/v1/disputes", json=body | {"title": "另一件"}, headers=headers)
    assert changed.status_code == 422 and changed.json()["code"] == "idempotency_key_reuse"
    assert len(client.get("/api/v1/disputes", headers=world.h("jo")).json()["items"]) == 1


def test_one_statement_per_shape_binds_each_callers_own_scope(client: TestClient, world: World, d: Disputes) -> None:
    """The GET's statement (``loop_reads._one`` on PostgreSQL, ``repository._one`` on SQLite) is
    built once per shape of caller (how many scope and department paths) and binds the caller's
    values per call: staff of two communities share the statement and still each see only their own
    community's dispute, whichever reads first."""
    statement = loop_reads._one if PG_URL else repository._one
    mine = d.create("staff1")["id"]
    theirs = d.create("staff2", community_id=str(world.units["C2"]))["id"]
    built = statement.cache_info()
    for reader, own, other in (("staff1", mine, theirs), ("staff2", theirs, mine), ("staff1", mine, theirs)):
        assert client.get(f"/api/v1/disputes/{own}", headers=world.h(reader)).status_code == 200
        assert client.get(f"/api/v1/disputes/{other}", headers=world.h(reader)).status_code == 404
    now = statement.cache_info()
    assert now.hits - built.hits >= 5  # one statement served all six reads
    assert now.currsize - built.currsize <= 1


def test_a_list_statement_serves_every_value_of_its_shape(client: TestClient, world: World, d: Disputes) -> None:
    """The list query is built once per shape (which filters are set, the caller's visibility) and
    bound per call: two states, then two communities, through one statement each."""
    statement = loop_reads._page if PG_URL else repository._list_statement
    reported, screening = d.reported(), d.screening()
    other = d.create("staff2", community_id=str(world.units["C2"]))["id"]
    built = statement.cache_info()
    assert reported in _ids(client, world, state="reported") and screening not in _ids(client, world, state="reported")
    assert _ids(client, world, state="screening") == {screening}
    assert other not in _ids(client, world, org_unit_id=str(world.units["C1"]))
    assert _ids(client, world, org_unit_id=str(world.units["C2"])) == {other}
    now = statement.cache_info()
    assert now.hits - built.hits >= 3 and now.currsize - built.currsize <= 2


def test_an_empty_cursor_is_the_first_page(client: TestClient, world: World, d: Disputes) -> None:
    made = d.reported()
    r = client.get("/api/v1/disputes", params={"cursor": ""}, headers=world.h("staff1"))
    assert r.status_code == 200, r.text
    assert made in {x["id"] for x in r.json()["items"]}
