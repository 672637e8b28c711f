import pytest
from fastapi.testclient import TestClient

from disputes.factories import Disputes
from world import World


@pytest.fixture
def d(client: TestClient, world: World) -> Disputes:
    return Disputes(client, world)
