from fastapi.testclient import TestClient

from world import World


def test_me_lists_roles(client: TestClient, world: World) -> None:
    r = client.get("/api/v1/me", headers=world.h("sec1"))
    assert r.status_code == 200, r.text
    assert [x["role"] for x in r.json()["roles"]] == ["community_secretary"]
