"""Access logs carry no personal data; every response carries a request id."""

import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from foundation.conftest import Shared
from governance_api.db import Database
from world import World

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"


def test_access_log_has_no_personal_data(client: TestClient, world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="governance_api")
    body = {
        "username": "privacy",
        "password": "Secret-pass-1",
        "display_name": f"张三 {ID_NUMBER}",
        "phone": PHONE,
    }
    r = client.post(f"/api/v1/users?phone={PHONE}&id_number={ID_NUMBER}", json=body, headers=world.h("admin"))
    assert r.status_code == 201, r.text
    bad = client.post(f"/api/v1/users?q={PHONE}", json=body | {"phone": f"x{PHONE}"}, headers=world.h("admin"))
    assert bad.status_code == 422
    client.get(f"/api/v1/org-units?q={ID_NUMBER}", headers=world.h("admin"))
    access = [rec for rec in caplog.records if rec.name == "governance_api.access"]
    assert len(access) == 3, [rec.getMessage() for rec in caplog.records]
    assert access[0].getMessage().startswith("POST /api/v1/users 201 ")
    assert access[1].getMessage().startswith("POST /api/v1/users 422 ")
    for rec in caplog.records:
        text = rec.getMessage() + repr(rec.args)
        assert PHONE not in text and ID_NUMBER not in text and "Secret-pass-1" not in text, text
        assert "?" not in rec.getMessage(), "query strings stay out of logs"


def test_tracking_codes_stay_out_of_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="governance_api")
    client.get("/api/v1/public/disputes/JF-SECRET-CODE-42")
    messages = [rec.getMessage() for rec in caplog.records if rec.name == "governance_api.access"]
    assert messages and all("JF-SECRET-CODE-42" not in m for m in messages)
    assert "/api/v1/public/disputes/{tracking_code}" in messages[0]


def test_crash_log_keeps_tracking_codes_out(caplog: pytest.LogCaptureFixture) -> None:
    from governance_api.core.problems import loggable_path

    assert loggable_path("/api/v1/public/disputes/K3J7Q2M9X4B6T8VW") == "/api/v1/public/disputes/{tracking_code}"
    assert loggable_path("/api/v1/disputes/abc") == "/api/v1/disputes/abc"


def test_request_id_is_echoed(client: TestClient) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": "abc-123_x.y"})
    assert r.headers["X-Request-ID"] == "abc-123_x.y"


def test_request_id_is_generated_when_absent(client: TestClient) -> None:
    first, second = client.get("/healthz"), client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


@pytest.mark.parametrize("unsafe", ["has space", "<script>", "a" * 65, "semi;colon", 'quote"d', "é"])
def test_unsafe_request_id_is_replaced(shared: Shared, unsafe: str) -> None:
    r = shared.client.get("/healthz", headers={"X-Request-ID": unsafe.encode("latin-1")})
    assert r.headers["X-Request-ID"] != unsafe
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["X-Request-ID"])


def test_problem_responses_carry_the_request_id(client: TestClient) -> None:
    r = client.get("/api/v1/me", headers={"X-Request-ID": "trace-1"})
    assert r.status_code == 401 and r.headers["X-Request-ID"] == "trace-1"


def test_sql_parameters_never_reach_logs_or_errors(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    """Echoing SQL (an operator turning on sqlalchemy logging) must not print personal data."""
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    db.engine.echo = True
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT :phone AS p"), {"phone": "13812345678"})
    finally:
        db.engine.echo = False
    assert "SELECT" in caplog.text and "13812345678" not in caplog.text
