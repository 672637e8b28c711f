"""GET /disputes/{id} on PostgreSQL is served on the event loop (``core.loop_reads``); on SQLite, and
inside every write, the session path reads the dispute. Both must give every caller the same answer
and leave the same audit rows; the pool's failures answer 503 as the sync engine's do."""

import asyncio
import uuid
from collections import Counter
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import bindparam, column, select, table

from conftest import PG_URL, make_settings
from disputes.factories import Disputes
from governance_api.core import errors
from governance_api.core.actor import ActorCache
from governance_api.core.loop_reads import LoopReads, prepare
from governance_api.core.pagination import PageParams
from governance_api.disputes import loop_reads, service
from governance_api.disputes.repository import DisputeFilters
from governance_api.models.disputes import Dispute
from governance_api.models.org import OrgUnit
from governance_api.models.records import PersonalDataAccess
from governance_api.roles import OrgKind
from world import World


def _audits(w: World) -> list[tuple[uuid.UUID, uuid.UUID, str]]:
    with w.db.session(write=False) as s:
        rows = s.scalars(select(PersonalDataAccess))
        return sorted((r.actor_id, r.subject_id, r.fields) for r in rows)


def _on_session(w: World, user: str, did: str) -> dict[str, Any] | None:
    with w.db.session(write=False) as s:
        actor = ActorCache(0).load(s, w.users[user])
        assert actor is not None
        try:
            read = service.get_dispute(s, actor, uuid.UUID(did), w.settings.dispute_time_limits)
        except errors.NotFound:
            return None
    return read.model_dump(mode="json")


def test_every_caller_reads_every_dispute_alike_on_both_paths(client: TestClient, world: World, d: Disputes) -> None:
    disputes = [
        d.reported(),  # parties with a phone and an ID number; no task force
        d.create("gw1", grid_id=str(world.units["G1"]))["id"],  # reported by a grid worker
        d.at_street("street_joint"),
        d.at_task_force(),  # two departments, in a fixed order on both paths
    ]
    seen = 0
    for did in disputes:
        for user in world.users:
            before = _audits(world)
            r = client.get(f"/api/v1/disputes/{did}", headers=world.h(user))
            by_route = _audits(world)
            expected = _on_session(world, user, did)
            by_session = _audits(world)
            if expected is None:
                assert r.status_code == 404, (user, r.text)
            else:
                seen += 1
                assert r.status_code == 200, (user, r.text)
                assert r.json() == expected, user
                assert r.headers["ETag"] == f'"{expected["version"]}"'
            # the same audit rows: as many, by the same caller, on the same dispute, of the same fields
            assert Counter(by_route) - Counter(before) == Counter(by_session) - Counter(by_route), user
    assert seen >= 2 * len(disputes)  # some callers see each one (the matrix is not all 404s)
    task_force = client.get(f"/api/v1/disputes/{disputes[3]}", headers=world.h("pls")).json()["task_force"]
    assert len(task_force["department_ids"]) == 2


def _page_on_session(w: World, user: str, query: dict[str, Any]) -> dict[str, Any] | int:
    """The list page ``query`` asks for, by ``service.list_disputes`` on a session (the query string
    parsed as the route parses it); the status code when it is refused."""
    with w.db.session(write=False) as s:
        actor = ActorCache(0).load(s, w.users[user])
        assert actor is not None
        q = dict(query)
        unit = q.pop("org_unit_id", None)
        page = PageParams(int(q.pop("limit", 50)), q.pop("cursor", None))
        if "overdue" in q:
            q["overdue"] = q["overdue"] == "true"
        asked = service.ListQuery(DisputeFilters(**q), uuid.UUID(unit) if unit else None)
        try:
            read = service.list_disputes(s, actor, asked, page, w.settings.dispute_time_limits)
        except errors.ValidationFailed:
            return 422
    return read.model_dump(mode="json")


def test_every_caller_lists_alike_on_both_paths(client: TestClient, world: World, d: Disputes) -> None:
    """Every caller, every filter the route has, and a second page by cursor: the route's page (on
    the loop on PostgreSQL) is the session path's, item for item."""
    d.reported()
    d.create("gw1", grid_id=str(world.units["G1"]))
    d.create("staff2", community_id=str(world.units["C2"]))
    d.screening()
    d.at_street("street_joint")
    d.at_task_force()
    queries: list[dict[str, Any]] = [
        {},
        {"limit": "2"},
        {"state": "reported"},
        {"level": "community", "channel": "walk_in"},
        {"overdue": "false"},
        {"overdue": "true"},
        {"org_unit_id": str(world.units["C1"])},
        {"org_unit_id": str(world.units["G1"])},
        {"org_unit_id": str(world.units["S1"])},
        {"org_unit_id": str(uuid.uuid4())},
        {"q": "噪音"},
        {"category": "no-such-category"},
    ]
    compared = 0
    for user in world.users:
        for query in queries:
            expected = _page_on_session(world, user, query)
            r = client.get("/api/v1/disputes", params=query, headers=world.h(user))
            if isinstance(expected, int):
                assert r.status_code == expected, (user, query, r.text)
                continue
            assert r.status_code == 200, (user, query, r.text)
            assert r.json() == expected, (user, query)
            compared += len(expected["items"])
            if expected["next_cursor"]:
                more = query | {"cursor": expected["next_cursor"]}
                assert client.get("/api/v1/disputes", params=more, headers=world.h(user)).json() == _page_on_session(
                    world, user, more
                ), (user, more)
    assert compared > 50  # the callers see disputes: the pages compared are not all empty


def test_the_loop_path_is_taken_on_postgresql_only(client: TestClient) -> None:
    reads: LoopReads = client.app.state.loop_reads  # type: ignore[attr-defined]
    assert reads.enabled is bool(PG_URL)


def test_an_unreachable_server_answers_unavailable(world: World) -> None:
    """The pool waits ``db_pool_timeout_seconds`` for a connection, then the read answers 503."""
    dead = make_settings("postgresql+psycopg://nobody@127.0.0.1:9/none", db_pool_timeout_seconds=0.3)
    with world.db.session(write=False) as s:
        actor = ActorCache(0).load(s, world.users["jo"])
    assert actor is not None

    async def read() -> None:
        reads = LoopReads(dead, world.db)
        await reads.open()
        try:
            await service.read_dispute(reads, actor, uuid.uuid4(), dead.dispute_time_limits)
        finally:
            await reads.close()

    with pytest.raises(errors.Unavailable):
        asyncio.run(read())


@pytest.mark.skipif(not PG_URL, reason="the loop path serves PostgreSQL only")
def test_a_unit_s_place_is_read_once_and_a_missing_unit_every_time(world: World) -> None:
    """A list filtered by unit needs its kind and path, which never change: a process reads them
    once. A unit not found may be created next, so it is looked up again."""
    fresh = uuid.uuid4()

    async def place(unit_id: uuid.UUID, *, pool_open: bool = True) -> loop_reads.UnitPlace | None:
        reads = LoopReads(world.settings, world.db)
        if pool_open:
            await reads.open()
        try:
            return await loop_reads.unit_place(reads, unit_id)
        finally:
            if pool_open:
                await reads.close()

    assert asyncio.run(place(fresh)) is None
    street = world.add_unit("S_new", OrgKind.street, None)
    community = world.add_unit("C_new", OrgKind.community, "S_new")
    with world.db.session(write=False) as s:
        unit = s.get(OrgUnit, community)
        assert unit is not None
        expected = loop_reads.UnitPlace(unit.id, unit.kind, unit.path)
    assert str(street.hex) in expected.path
    assert asyncio.run(place(community)) == expected
    assert asyncio.run(place(community, pool_open=False)) == expected  # kept: no connection needed
    with pytest.raises(AssertionError, match="no pool"):
        asyncio.run(place(fresh, pool_open=False))  # a unit never found is asked for again


def test_a_statement_the_loop_cannot_run_is_refused_at_first_use() -> None:
    stmt = select(Dispute.id).where(Dispute.state.in_(bindparam("states", expanding=True)))
    with pytest.raises(AssertionError, match="expanding"):
        prepare(stmt)


def test_values_a_statement_carries_are_bound_and_columns_processed() -> None:
    """A literal in the statement travels with it; a UTC column's processor runs on its values."""
    prepared = prepare(select(Dispute.id, Dispute.created_at).where(Dispute.state == "reported"))
    assert prepared.arguments({}) == {"state_1": "reported"}
    key, processor = prepared.columns[1]
    assert key == "created_at" and processor is not None


@pytest.mark.skipif(not PG_URL, reason="the loop path serves PostgreSQL only")
def test_a_unit_s_page_keeps_one_plan_and_a_street_s_page_is_planned_per_value(world: World, d: Disputes) -> None:
    """PostgreSQL plans the first five executions of a prepared statement with their values; later
    ones too while it judges that cheaper. A community's or a grid's page is put on its generic
    plan; a street's keeps the server's default. One connection serves both, in turns."""
    d.reported()
    d.create("gw1", grid_id=str(world.units["G1"]))
    with world.db.session(write=False) as s:
        actor = ActorCache(0).load(s, world.users["jo"])
    assert actor is not None
    settings = make_settings(world.settings.database_url, db_pool_size=1)  # one connection: one session's plans
    limits = settings.dispute_time_limits
    pages = {name: service.ListQuery(DisputeFilters(), world.units[name]) for name in ("C1", "G1", "S1")}
    plans = select(column("statement"), column("generic_plans"), column("custom_plans")).select_from(
        table("pg_prepared_statements")
    )

    async def run() -> dict[str, tuple[int, int]]:
        reads = LoopReads(settings, world.db)
        await reads.open()
        try:
            for _ in range(8):  # psycopg prepares a statement at its sixth execution
                for query in pages.values():
                    await service.read_page(reads, actor, query, PageParams(50, None), limits)
            rows = await reads.all(plans, {})
        finally:
            await reads.close()
        return {
            kind: (row["generic_plans"], row["custom_plans"]) for row in rows if (kind := _page_of(row["statement"]))
        }

    found = asyncio.run(run())
    assert set(found) == {"C1", "G1", "S1"}, found
    for unit in ("C1", "G1"):
        generic, custom = found[unit]
        assert generic > 0 and custom == 0, found
    assert found["S1"][1] > 0, found


def _page_of(sql: str) -> str | None:
    """Which page a prepared statement is: its outer ``FROM disputes`` comes after the columns'
    subqueries, and its unit filter after that."""
    if "FROM disputes" not in sql:
        return None
    outer = sql[sql.index("FROM disputes") :]
    if "disputes.community_id =" in outer:
        return "C1"
    if "disputes.org_unit_id =" in outer:
        return "G1"
    return "S1"
