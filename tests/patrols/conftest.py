import pytest
from fastapi.testclient import TestClient

from patrols.factories import Patrols, extend
from world import World


@pytest.fixture
def p(client: TestClient, world: World) -> Patrols:
    extend(world)
    return Patrols(client, world)
