"""The ``governance-api`` console script, run in-process against a temporary SQLite file."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Select, create_engine, func, select

from governance_api import security
from governance_api.app import create_app
from governance_api.cli import main
from governance_api.demo import DEMO_PASSWORD, DEMO_PEOPLE
from governance_api.models.org import OrgUnit, User
from governance_api.settings import get_settings


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id at its lowest cost: create-admin hashes, sign-ins verify (still argon2id)."""
    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("GOVERNANCE_DATABASE_URL", url)
    monkeypatch.setenv("GOVERNANCE_ENVIRONMENT", "development")
    monkeypatch.delenv("GOVERNANCE_JWT_SECRET", raising=False)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _count(url: str, stmt: Select[Any]) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count: int = conn.scalar(stmt) or 0
            return count
    finally:
        engine.dispose()


def _sign_in(username: str, password: str) -> int:
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        status: int = c.post("/api/v1/auth/token", data={"username": username, "password": password}).status_code
    return status


def test_db_upgrade(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["db", "upgrade"])
    assert "latest revision" in capsys.readouterr().out
    assert _count(cli_db, select(func.count()).select_from(User)) == 0
    main(["db", "upgrade"])  # again: nothing to do, no error


def test_create_admin_then_sign_in(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["create-admin", "--username", "root_admin", "--password", "Root-pass-2026"])
    assert "created admin" in capsys.readouterr().out
    assert _sign_in("root_admin", "Root-pass-2026") == 200
    assert _sign_in("root_admin", "wrong-password") == 401
    main(["create-admin", "--username", "second_admin", "--password", "Root-pass-2026"])
    # Both admins hang on the one root street the first call made.
    assert _count(cli_db, select(func.count()).select_from(OrgUnit)) == 1


def test_create_admin_twice_exits_with_a_message(cli_db: str) -> None:
    main(["create-admin", "--username", "root_admin", "--password", "Root-pass-2026"])
    with pytest.raises(SystemExit) as exited:
        main(["create-admin", "--username", "root_admin", "--password", "Root-pass-2026"])
    assert "taken" in str(exited.value.code)


def test_create_admin_with_a_weak_password_exits(cli_db: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["create-admin", "--username", "root_admin", "--password", "short"])
    assert "invalid input" in str(exited.value.code)


def test_seed_demo_is_idempotent(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["seed-demo"])
    assert "demo data created" in capsys.readouterr().out
    main(["seed-demo"])
    assert "already present" in capsys.readouterr().out
    assert _count(cli_db, select(func.count()).select_from(OrgUnit).where(OrgUnit.code == "demo-street")) == 1
    assert _count(cli_db, select(func.count()).select_from(User)) == len(DEMO_PEOPLE)
    assert _sign_in("demo_community_secretary", DEMO_PASSWORD) == 200
    assert _sign_in("demo_integration_client", DEMO_PASSWORD) == 401  # a feed: client credentials only


def test_export_openapi(cli_db: str, tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    main(["export-openapi", "--output", str(out)])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["openapi"].startswith("3.")
    assert "/api/v1/auth/token" in doc["paths"] and "/api/v1/org-units" in doc["paths"]


def test_export_openapi_to_stdout(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["export-openapi", "--output", "-"])
    assert "paths" in json.loads(capsys.readouterr().out)


def test_unknown_command_exits(cli_db: str) -> None:
    with pytest.raises(SystemExit):
        main(["explode"])
