"""Bulk data for the load benchmarks, written straight into a migrated database: one street with 10
areas, 100 communities, 400 grids and 5 departments; 2 000 users; and N disputes (default 100 000)
spread over the communities, each with one party. On PostgreSQL the disputes go in with COPY (a
million in about a minute); on SQLite with batched core inserts. Writes the plan that bench/load.py
and ../shared/bench/side-by-side/run.sh follow (``reader``, ``actor``, ids to read and act on).

Usage: GOVERNANCE_DATABASE_URL=… python bench/seed.py [--disputes N] PLAN.json
"""

import argparse
import datetime as dt
import json
import secrets
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from governance_api.db import Database
from governance_api.models.disputes import Dispute, DisputeParty
from governance_api.models.org import OrgUnit, RoleAssignment, User
from governance_api.security import hash_password
from governance_api.settings import get_settings

PASSWORD = "Bench-pass-2026"
COMMUNITIES, GRIDS_PER_COMMUNITY, USERS = 100, 4, 2000
BATCH = 20_000


def _unit(kind: str, code: str, parent: dict[str, Any] | None) -> dict[str, Any]:
    unit_id = uuid.uuid4()
    path = (parent["path"] if parent else "/") + unit_id.hex + "/"
    return {
        "id": unit_id,
        "kind": kind,
        "code": code,
        "name": code,
        "parent_id": parent["id"] if parent else None,
        "path": path,
        "active": True,
    }


def seed_org(session: Session) -> dict[str, Any]:
    street = _unit("street", "bench-street", None)
    areas = [_unit("area", f"bench-area-{i}", street) for i in range(10)]
    communities = [_unit("community", f"bench-c-{i}", areas[i % 10]) for i in range(COMMUNITIES)]
    grids = [
        _unit("grid", f"bench-g-{c}-{g}", communities[c])
        for c in range(COMMUNITIES)
        for g in range(GRIDS_PER_COMMUNITY)
    ]
    departments = [_unit("department", f"bench-d-{i}", street) for i in range(5)]
    session.execute(insert(OrgUnit), [street, *areas, *communities, *grids, *departments])
    return {"street": street, "communities": communities, "grids": grids, "departments": departments}


def seed_users(session: Session, org: dict[str, Any]) -> list[str]:
    password_hash = hash_password(PASSWORD)
    users, grants, names = [], [], []
    roles = ["community_staff", "community_secretary", "mediator", "grid_worker"]
    for i in range(USERS):
        user_id, role = uuid.uuid4(), roles[i % len(roles)]
        unit = org["grids"][i % len(org["grids"])] if role == "grid_worker" else org["communities"][i % COMMUNITIES]
        names.append(f"bench_{i}")
        users.append(
            {
                "id": user_id,
                "username": names[-1],
                "password_hash": password_hash,
                "display_name": names[-1],
                "phone": None,
                "active": True,
            }
        )
        grants.append({"id": uuid.uuid4(), "user_id": user_id, "role": role, "org_unit_id": unit["id"]})
    for role in ("judicial_officer", "admin"):
        user_id = uuid.uuid4()
        users.append(
            {
                "id": user_id,
                "username": f"bench_{role}",
                "password_hash": password_hash,
                "display_name": role,
                "phone": None,
                "active": True,
            }
        )
        grants.append({"id": uuid.uuid4(), "user_id": user_id, "role": role, "org_unit_id": org["street"]["id"]})
    session.execute(insert(User), users)
    session.execute(insert(RoleAssignment), grants)
    return names


def main(plan_path: str, disputes: int) -> None:
    db = Database(get_settings())
    with db.transaction() as session:
        org = seed_org(session)
        names = seed_users(session, org)
        plan: dict[str, Any] = {
            "password": PASSWORD,
            "users": names[:200],
            "token_requests": 400,
            "requests": 4000,
            "reader": "bench_judicial_officer",
            "get_path": "/org-units/{id}",
            "get_ids": [str(c["id"]) for c in org["communities"]],
            "list_path": "/org-units",
        }
        plan.update(seed_domain(session, org, disputes))
    db.dispose()
    with open(plan_path, "w", encoding="utf-8") as f:
        json.dump(plan, f)


def seed_domain(session: Session, org: dict[str, Any], count: int) -> dict[str, Any]:
    """``count`` disputes over the communities (a tenth on a grid, each with one party), one every
    few seconds up to now, in mixed states; a street-scoped staff member and leader to act and read."""
    password_hash = hash_password(PASSWORD)
    actors = []
    for name, role in (("bench_street_staff", "community_staff"), ("bench_leader", "leader_in_charge")):
        user_id = uuid.uuid4()
        session.execute(
            insert(User),
            [
                {
                    "id": user_id,
                    "username": name,
                    "password_hash": password_hash,
                    "display_name": name,
                    "phone": None,
                    "active": True,
                }
            ],
        )
        session.execute(
            insert(RoleAssignment),
            [{"id": uuid.uuid4(), "user_id": user_id, "role": role, "org_unit_id": org["street"]["id"]}],
        )
        actors.append(name)
    reported: list[str] = []
    for start in range(0, count, BATCH):
        rows, parties = _dispute_batch(org, start, min(start + BATCH, count), count)
        reported += [str(r["id"]) for r in rows if r["state"] == "reported"]
        _bulk_insert(session, Dispute, rows)
        _bulk_insert(session, DisputeParty, parties)
    newest = reported[::-1]
    return {
        "reader": "bench_leader",
        "actor": actors[0],
        "get_path": "/disputes/{id}",
        "get_ids": newest[:1000],
        "list_path": "/disputes",
        "action_path": "/disputes/{id}/actions/accept",
        "action_body": {},
        "action_ids": newest[1000:5000],
    }


STATES = ("reported", "screening", "mediating", "fulfilling", "resolved")
CATEGORIES = ("neighbor", "property_management", "parking", "renovation_noise", "family")


def _dispute_batch(
    org: dict[str, Any], start: int, stop: int, count: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    now = dt.datetime.now(dt.UTC)
    step = dt.timedelta(seconds=max(1, 365 * 24 * 3600 // max(count, 1)))  # spread over about a year
    rows, parties = [], []
    for i in range(start, stop):
        community = org["communities"][i % COMMUNITIES]
        grid = org["grids"][(i % COMMUNITIES) * GRIDS_PER_COMMUNITY] if i % 10 == 0 else None
        created = now - step * (count - i)
        dispute_id = uuid.uuid4()
        rows.append(
            {
                "id": dispute_id,
                "state": STATES[i % len(STATES)],
                "version": 1,
                "org_unit_id": (grid or community)["id"],
                "scope_path": (grid or community)["path"],
                "created_at": created,
                "updated_at": created,
                "community_id": community["id"],
                "grid_id": grid["id"] if grid else None,
                "channel": "grid_patrol" if grid else "walk_in",
                "category": CATEGORIES[i % len(CATEGORIES)],
                "title": f"纠纷 {i}",
                "description": "楼上夜间噪音扰民",
                "tracking_code": secrets.token_hex(8).upper(),
                "level": "community",
                "level_entered_at": created,
                "group_dispute": False,
                "multi_department": False,
                "early_warning": False,
            }
        )
        parties.append(
            {
                "dispute_id": dispute_id,
                "seq": 1,
                "name": "张三",
                "role": "applicant",
                "phone": "13812345678",
            }
        )
    return rows, parties


def _bulk_insert(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """COPY on PostgreSQL (psycopg 3's ``Cursor.copy``), batched INSERTs elsewhere."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(model), list(rows))
        return
    columns = list(rows[0])
    table = model.__table__.name
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for values in _tuples(rows, columns):
            copy.write_row(values)


def _tuples(rows: Sequence[dict[str, Any]], columns: list[str]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        yield tuple(row[c] for c in columns)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disputes", type=int, default=100_000, help="how many disputes (default 100 000)")
    parser.add_argument("plan", help="where to write the plan (JSON)")
    args = parser.parse_args()
    main(args.plan, args.disputes)
