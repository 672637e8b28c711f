"""Fixtures of the foundation tests.

``shared`` is one migrated database, world and client per test module, for the many parametrized
cases that only read or are refused (bad tokens, bad bodies, forged cursors): a fresh PostgreSQL
database per case would cost a CREATE DATABASE each. Such tests must leave the data as they found
it, and assert so (row counts before and after).
"""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from conftest import TemplateDatabases, make_settings
from foundation.widget import create_tables
from governance_api.app import create_app
from governance_api.db import Database
from governance_api.settings import Settings
from world import World, build_world


@pytest.fixture
def widget_table(db: Database) -> None:
    """The test-only aggregate's tables, in this test's fresh database."""
    create_tables(db.engine)


@dataclass
class Shared:
    settings: Settings
    db: Database
    world: World
    client: TestClient


@pytest.fixture(scope="module")
def shared(templates: TemplateDatabases) -> Iterator[Shared]:
    url, name = templates.fresh()
    settings = make_settings(url)
    db = Database(settings)
    world = build_world(db, settings)
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield Shared(settings, db, world, client)
    db.dispose()
    templates.drop(name)


@pytest.fixture(scope="module")
def shared_widgets(shared: Shared) -> Shared:
    """``shared`` with the test-only aggregate's tables: tests each make their own widgets."""
    create_tables(shared.db.engine)
    return shared
