"""Bulk data for the load benchmark, written straight into a migrated database with core inserts:
one street with 10 areas, 100 communities, 400 grids and 5 departments; 2 000 users; and 100 000
disputes spread over the communities. Writes the plan that
bench/load.py follows.

Usage: GOVERNANCE_DATABASE_URL=… python bench/seed.py PLAN.json
"""

import datetime as dt
import json
import secrets
import sys
import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from governance_api.db import Database
from governance_api.models.disputes import Dispute, DisputeParty
from governance_api.models.org import OrgUnit, RoleAssignment, User
from governance_api.security import hash_password
from governance_api.settings import get_settings

PASSWORD = "Bench-pass-2026"
COMMUNITIES, GRIDS_PER_COMMUNITY, USERS, DISPUTES = 100, 4, 2000, 100_000


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


def main(plan_path: str) -> None:
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
        plan.update(seed_domain(session, org))
    db.dispose()
    with open(plan_path, "w", encoding="utf-8") as f:
        json.dump(plan, f)


def seed_domain(session: Session, org: dict[str, Any]) -> dict[str, Any]:
    """100 000 disputes over the communities (a tenth on a grid, each with one party), created over
    the last year in mixed states; a street-scoped staff member and leader to act and read."""
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
    now = dt.datetime.now(dt.UTC)
    states = ["reported", "screening", "mediating", "fulfilling", "resolved"]
    categories = ["neighbor", "property_management", "parking", "renovation_noise", "family"]
    reported: list[str] = []
    for start in range(0, DISPUTES, 10_000):
        rows, parties = [], []
        for i in range(start, start + 10_000):
            community = org["communities"][i % COMMUNITIES]
            grid = org["grids"][(i % COMMUNITIES) * GRIDS_PER_COMMUNITY] if i % 10 == 0 else None
            created = now - dt.timedelta(minutes=5 * (DISPUTES - i))
            dispute_id, state = uuid.uuid4(), states[i % len(states)]
            rows.append(
                {
                    "id": dispute_id,
                    "state": state,
                    "version": 1,
                    "org_unit_id": (grid or community)["id"],
                    "scope_path": (grid or community)["path"],
                    "created_at": created,
                    "updated_at": created,
                    "community_id": community["id"],
                    "grid_id": grid["id"] if grid else None,
                    "channel": "grid_patrol" if grid else "walk_in",
                    "category": categories[i % len(categories)],
                    "title": f"纠纷 {i}",
                    "description": "楼上夜间噪音扰民",
                    "external_id": None,
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
                    "id": uuid.uuid4(),
                    "dispute_id": dispute_id,
                    "seq": 1,
                    "name": "张三",
                    "role": "applicant",
                    "phone": "13812345678",
                    "id_number": None,
                }
            )
            if state == "reported":
                reported.append(str(dispute_id))
        session.execute(insert(Dispute), rows)
        session.execute(insert(DisputeParty), parties)
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


if __name__ == "__main__":
    main(sys.argv[1])
