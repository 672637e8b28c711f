"""Test databases: the migrations run once into a template; every test gets its own copy (a file
copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so tests never see each other.

Set ``GOVERNANCE_TEST_POSTGRES_URL`` (a server URL with a role that may create databases, e.g.
``postgresql+psycopg://postgres@127.0.0.1:54329/postgres``) to run the suite on PostgreSQL.
"""

import itertools
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from governance_api.app import create_app
from governance_api.db import Database
from governance_api.migrate import upgrade
from governance_api.settings import Settings
from world import World, build_world

PG_URL = os.environ.get("GOVERNANCE_TEST_POSTGRES_URL")
SECRET = "test-secret-0123456789abcdef0123456789abcdef"
_counter = itertools.count()


def make_settings(database_url: str, **overrides: object) -> Settings:
    return Settings(environment="test", database_url=database_url, jwt_secret=SECRET, **overrides)  # type: ignore[arg-type]


class TemplateDatabases:
    """Creates a migrated template once and hands out fresh copies of it."""

    def __init__(self, workdir: Path) -> None:
        self.run = uuid.uuid4().hex[:8]
        self.workdir = workdir
        self.admin: Engine | None = None
        if PG_URL:
            self.admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
            self.template = f"gov_tpl_{self.run}"
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self.template}"'))
            upgrade(make_settings(self._pg(self.template)))
        else:
            self.template = str(workdir / "template.db")
            upgrade(make_settings(f"sqlite:///{self.template}"))

    def _pg(self, name: str) -> str:
        assert PG_URL
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    @property
    def dialect(self) -> str:
        return "postgresql" if PG_URL else "sqlite"

    def fresh(self) -> tuple[str, str]:
        """(url, name) of a new database with the migrated schema."""
        name = f"gov_t_{self.run}_{next(_counter)}"
        if self.admin is not None:
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
            return self._pg(name), name
        path = self.workdir / f"{name}.db"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}", name

    def drop(self, name: str) -> None:
        if self.admin is not None:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        else:
            for suffix in ("", "-wal", "-shm"):
                (self.workdir / f"{name}.db{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        if self.admin is not None:
            self.drop(self.template)
            self.admin.dispose()


@dataclass
class Shared:
    """One migrated database, world and client for a whole test module, for tests that only read, are
    refused, or make their own records (``foundation.conftest.shared``, the machine matrices)."""

    settings: Settings
    db: Database
    world: World
    client: TestClient
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def h(self, user: str) -> dict[str, str]:
        """The bearer header of ``user``, issued once per module."""
        if user not in self.tokens:
            self.tokens[user] = self.world.h(user)
        return self.tokens[user]


@contextmanager
def shared_database(templates: TemplateDatabases) -> Iterator[Shared]:
    url, name = templates.fresh()
    settings = make_settings(url)
    db = Database(settings)
    world = build_world(db, settings)
    try:
        with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
            yield Shared(settings, db, world, client)
    finally:
        db.dispose()
        templates.drop(name)


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def guard_codes_declared() -> Iterator[None]:
    """Every ``unmet`` code a guard answers is declared in its machine (and so in the contract)."""
    handler = _Errors()
    engine_log = logging.getLogger("governance_api.core.transitions")
    engine_log.addHandler(handler)
    yield
    engine_log.removeHandler(handler)
    assert not handler.messages, handler.messages


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDatabases]:
    t = TemplateDatabases(tmp_path_factory.mktemp("db"))
    yield t
    t.close()


@pytest.fixture
def settings(templates: TemplateDatabases) -> Iterator[Settings]:
    url, name = templates.fresh()
    yield make_settings(url)
    templates.drop(name)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings)
    yield database
    database.dispose()


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def world(db: Database, settings: Settings) -> World:
    return build_world(db, settings)


@pytest.fixture
def dialect(templates: TemplateDatabases) -> str:
    return templates.dialect


@pytest.fixture
def live_server(settings: Settings, db: Database) -> Iterator[str]:
    """The app served by uvicorn on a loopback port in a background thread, for tests that need real
    concurrent HTTP requests. Yields the base URL (``http://127.0.0.1:PORT``)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
