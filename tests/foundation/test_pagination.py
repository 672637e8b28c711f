"""Cursor pagination: newest first, every item exactly once, a null cursor on the last page, stable
under identical timestamps."""

import datetime as dt
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import bindparam, select

from foundation.factories import unit_body
from governance_api.core.pagination import BoundPage, PageParams, keyset_page, paginate, paginate_bound
from governance_api.db import Database
from governance_api.models.org import OrgUnit
from world import World

UNITS = "/api/v1/org-units"


def _walk(
    client: TestClient, headers: dict[str, str], filters: dict[str, str], limit: int
) -> list[list[dict[str, object]]]:
    pages: list[list[dict[str, object]]] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {**filters, "limit": limit}
        if cursor:
            params["cursor"] = cursor
        r = client.get(UNITS, params=params, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert set(body) == {"items", "next_cursor"}
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "the walk does not end"


def test_walk_seven_new_units_three_at_a_time(client: TestClient, world: World) -> None:
    h = world.h("admin")
    street = client.post(UNITS, json=unit_body("street", "walk-street"), headers=h).json()["id"]
    created = [street]
    for i in range(6):
        r = client.post(UNITS, json=unit_body("community", f"walk-c{i}", street), headers=h)
        assert r.status_code == 201
        created.append(r.json()["id"])
    pages = _walk(client, h, {"org_unit_id": street}, 3)
    assert [len(p) for p in pages] == [3, 3, 1]
    ids = [str(x["id"]) for p in pages for x in p]
    assert ids == list(reversed(created))  # newest first, each exactly once


def test_walk_everything_matches_the_table(client: TestClient, world: World, db: Database) -> None:
    h = world.h("sec1")
    pages = _walk(client, h, {}, 4)
    items = [x for p in pages for x in p]
    assert all(len(p) == 4 for p in pages[:-1]) and 1 <= len(pages[-1]) <= 4
    with db.session(write=False) as s:
        expected = {str(i) for i in s.scalars(select(OrgUnit.id))}
    ids = [str(x["id"]) for x in items]
    assert len(ids) == len(set(ids)) and set(ids) == expected
    keys = [(str(x["created_at"]), str(x["id"])) for x in items]
    assert keys == sorted(keys, reverse=True)


def test_page_exactly_full_ends_with_null_cursor(client: TestClient, world: World) -> None:
    h = world.h("sec1")
    r = client.get(UNITS, params={"kind": "department", "limit": 3}, headers=h).json()
    assert len(r["items"]) == 3 and r["next_cursor"] is None
    r = client.get(UNITS, params={"kind": "department", "limit": 2}, headers=h).json()
    assert len(r["items"]) == 2 and r["next_cursor"] is not None
    last = client.get(UNITS, params={"kind": "department", "limit": 2, "cursor": r["next_cursor"]}, headers=h).json()
    assert len(last["items"]) == 1 and last["next_cursor"] is None
    empty = client.get(UNITS, params={"kind": "department", "parent_id": str(uuid.uuid4())}, headers=h).json()
    assert empty == {"items": [], "next_cursor": None}


def _same_day_units(db: Database, n: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    """A street and ``n`` communities under it, all created in the same microsecond (a batch
    import): ties on created_at. Returns the street's id and the communities'."""
    stamp = dt.datetime(2030, 1, 1, 8, 0, tzinfo=dt.UTC)
    root = uuid.uuid4()
    ids = [uuid.uuid4() for _ in range(n)]
    tag = root.hex[:8]
    with db.transaction() as s:
        s.add(OrgUnit(id=root, kind="street", code=f"same-{tag}", name="r", path=f"/{root.hex}/", created_at=stamp))
        for i, unit_id in enumerate(ids):
            s.add(
                OrgUnit(
                    id=unit_id,
                    kind="community",
                    code=f"same-{tag}-{i}",
                    name=f"c{i}",
                    parent_id=root,
                    path=f"/{root.hex}/{unit_id.hex}/",
                    created_at=stamp,
                )
            )
    return root, ids


def test_identical_timestamps_are_ordered_by_id(client: TestClient, world: World, db: Database) -> None:
    """Rows created in the same microsecond (a batch import) are neither skipped nor repeated."""
    root, ids = _same_day_units(db, 7)
    pages = _walk(client, world.h("sec1"), {"parent_id": str(root)}, 3)
    got = [uuid.UUID(str(x["id"])) for p in pages for x in p]
    assert got == sorted(ids, reverse=True)


def test_paginate_helper_directly(db: Database, world: World) -> None:
    seen: list[uuid.UUID] = []
    cursor: str | None = None
    with db.session(write=False) as s:
        while True:
            rows, cursor = paginate(s, select(OrgUnit), OrgUnit.created_at, OrgUnit.id, PageParams(4, cursor))
            seen += [r.id for r in rows]
            if cursor is None:
                break
    assert sorted(seen) == sorted(world.units.values())


def test_paginate_bound_gives_paginates_pages_and_cursors(db: Database, world: World) -> None:
    """The bound form (a statement built once, cursor and page size as parameters) walks the same
    pages with the same cursors as ``paginate``, through ties on created_at and an empty cursor."""
    root, _ = _same_day_units(db, 5)
    base = select(OrgUnit).where(OrgUnit.parent_id == bindparam("parent"))
    built = {after: keyset_page(base, OrgUnit.created_at, OrgUnit.id, after=after) for after in (False, True)}
    query = BoundPage(built.__getitem__, {"parent": root})
    with db.session(write=False) as s:
        for first in (None, ""):
            walks: list[list[tuple[list[uuid.UUID], str | None]]] = [[], []]
            for walk, run in zip(
                walks,
                (
                    lambda p: paginate(
                        s, select(OrgUnit).where(OrgUnit.parent_id == root), OrgUnit.created_at, OrgUnit.id, p
                    ),
                    lambda p: paginate_bound(s, query, "created_at", "id", p),
                ),
                strict=True,
            ):
                cursor = first
                while True:
                    rows, cursor = run(PageParams(2, cursor))
                    walk.append(([r.id for r in rows], cursor))
                    if cursor is None:
                        break
            assert walks[0] == walks[1]
            assert [len(ids) for ids, _ in walks[1]] == [2, 2, 1]


def test_walk_users_two_at_a_time(client: TestClient, world: World) -> None:
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(50):
        params: dict[str, str | int] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        r = client.get("/api/v1/users", params=params, headers=world.h("admin"))
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= 2
        seen += [u["username"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(world.users)
    assert seen[0] == "ic" and seen[-1] == "admin"  # newest first: the world made admin first, ic last
