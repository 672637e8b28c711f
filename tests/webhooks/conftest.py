"""``shared``: one migrated database, world and client per test module, for the many cases that only
read, are refused, or make their own subscriptions (a fresh PostgreSQL database per case would cost a
CREATE DATABASE each)."""

from collections.abc import Iterator

import pytest

from conftest import Shared, TemplateDatabases, shared_database


@pytest.fixture(scope="module")
def shared(templates: TemplateDatabases) -> Iterator[Shared]:
    with shared_database(templates) as s:
        yield s
