"""Engines and sessions for SQLite (embedded default) and PostgreSQL (deployment).

SQLite is made safe for concurrent writers: WAL, a busy timeout, foreign keys on, and every write
transaction opened with ``BEGIN IMMEDIATE`` so two writers can never both read-then-write past a check.
PostgreSQL write paths lock the aggregate with ``SELECT … FOR UPDATE`` instead (see ``core.transitions``).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from governance_api.settings import Settings

_BEGIN_OPTION = "sqlite_begin"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def build_engine(settings: Settings) -> Engine:
    if settings.is_sqlite:
        engine = create_engine(
            settings.database_url,
            connect_args={"check_same_thread": False, "timeout": 15},
            hide_parameters=True,  # SQL logging must never show personal data
        )
        _configure_sqlite(engine)
        return engine
    # No pre-ping: it costs a round trip on every checkout. A connection the server dropped fails
    # its request once (503 with Retry-After, core.problems) and SQLAlchemy then discards the pool's
    # connections; pool_recycle retires connections before server or NAT idle timeouts cut them.
    return create_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_timeout=settings.db_pool_timeout_seconds,
        pool_recycle=1800,
        hide_parameters=True,
    )


class Database:
    """Holds the engine and two session factories: reads, and writes (which on SQLite take the
    write lock at BEGIN). A read session has no transaction on PostgreSQL, so it writes nothing that
    needs one: only a lone audit row once its reads are over (``disputes.service.get_dispute``)."""

    def __init__(self, settings: Settings) -> None:
        self.engine = build_engine(settings)
        write_engine = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        # Reads on PostgreSQL run without BEGIN / COMMIT: under READ COMMITTED each statement takes
        # its own snapshot inside a transaction too, so the round trips bought nothing.
        read_engine = self.engine if settings.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._read = sessionmaker(bind=read_engine, expire_on_commit=False, autoflush=False)
        self._write = sessionmaker(bind=write_engine, expire_on_commit=False, autoflush=False)

    def session(self, *, write: bool) -> Session:
        return (self._write if write else self._read)()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction outside a request (CLI, seeding): commit on success, else roll back."""
        with self.session(write=True) as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
