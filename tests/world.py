"""The standard test world, built straight into the database (fast): the org layout of the
contract smoke tests plus one user per role, and bearer headers for each.

    S1 东明路街道 ─ A1 第一片区 ─ C1 金色雅筑 ─ G1 (grid)
                 │            └ C2 凌兆新村
                 ├ D1 房管办, D2 城管中队, D3 派出所 (departments)
    S2 彭浦新村街道 ─ C3 彭五
"""

import uuid
from dataclasses import dataclass, field

from governance_api.db import Database
from governance_api.models.integration import IntegrationClient
from governance_api.models.org import OrgUnit, RoleAssignment, User
from governance_api.roles import OrgKind, Role
from governance_api.security import hash_password
from governance_api.settings import Settings
from governance_api.tokens import issue

PASSWORD = "World-pass-1234"
_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose

LAYOUT = [
    ("S1", OrgKind.street, None, "东明路街道"),
    ("A1", OrgKind.area, "S1", "第一片区"),
    ("C1", OrgKind.community, "A1", "金色雅筑居民区"),
    ("C2", OrgKind.community, "A1", "凌兆新村居民区"),
    ("G1", OrgKind.grid, "C1", "金色雅筑1号微网格"),
    ("D1", OrgKind.department, "S1", "房管办"),
    ("D2", OrgKind.department, "S1", "城管中队"),
    ("D3", OrgKind.department, "S1", "派出所"),
    ("S2", OrgKind.street, None, "彭浦新村街道"),
    ("C3", OrgKind.community, "S2", "彭五居民区"),
]

USERS = [
    ("admin", Role.admin, "S1"),
    ("jo", Role.judicial_officer, "S1"),
    ("jo2", Role.judicial_officer, "S2"),
    ("lic", Role.leader_in_charge, "S1"),
    ("rol", Role.rule_of_law_leader, "S1"),
    ("pls", Role.political_legal_secretary, "S1"),
    ("ll1", Role.liaison_leader, "C1"),
    ("do1", Role.department_officer, "D1"),
    ("do2", Role.department_officer, "D2"),
    ("do3", Role.department_officer, "D3"),
    ("sec1", Role.community_secretary, "C1"),
    ("sec2", Role.community_secretary, "C2"),
    ("sec3", Role.community_secretary, "C3"),
    ("staff1", Role.community_staff, "C1"),
    ("staff2", Role.community_staff, "C2"),
    ("la1", Role.legal_adviser, "C1"),
    ("med1", Role.mediator, "C1"),
    ("smed", Role.mediator, "S1"),
    ("pol1", Role.community_police, "C1"),
    ("oc1", Role.owners_committee, "C1"),
    ("pm1", Role.property_manager, "C1"),
    ("gw1", Role.grid_worker, "G1"),
    ("res1", Role.resident, "C1"),
    ("ic", Role.integration_client, "S1"),
]


@dataclass
class World:
    db: Database
    settings: Settings
    units: dict[str, uuid.UUID] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    users: dict[str, uuid.UUID] = field(default_factory=dict)

    def h(self, name: str) -> dict[str, str]:
        """Authorization header for user ``name``."""
        return {"Authorization": f"Bearer {issue(self.users[name], self.settings).access_token}"}

    def add_unit(self, key: str, kind: OrgKind, parent: str | None, name: str | None = None) -> uuid.UUID:
        unit_id = uuid.uuid4()
        self.paths[key] = (self.paths[parent] if parent else "/") + unit_id.hex + "/"
        with self.db.transaction() as s:
            s.add(
                OrgUnit(
                    id=unit_id,
                    kind=kind.value,
                    code=f"{key.lower()}-{unit_id.hex[:6]}",
                    name=name or key,
                    parent_id=self.units[parent] if parent else None,
                    path=self.paths[key],
                )
            )
        self.units[key] = unit_id
        return unit_id

    def add_user(self, name: str, *grants: tuple[Role, str]) -> uuid.UUID:
        """A user holding each (role, unit key) of ``grants``; password ``PASSWORD``."""
        with self.db.transaction() as s:
            user = User(
                username=name,
                password_hash=_HASH,
                display_name=name,
                phone="13800000000",
                assignments=[RoleAssignment(role=r.value, org_unit_id=self.units[u]) for r, u in grants],
            )
            s.add(user)
            s.flush()
            self.users[name] = user.id
        return self.users[name]


    def bind_channel(self, name: str, channel: str) -> None:
        """Bind integration client ``name`` to the feed channel it relays (DOMAIN §6)."""
        with self.db.transaction() as s:
            s.add(IntegrationClient(user_id=self.users[name], channel=channel))


def build_world(db: Database, settings: Settings) -> World:
    w = World(db=db, settings=settings)
    for key, kind, parent, name in LAYOUT:
        w.add_unit(key, kind, parent, name)
    for name, role, unit in USERS:
        w.add_user(name, (role, unit))
    w.bind_channel("ic", "yiwangtongguan")
    return w
