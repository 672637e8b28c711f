"""Alembic driven from the package: the migration tree ships inside the wheel."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from governance_api.settings import Settings


def migrations_dir() -> Path:
    packaged = Path(__file__).parent / "migrations"  # installed wheel
    return packaged if packaged.is_dir() else Path(__file__).parents[2] / "migrations"  # source checkout


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    command.upgrade(alembic_config(settings), revision)
