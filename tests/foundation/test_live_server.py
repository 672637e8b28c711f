import httpx

from world import World


def test_live_server_answers(live_server: str, world: World) -> None:
    r = httpx.get(f"{live_server}/api/v1/me", headers=world.h("jo"), timeout=10)
    assert r.status_code == 200
    assert r.json()["username"] == "jo"
