"""Bulk data for the load benchmark, written straight into a migrated database with core inserts:
one street with 10 areas, 100 communities, 400 grids and 5 departments; 2 000 users; and, once the
disputes table exists, 100 000 disputes spread over the communities. Writes the plan that
bench/load.py follows.

Usage: GOVERNANCE_DATABASE_URL=… python bench/seed.py PLAN.json
"""

import json
import sys
import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from governance_api.db import Database
from governance_api.models.org import OrgUnit, RoleAssignment, User
from governance_api.security import hash_password
from governance_api.settings import get_settings

PASSWORD = "Bench-pass-2026"
COMMUNITIES, GRIDS_PER_COMMUNITY, USERS = 100, 4, 2000


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
    """Domain rows (disputes) and the plan entries that use them; nothing until disputes exist."""
    return {}


if __name__ == "__main__":
    main(sys.argv[1])
