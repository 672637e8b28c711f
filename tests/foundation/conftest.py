"""Fixtures of the foundation tests."""

import pytest

from foundation.widget import Widget
from governance_api.db import Database


@pytest.fixture
def widget_table(db: Database) -> None:
    """The test-only aggregate's table, in this test's fresh database."""
    Widget.__table__.create(db.engine)
