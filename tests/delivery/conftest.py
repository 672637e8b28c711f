from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from delivery.support import Receiver
from disputes.factories import Disputes
from world import World


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def d(client: TestClient, world: World) -> Disputes:
    return Disputes(client, world)
