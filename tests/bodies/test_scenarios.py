"""Seed 000 §四(一)/§五 and DOMAIN.md §4.1: a community's 依法治理工作小组 led by its party secretary,
with the 居委会主任, 业委会主任 and 物业公司负责人 as named people and the 法律顾问 as a user, one of
them leaving later; the street's 依法治理工作专班, seated in the 司法所 and led by the
political-legal secretary, with the department heads."""

from fastapi.testclient import TestClient

from bodies.factories import GROUP, TASK_FORCE, add, create_body, end, group, history, member, read, task_force
from buildings.factories import API, ok, problem
from world import World


def test_a_communitys_governance_group(client: TestClient, world: World) -> None:
    g = group(client, world)
    assert (g["kind"], g["org_unit_id"], g["state"], g["version"], g["members"]) == (
        GROUP,
        str(world.units["C1"]),
        "active",
        1,
        [],
    )
    assert g["allowed_activities"] == ["add_member"]  # no member to end yet
    # 组长: the secretary as a user; the name defaults to the user's.
    leader = ok(
        add(
            client,
            world,
            g["id"],
            {"user_id": str(world.users["sec1"]), "position": "leader", "duty": "全面负责", "from_date": "2026-01-01"},
        ),
        201,
    )
    assert (leader["name"], leader["user_id"], leader["position"], leader["current"]) == (
        "sec1",
        str(world.users["sec1"]),
        "leader",
        True,
    )
    assert leader["body_version"] == 2
    director = ok(
        add(client, world, g["id"], member("李秀英", organisation="金色雅筑居委会", duty="居委会主任, 日常协调")), 201
    )
    owners = ok(
        add(client, world, g["id"], member("王建国", organisation="金色雅筑业主委员会", duty="业委会主任")), 201
    )
    manager = ok(
        add(client, world, g["id"], member("赵强", organisation="上海某物业管理有限公司", duty="物业公司负责人")), 201
    )
    adviser = ok(
        add(
            client,
            world,
            g["id"],
            {
                "user_id": str(world.users["la1"]),
                "name": "陈律师",
                "organisation": "某律师事务所",
                "position": "member",
                "duty": "法律顾问, 提供法律意见",
                "from_date": "2026-02-01",
            },
        ),
        201,
    )
    assert adviser["name"] == "陈律师"  # a name given for a user is kept

    # The property company changes: its manager leaves the group, and the record stays.
    ended = ok(end(client, world, g["id"], manager["id"], {"to_date": "2026-06-30", "reason": "物业公司更换"}))
    assert (ended["to_date"], ended["ended"], ended["current"], ended["end_reason"]) == (
        "2026-06-30",
        True,
        False,
        "物业公司更换",
    )
    assert ended["ended_by_id"] == str(world.users["sec1"])

    body = read(client, world, g["id"], who="sec1")
    assert body["version"] == 7
    assert [m["id"] for m in body["members"]] == [
        leader["id"],
        director["id"],
        owners["id"],
        manager["id"],
        adviser["id"],
    ]
    assert [m["name"] for m in body["members"] if m["current"]] == ["sec1", "李秀英", "王建国", "陈律师"]
    members = ok(client.get(f"{API}/working-bodies/{g['id']}/members", headers=world.h("la1")))
    assert members["items"] == body["members"] and members["next_cursor"] is None
    steps = [(h["action"], h["comment"]) for h in history(client, world, g["id"])]
    assert steps == [
        ("create", None),
        ("add_member", "sec1: 组长"),
        ("add_member", "李秀英: 组员"),
        ("add_member", "王建国: 组员"),
        ("add_member", "赵强: 组员"),
        ("add_member", "陈律师: 组员"),
        ("end_member", "赵强: 物业公司更换"),
    ]
    # One group per community.
    again = problem(create_body(client, world, GROUP, "C1", "sec1"), 409, "duplicate")
    assert again["existing_id"] == g["id"]
    # The secretary of C2 sets up C2's own.
    ok(create_body(client, world, GROUP, "C2", "sec2"), 201)


def test_the_streets_task_force(client: TestClient, world: World) -> None:
    tf = task_force(client, world)
    assert (tf["kind"], tf["org_unit_id"]) == (TASK_FORCE, str(world.units["S1"]))
    ok(
        add(
            client,
            world,
            tf["id"],
            {"user_id": str(world.users["pls"]), "position": "leader", "duty": "专班组长", "from_date": "2026-01-01"},
            who="pls",
        ),
        201,
    )
    for name, org in (("孙明", "房管办"), ("周涛", "城管中队"), ("吴刚", "派出所")):
        ok(add(client, world, tf["id"], member(name, organisation=org, duty=f"{org}负责人"), who="jo"), 201)
    ok(
        add(
            client,
            world,
            tf["id"],
            {
                "user_id": str(world.users["sec1"]),
                "organisation": "金色雅筑居民区党总支",
                "position": "member",
                "duty": "居民区党组织负责人",
                "from_date": "2026-01-01",
            },
            who="jo",
        ),
        201,
    )
    body = read(client, world, tf["id"], who="smed")
    assert [(m["name"], m["organisation"]) for m in body["members"]][:2] == [("pls", None), ("孙明", "房管办")]
    assert len(body["members"]) == 5 and body["version"] == 6
    # One task force per street, whoever asks.
    assert problem(create_body(client, world, TASK_FORCE, "S1", "jo"), 409, "duplicate")["existing_id"] == tf["id"]
    # The task force sits on the street: a community secretary on it sees it only by scope — not at all.
    problem(client.get(f"{API}/working-bodies/{tf['id']}", headers=world.h("sec1")), 404, "not_found")


def test_one_leader_and_one_seat_per_user_at_a_time(client: TestClient, world: World) -> None:
    g = group(client, world)
    first = ok(add(client, world, g["id"], member("甲", "leader")), 201)
    dup = problem(add(client, world, g["id"], member("乙", "leader", from_date="2026-03-01")), 409, "duplicate")
    assert dup["existing_id"] == first["id"]
    # The leader hands over: ended on the last day, the next one starts the day after.
    ok(end(client, world, g["id"], first["id"], {"to_date": "2026-02-28"}))
    ok(add(client, world, g["id"], member("乙", "leader", from_date="2026-03-01")), 201)
    la = {
        "user_id": str(world.users["la1"]),
        "position": "member",
        "duty": "法律顾问",
        "from_date": "2026-01-01",
        "to_date": "2026-12-31",
    }
    seat = ok(add(client, world, g["id"], la), 201)
    assert (
        problem(add(client, world, g["id"], la | {"from_date": "2026-06-01", "to_date": None}), 409, "duplicate")[
            "existing_id"
        ]
        == seat["id"]
    )
    ok(add(client, world, g["id"], la | {"from_date": "2027-01-01", "to_date": None}), 201)  # the next term
    assert len(read(client, world, g["id"])["members"]) == 4


def test_the_list_filters(client: TestClient, world: World) -> None:
    g1 = group(client, world)
    g2 = group(client, world, "C2", "sec2")
    tf = task_force(client, world)
    g3 = group(client, world, "C3", "sec3")

    def ids(who: str = "admin", **params: str) -> list[str]:
        return [b["id"] for b in ok(client.get(f"{API}/working-bodies", params=params, headers=world.h(who)))["items"]]

    assert ids() == [g3["id"], tf["id"], g2["id"], g1["id"]]
    assert ids(kind=GROUP) == [g3["id"], g2["id"], g1["id"]]
    assert ids(kind=TASK_FORCE) == [tf["id"]]
    assert ids(org_unit_id=str(world.units["S1"])) == [tf["id"], g2["id"], g1["id"]]  # the street's subtree
    assert ids(org_unit_id=str(world.units["C1"])) == [g1["id"]]
    assert ids(org_unit_id="00000000-0000-4000-8000-000000000000") == []
    assert ids("jo") == [tf["id"], g2["id"], g1["id"]]
    assert ids("sec1") == [g1["id"]]
    first = ok(client.get(f"{API}/working-bodies", params={"limit": 2}, headers=world.h("admin")))
    rest = ok(
        client.get(
            f"{API}/working-bodies", params={"limit": 2, "cursor": first["next_cursor"]}, headers=world.h("admin")
        )
    )
    assert [b["id"] for b in first["items"] + rest["items"]] == ids() and rest["next_cursor"] is None
    problem(client.get(f"{API}/working-bodies", params={"kind": "committee"}, headers=world.h("admin")), 422)
