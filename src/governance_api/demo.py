"""Demo data for a first look (``seed-demo``) and the bootstrap admin (``create-admin``).

Demo users all share the password ``Demo-pass-2026`` and are named after their role, e.g.
``demo_community_secretary``; see the README for the table.
"""

import uuid

from sqlalchemy.orm import Session

from governance_api.db import Database
from governance_api.migrate import upgrade
from governance_api.models.org import OrgUnit
from governance_api.org import repository as org_repo
from governance_api.org import service as org_service
from governance_api.org.schemas import RoleAssignmentIn, UserCreate
from governance_api.roles import OrgKind, Role
from governance_api.settings import Settings

DEMO_PASSWORD = "Demo-pass-2026"

# (code, kind, parent code, name)
DEMO_UNITS = [
    ("demo-street", OrgKind.street, None, "东明路街道"),
    ("demo-area-1", OrgKind.area, "demo-street", "第一片区"),
    ("demo-c-jinse", OrgKind.community, "demo-area-1", "金色雅筑居民区"),
    ("demo-c-lingzhao", OrgKind.community, "demo-street", "凌兆新村居民区"),
    ("demo-g-jinse-1", OrgKind.grid, "demo-c-jinse", "金色雅筑1号微网格"),
    ("demo-d-housing", OrgKind.department, "demo-street", "房管办"),
    ("demo-d-judicial", OrgKind.department, "demo-street", "司法所"),
]

# role → unit code it is held on
DEMO_USERS: dict[Role, str] = {
    Role.admin: "demo-street",
    Role.judicial_officer: "demo-street",
    Role.leader_in_charge: "demo-street",
    Role.rule_of_law_leader: "demo-street",
    Role.political_legal_secretary: "demo-street",
    Role.liaison_leader: "demo-c-jinse",
    Role.department_officer: "demo-d-housing",
    Role.community_secretary: "demo-c-jinse",
    Role.community_staff: "demo-c-jinse",
    Role.legal_adviser: "demo-c-jinse",
    Role.mediator: "demo-c-jinse",
    Role.community_police: "demo-c-jinse",
    Role.owners_committee: "demo-c-jinse",
    Role.property_manager: "demo-c-jinse",
    Role.grid_worker: "demo-g-jinse-1",
    Role.resident: "demo-c-jinse",
    Role.integration_client: "demo-street",
}


def create_admin(settings: Settings, username: str, password: str) -> str:
    """Create an admin holding the role on a root unit (a placeholder street is made if none exists)."""
    upgrade(settings)
    db = Database(settings)
    try:
        with db.session(write=True) as session:
            root = _root_unit(session)
            data = UserCreate(
                username=username,
                password=password,
                display_name=username,
                roles=[RoleAssignmentIn(role=Role.admin, org_unit_id=root.id)],
            )
            return str(org_service.create_user(session, None, data).id)
    finally:
        db.dispose()


def _root_unit(session: Session) -> OrgUnit:
    stmt = org_repo.units_query(OrgKind.street.value, None, None).where(OrgUnit.parent_id.is_(None))
    root: OrgUnit | None = session.scalars(stmt.order_by(OrgUnit.created_at)).first()
    if root is None:
        unit_id = uuid.uuid4()
        root = OrgUnit(id=unit_id, kind=OrgKind.street.value, code="root", name="(root)", path=f"/{unit_id.hex}/")
        session.add(root)
        session.flush()
    return root


def seed_demo(settings: Settings) -> str:
    """Idempotent: running it twice leaves one demo street."""
    upgrade(settings)
    db = Database(settings)
    try:
        with db.session(write=True) as session:
            if org_repo.unit_code_taken(session, "demo-street"):
                return "demo data already present"
            units = _seed_units(session)
            for role, unit_code in DEMO_USERS.items():
                data = UserCreate(
                    username=f"demo_{role.value}",
                    password=DEMO_PASSWORD,
                    display_name=f"演示 {role.value}",
                    phone="13800000000",
                    roles=[RoleAssignmentIn(role=role, org_unit_id=units[unit_code])],
                )
                org_service.create_user(session, None, data)
            _seed_catalog(session)
        return f"demo data created: {len(DEMO_UNITS)} units, {len(DEMO_USERS)} users (password {DEMO_PASSWORD})"
    finally:
        db.dispose()


def _seed_units(session: Session) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    paths: dict[str, str] = {}
    for code, kind, parent, name in DEMO_UNITS:
        unit_id = uuid.uuid4()
        paths[code] = (paths[parent] if parent else "/") + unit_id.hex + "/"
        session.add(
            OrgUnit(
                id=unit_id,
                kind=kind.value,
                code=code,
                name=name,
                parent_id=ids[parent] if parent else None,
                path=paths[code],
            )
        )
        ids[code] = unit_id
    session.commit()
    return ids


def _seed_catalog(session: Session) -> None:
    """The default decision catalog (DOMAIN.md §2.1) is installed by migration; nothing to add."""
