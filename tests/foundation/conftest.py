"""Fixtures of the foundation tests.

``shared`` is one migrated database, world and client per test module, for the many parametrized
cases that only read or are refused (bad tokens, bad bodies, forged cursors): a fresh PostgreSQL
database per case would cost a CREATE DATABASE each. Such tests must leave the data as they found
it, and assert so (row counts before and after). A module whose tests may all share it points the
fixtures it needs at it with ``shared_fixtures``.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from conftest import Shared, TemplateDatabases, shared_database
from foundation.widget import create_tables
from governance_api.db import Database


@pytest.fixture
def widget_table(db: Database) -> None:
    """The test-only aggregate's tables, in this test's fresh database."""
    create_tables(db.engine)


@pytest.fixture(scope="module")
def shared(templates: TemplateDatabases) -> Iterator[Shared]:
    with shared_database(templates) as s:
        yield s


@pytest.fixture(scope="module")
def shared_widgets(shared: Shared) -> Shared:
    """``shared`` with the test-only aggregate's tables: tests each make their own widgets."""
    create_tables(shared.db.engine)
    return shared


def shared_fixtures(source: str, *names: str) -> tuple[Any, ...]:
    """Fixtures named ``names`` (``settings``, ``db``, ``world``, ``client``) that answer the attribute of
    that name of the module-shared ``source`` (``shared`` or ``shared_widgets``), in place of the
    fresh database each test gets from the root conftest. A module assigns them at its top level,
    ``db, world = shared_fixtures("shared_widgets", "db", "world")``: pytest finds a fixture under its
    name wherever the module holds it, and an assignment, unlike an import, does not clash with the
    test arguments of the same name."""
    return tuple(_from_shared(source, name) for name in names)


def _from_shared(source: str, name: str) -> Any:
    @pytest.fixture(name=name)
    def fixture(request: pytest.FixtureRequest) -> Any:
        return getattr(request.getfixturevalue(source), name)

    return fixture
