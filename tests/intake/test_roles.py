"""Who may do what on every intake endpoint: each user of the test world, and no token at all."""

from fastapi.testclient import TestClient

from intake.factories import URL, item, post
from world import USERS, World

MAP = "/api/v1/intake/sources/yiwangtongguan/category-map"
ENTRIES = {"entries": [{"source_code": "0301", "category": "renovation_noise"}]}
EVERYONE = [name for name, _, _ in USERS]


def test_only_a_bound_feed_posts_work_orders(client: TestClient, world: World) -> None:
    for name in EVERYONE:
        r = post(client, world, [item(world, f"R-{name}")], user=name)
        assert r.status_code == (200 if name == "ic" else 403), (name, r.text)
    assert client.post(URL, json={"items": [item(world, "R-x")]}).status_code == 401
    from governance_api.roles import Role

    world.add_user("ic_unbound", (Role.integration_client, "S1"))
    r = post(client, world, [item(world, "R-u")], user="ic_unbound")
    assert r.status_code == 403 and "not bound to a channel" in r.json()["detail"]


def test_the_sifasuo_admins_and_the_channels_feed_read_its_map(client: TestClient, world: World) -> None:
    readers = {"jo", "jo2", "admin", "ic"}
    for name in EVERYONE:
        assert client.get(MAP, headers=world.h(name)).status_code == (200 if name in readers else 403), name
    # The feed of 一网统管 does not read 110's table.
    assert client.get(MAP.replace("yiwangtongguan", "police_110"), headers=world.h("ic")).status_code == 403
    assert client.get(MAP).status_code == 401


def test_the_sifasuo_and_admins_keep_the_maps(client: TestClient, world: World) -> None:
    keepers = {"jo", "jo2", "admin"}
    for name in EVERYONE:
        r = client.put(MAP, json=ENTRIES, headers=world.h(name))
        assert r.status_code == (200 if name in keepers else 403), (name, r.text)
    # A caller without the role is refused whatever it sent (403 before the body).
    assert client.put(MAP, json={"entries": "nonsense"}, headers=world.h("ic")).status_code == 403
    assert client.put(MAP, json=ENTRIES).status_code == 401


def test_only_admins_bind_feeds(client: TestClient, world: World) -> None:
    target = f"/api/v1/intake/clients/{world.users['ic']}"
    for name in EVERYONE:
        expected = 200 if name == "admin" else 403
        assert client.get("/api/v1/intake/clients", headers=world.h(name)).status_code == expected, name
        r = client.put(target, json={"channel": "yiwangtongguan"}, headers=world.h(name))
        assert r.status_code == expected, (name, r.text)
    assert client.put(target, json={"nonsense": 1}, headers=world.h("jo")).status_code == 403
    assert client.get("/api/v1/intake/clients").status_code == 401


def test_no_such_user_is_404_and_a_person_is_not_a_feed(client: TestClient, world: World) -> None:
    import uuid

    r = client.put(f"/api/v1/intake/clients/{uuid.uuid4()}", json={"channel": "lianqin"}, headers=world.h("admin"))
    assert r.status_code == 404
    r = client.put(f"/api/v1/intake/clients/{world.users['jo']}", json={"channel": "lianqin"}, headers=world.h("admin"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "path.user_id"
