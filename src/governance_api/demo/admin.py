"""The bootstrap admin (``create-admin``): the first account of a real deployment, not demo data."""

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
