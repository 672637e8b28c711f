"""Liveness and readiness probes."""

import pytest
from fastapi.testclient import TestClient

from governance_api.app import create_app
from governance_api.settings import Settings


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_with_the_database_up(client: TestClient) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "url",
    ["sqlite:////nonexistent-dir/for/sure/governance.db", "postgresql+psycopg://nobody@127.0.0.1:1/nothing"],
    ids=["sqlite-unopenable", "postgresql-refused"],
)
def test_readyz_with_the_database_down(settings: Settings, url: str) -> None:
    broken = settings.model_copy(update={"database_url": url})
    with TestClient(create_app(broken), raise_server_exceptions=False) as c:
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json() == {"status": "unavailable"}
        assert c.get("/healthz").status_code == 200  # the process itself is fine
