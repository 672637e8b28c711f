"""The Alembic tree and the ORM models agree (autogenerate finds nothing to do), on SQLite and
PostgreSQL, and the tree goes down to base and up again."""

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, create_engine, inspect

from governance_api.migrate import alembic_config, upgrade
from governance_api.models import Base
from governance_api.settings import Settings


def _diff(settings: Settings) -> list[Any]:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(ctx, Base.metadata))
    finally:
        engine.dispose()


def _tables(settings: Settings) -> set[str]:
    engine = create_engine(settings.database_url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _head(settings: Settings) -> str | None:
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def test_migrations_match_the_models(settings: Settings, dialect: str) -> None:
    assert create_engine(settings.database_url).dialect.name == dialect
    assert _diff(settings) == []


def test_database_is_at_the_single_head(settings: Settings) -> None:
    heads = ScriptDirectory.from_config(alembic_config(settings)).get_heads()
    assert len(heads) == 1, f"the migration tree has branched: {heads}"
    assert _head(settings) == heads[0]


def test_downgrade_to_base_and_upgrade_again(settings: Settings) -> None:
    expected = set(Base.metadata.tables)
    assert _tables(settings) == expected
    command.downgrade(alembic_config(settings), "base")
    assert _tables(settings) == set()
    upgrade(settings)
    assert _tables(settings) == expected
    assert _diff(settings) == []


def test_the_comparison_does_see_drift(settings: Settings) -> None:
    """The control: a model column the migrations lack, or a changed type, shows up in the diff."""
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["org_units"].append_column(Column("nickname", String(20)))
    drifted.tables["users"].c.display_name.type = String(300)
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, drifted)
    finally:
        engine.dispose()
    kinds = {d[0] if isinstance(d, tuple) else d[0][0] for d in diff}
    assert kinds == {"add_column", "modify_type"}, diff
