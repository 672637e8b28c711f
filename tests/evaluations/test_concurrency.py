"""Races against a real server: one community's evaluation of a year is opened once; the other
requests see 409 ``duplicate`` (never a 500 from the unique constraint) and nothing else is written."""

from fastapi.testclient import TestClient

from decisions.test_concurrency import RACERS, race
from evaluations.factories import API, YEAR
from world import World


def test_one_evaluation_per_community_and_year(client: TestClient, world: World, live_server: str) -> None:
    body = {"community_id": str(world.units["C1"]), "year": YEAR}
    codes = race(live_server, world.h("sec1"), f"{API}/evaluations", body)
    assert sorted(codes) == [201] + [409] * (RACERS - 1), codes
    listed = client.get(f"{API}/evaluations", headers=world.h("jo")).json()["items"]
    assert len(listed) == 1
