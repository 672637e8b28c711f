"""The demo street's org tree and its people, written straight into the database: org units and
users are the ground the records stand on, not records a client creates through the API.

    东明路街道 (demo-street)
    ├ 第一片区: 金色雅筑 (demo-c-jinse), 东明苑, 永泰花苑      each with two 微网格 (demo-g-<key>-1/2)
    ├ 第二片区: 凌兆新村 (demo-c-lingzhao), 华夏一村
    └ 房管办 (demo-d-housing), 司法所 (demo-d-judicial), 城管中队, 派出所, 市场监管所

Usernames: ``demo_<role>`` for one holder of every role (the community roles in 金色雅筑, as the
README walk-throughs expect), ``demo_<role>_<community>`` in the other communities,
``demo_department_officer_<department>``, ``demo_grid_worker_<community>_<n>``, and
``demo_mediator_street`` (a street-scoped mediator of the 红梅调解工作室). One password for all.
"""

import uuid
from dataclasses import dataclass

from governance_api.db import Database
from governance_api.models.integration import IntegrationClient
from governance_api.models.org import OrgUnit, RoleAssignment, User
from governance_api.roles import OrgKind, Role
from governance_api.security import hash_password

DEMO_PASSWORD = "Demo-pass-2026"
DEMO_FEED_CHANNEL = "yiwangtongguan"  # demo_integration_client's channel
STREET = "demo-street"
HOME = "jinse"  # the community where the plain demo_<role> users hold their community roles

# role → the unit code it is held on, for the plain ``demo_<role>`` users
DEMO_USERS: dict[Role, str] = {
    Role.admin: STREET,
    Role.judicial_officer: STREET,
    Role.leader_in_charge: STREET,
    Role.rule_of_law_leader: STREET,
    Role.political_legal_secretary: STREET,
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
    Role.integration_client: STREET,
}

# The roles every community has its own holder of, in the order of ``Community.people``.
LOCAL_ROLES = (
    Role.community_secretary,
    Role.community_staff,
    Role.legal_adviser,
    Role.mediator,
    Role.community_police,
    Role.liaison_leader,
)
LOCAL_TITLES = {
    Role.community_secretary: "书记",
    Role.community_staff: "居委会",
    Role.legal_adviser: "法律顾问",
    Role.mediator: "老娘舅",
    Role.community_police: "社区民警",
    Role.liaison_leader: "包联领导",
}


@dataclass(frozen=True)
class Community:
    key: str
    name: str
    area: str
    people: tuple[str, ...]  # one name per LOCAL_ROLES entry
    grid_workers: tuple[str, str]

    @property
    def code(self) -> str:
        return community_code(self.key)

    @property
    def short(self) -> str:
        return self.name.removesuffix("居民区")


COMMUNITIES = (
    Community(
        "jinse",
        "金色雅筑居民区",
        "demo-area-1",
        ("张丽萍", "刘晓燕", "吴志远", "钱福根", "黄磊", "孙建华"),
        ("何静", "潘志刚"),
    ),
    Community(
        "dongming",
        "东明苑居民区",
        "demo-area-1",
        ("陈红", "林佳", "蒋文杰", "沈金宝", "韩冬", "杨帆"),
        ("朱莉", "许强"),
    ),
    Community(
        "yongtai",
        "永泰花苑居民区",
        "demo-area-1",
        ("徐美华", "胡敏", "宋雅琴", "顾阿福", "袁凯", "邓宏伟"),
        ("卢娟", "彭涛"),
    ),
    Community(
        "lingzhao",
        "凌兆新村居民区",
        "demo-area-2",
        ("吕玉兰", "丁思远", "魏宁", "严国荣", "施磊", "姚建平"),
        ("范丽", "方浩"),
    ),
    Community(
        "huaxia",
        "华夏一村居民区",
        "demo-area-2",
        ("谭秀珍", "苏婷", "唐俊", "陆根娣", "廖勇", "田文斌"),
        ("石慧", "贺磊"),
    ),
)

# key, name, officer (the 房管办's officer is the plain demo_department_officer)
DEPARTMENTS = (
    ("housing", "房管办", "周明"),
    ("judicial", "司法所", "谢婷"),
    ("chengguan", "城管中队", "马骏"),
    ("police", "派出所", "蔡峰"),
    ("market", "市场监管所", "罗敏"),
)

# display names of the plain demo_<role> users outside the community roles
ROLE_NAMES = {
    Role.admin: "系统管理员",
    Role.judicial_officer: "陈立新(司法所)",
    Role.leader_in_charge: "王海峰(街道分管领导)",
    Role.rule_of_law_leader: "李文静(分管法治工作的街道领导)",
    Role.political_legal_secretary: "赵国强(分管政法工作的副书记)",
    Role.department_officer: "周明(房管办)",
    Role.owners_committee: "郑伟(金色雅筑业委会)",
    Role.property_manager: "冯强(金色雅筑物业)",
    Role.grid_worker: "何静(金色雅筑1号微网格)",
    Role.resident: "王秀英",
    Role.integration_client: "一网统管平台",
}


@dataclass(frozen=True)
class Unit:
    code: str
    kind: OrgKind
    parent: str | None
    name: str


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    grants: tuple[tuple[Role, str], ...]  # (role, unit code)


def community_code(key: str) -> str:
    return f"demo-c-{key}"


def grid_code(key: str, n: int) -> str:
    return f"demo-g-{key}-{n}"


def department_code(key: str) -> str:
    return f"demo-d-{key}"


def local(role: Role, community: str) -> str:
    """The username holding ``role`` in ``community`` (a key such as ``lingzhao``)."""
    return f"demo_{role.value}" if community == HOME else f"demo_{role.value}_{community}"


def grid_worker(community: str, n: int = 1) -> str:
    return "demo_grid_worker" if (community, n) == (HOME, 1) else f"demo_grid_worker_{community}_{n}"


def department_officer(key: str) -> str:
    return "demo_department_officer" if key == "housing" else f"demo_department_officer_{key}"


def _units() -> list[Unit]:
    units = [
        Unit(STREET, OrgKind.street, None, "东明路街道"),
        Unit("demo-area-1", OrgKind.area, STREET, "第一片区"),
        Unit("demo-area-2", OrgKind.area, STREET, "第二片区"),
    ]
    for c in COMMUNITIES:
        units.append(Unit(c.code, OrgKind.community, c.area, c.name))
        units += [Unit(grid_code(c.key, n), OrgKind.grid, c.code, f"{c.short}{n}号微网格") for n in (1, 2)]
    units += [Unit(department_code(key), OrgKind.department, STREET, name) for key, name, _ in DEPARTMENTS]
    return units


def _role_people() -> list[Person]:
    """The plain demo_<role> users; the community roles of 金色雅筑 take its people's names."""
    home = next(c for c in COMMUNITIES if c.key == HOME)
    names = dict(ROLE_NAMES)
    names |= {r: f"{n}({home.short}{LOCAL_TITLES[r]})" for r, n in zip(LOCAL_ROLES, home.people, strict=True)}
    return [Person(f"demo_{role.value}", names[role], ((role, unit),)) for role, unit in DEMO_USERS.items()]


def _community_people(c: Community) -> list[Person]:
    people = [
        Person(local(r, c.key), f"{n}({c.short}{LOCAL_TITLES[r]})", ((r, c.code),))
        for r, n in zip(LOCAL_ROLES, c.people, strict=True)
        if c.key != HOME
    ]
    for n, name in enumerate(c.grid_workers, start=1):
        if (c.key, n) != (HOME, 1):
            grid = grid_code(c.key, n)
            people.append(Person(grid_worker(c.key, n), f"{name}({c.short}{n}号微网格)", ((Role.grid_worker, grid),)))
    return people


def _people() -> list[Person]:
    people = _role_people()
    for c in COMMUNITIES:
        people += _community_people(c)
    people += [
        Person(department_officer(key), f"{officer}({name})", ((Role.department_officer, department_code(key)),))
        for key, name, officer in DEPARTMENTS
        if key != "housing"
    ]
    people += [
        Person("demo_mediator_street", "曹红梅(红梅调解工作室)", ((Role.mediator, STREET),)),
        Person(
            "demo_owners_committee_lingzhao", "高建国(凌兆新村业委会)", ((Role.owners_committee, "demo-c-lingzhao"),)
        ),
    ]
    return people


DEMO_UNITS = _units()
DEMO_PEOPLE = _people()


@dataclass(frozen=True)
class DemoWorld:
    """Ids of what ``build_world`` made, by unit code and by username (as strings, for JSON bodies)."""

    units: dict[str, str]
    users: dict[str, str]

    def unit(self, code: str) -> str:
        return self.units[code]

    def user(self, username: str) -> str:
        return self.users[username]

    def holder(self, role: str, unit_id: str) -> str:
        """The demo user holding ``role`` on exactly the unit ``unit_id`` (whom a filing goes to)."""
        code = next((c for c, i in self.units.items() if i == unit_id), None)
        holder = next((p.username for p in DEMO_PEOPLE if (Role(role), code) in p.grants), None)
        if holder is None:
            raise LookupError(f"no demo user holds {role} on unit {code or unit_id}")
        return holder


def build_world(db: Database) -> DemoWorld:
    """Every demo unit and user in one transaction. One argon2 hash serves every user: hashing is
    slow on purpose, and they all share the password anyway."""
    password_hash = hash_password(DEMO_PASSWORD)
    units: dict[str, uuid.UUID] = {}
    with db.transaction() as session:
        paths: dict[str, str] = {}
        for u in DEMO_UNITS:
            unit_id = uuid.uuid4()
            paths[u.code] = (paths[u.parent] if u.parent else "/") + unit_id.hex + "/"
            parent_id = units[u.parent] if u.parent else None
            session.add(
                OrgUnit(
                    id=unit_id, kind=u.kind.value, code=u.code, name=u.name, parent_id=parent_id, path=paths[u.code]
                )
            )
            units[u.code] = unit_id
        session.flush()
        users = {p.username: _user_of(p, password_hash, units) for p in DEMO_PEOPLE}
        for user in users.values():
            session.add(user)
        session.flush()
        # The 一网统管 feed relays one channel (DOMAIN §6): its binding is part of the account.
        client = users[f"demo_{Role.integration_client.value}"]
        session.add(IntegrationClient(user_id=client.id, channel=DEMO_FEED_CHANNEL))
        user_ids = {name: str(user.id) for name, user in users.items()}
    return DemoWorld(units={code: str(i) for code, i in units.items()}, users=user_ids)


def _user_of(p: Person, password_hash: str, units: dict[str, uuid.UUID]) -> User:
    return User(
        username=p.username,
        password_hash=password_hash,
        display_name=p.display_name,
        phone=None,
        assignments=[RoleAssignment(role=role.value, org_unit_id=units[code]) for role, code in p.grants],
    )
