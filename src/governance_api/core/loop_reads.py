"""Hot reads on the event loop (PostgreSQL only): one prepared statement on an async psycopg
connection, with no thread hand-off and no ORM session.

Why a second path at all: a sync route runs its SQLAlchemy session in a pool thread, and under load
the loop and the pool threads pass the GIL back and forth around every driver call. For a GET that
hand-off, with the ORM around one query, cost more than the query and the read model together
(bench/RESULTS.md, 2026-12-01 evening). A read served here keeps everything else the sync path has:

- the statement is a SQLAlchemy statement from the domain's repository (the same scope clause,
  built once per shape), compiled once for the PostgreSQL dialect;
- its bind values and result columns pass through the same column types' processors
  (``TypeEngine.bind_processor`` / ``result_processor``: ``UTCDateTime`` answers in UTC here too);
- rows become detached model instances (``detached``), so the domain's read models and permissions
  run unchanged on them.

SQLite has no such path (``LoopReads.enabled`` is false) and its callers run the sync path in the
thread pool. Each worker process opens its own pool in the app's lifespan, so instances and workers
scale out as before; ``db_pool_size`` bounds it like the sync engine's."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import psycopg
from anyio.to_thread import run_sync
from psycopg_pool import AsyncConnectionPool, PoolTimeout
from sqlalchemy import make_url
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql import Insert, Select

from governance_api.core import errors
from governance_api.db import Database
from governance_api.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
Processor = Callable[[Any], Any]
Statement = Select[Any] | Insert

_DIALECT: Dialect = postgresql.psycopg.dialect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Prepared:
    """A statement compiled for psycopg: its SQL (``%(name)s`` parameters), the values it carries
    itself, each bind's processor, and each result column's key and processor."""

    sql: str
    defaults: Mapping[str, Any]
    binds: Mapping[str, Processor | None]
    columns: tuple[tuple[str, Processor | None], ...]

    def arguments(self, values: Mapping[str, Any]) -> dict[str, Any]:
        merged = {**self.defaults, **values}
        return {name: (p(merged[name]) if p else merged[name]) for name, p in self.binds.items()}

    def row(self, raw: tuple[Any, ...]) -> dict[str, Any]:
        return {key: (p(v) if p else v) for (key, p), v in zip(self.columns, raw, strict=True)}


@lru_cache(maxsize=256)
def prepare(stmt: Statement) -> Prepared:
    """Compile once per statement object (the repositories cache theirs per shape). A statement this
    path cannot run as compiled (an ``IN`` list expanded per call) is refused here, at first use."""
    compiled = stmt.compile(dialect=_DIALECT)
    binds = compiled.bind_names  # each parameter and its name in the SQL (anonymous ones numbered)
    assert not any(b.expanding for b in binds), "expanding binds are not supported on the loop"
    assert not compiled.escaped_bind_names, "bind names that need escaping are not supported on the loop"
    defaults = {name: b.effective_value for b, name in binds.items() if not b.required}  # values it carries
    processors = {name: b.type.bind_processor(_DIALECT) for b, name in binds.items()}
    columns: tuple[tuple[str, Processor | None], ...] = ()
    if isinstance(stmt, Select):
        columns = tuple((str(c.key), c.type.result_processor(_DIALECT, None)) for c in stmt.selected_columns)
    return Prepared(compiled.string, defaults, processors, columns)


def detached(model: type[T], values: Mapping[str, Any]) -> T:
    """An instance of ``model`` holding ``values`` as loaded state, for reading only: no session,
    no change history. The values go straight into the instance's ``__dict__``, which is where the
    ORM's own loading puts what it reads and where attribute access finds it (``set_committed_value``
    does the same with bookkeeping that cost half a list page here). Never add one to a session."""
    instance = model()
    instance.__dict__.update(values)
    return instance


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy URL (``postgresql+psycopg://…``)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class LoopReads:
    """The worker's async connection pool for hot reads, or nothing on SQLite, where ``on_session``
    runs the sync path instead.

    A pool belongs to the event loop that opened it, so there is one per loop that serves the app:
    one in a server's worker process, one per client in tests that serve one app from two loops."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.db = db
        self._settings = settings
        self._pools: dict[asyncio.AbstractEventLoop, AsyncConnectionPool] = {}
        # The connections ``all`` last put on forced generic plans (``generic_plan``); any other is
        # on the server's default.
        self._generic: WeakKeyDictionary[psycopg.AsyncConnection[Any], bool] = WeakKeyDictionary()

    @property
    def enabled(self) -> bool:
        return not self._settings.is_sqlite

    async def on_session(self, use_case: Callable[[Session], R]) -> R:
        """``use_case`` on a read session of its own, in the thread pool: what a read served here
        does instead where this path is not enabled (SQLite)."""

        def run() -> R:
            with self.db.session(write=False) as session:
                return use_case(session)

        return await run_sync(run)

    async def open(self) -> None:
        """Open this loop's pool (the app's lifespan does): as the sync engine, it connects on
        demand, so the app starts while the server is away."""
        if not self.enabled:
            return
        # Autocommit, as the sync path's read sessions: a lone read needs no BEGIN / COMMIT, and a
        # lone audit row is its own transaction.
        pool = AsyncConnectionPool(
            conninfo(self._settings.database_url),
            kwargs={"autocommit": True},
            min_size=1,
            max_size=self._settings.db_pool_size,
            timeout=self._settings.db_pool_timeout_seconds,
            open=False,
            name="loop-reads",
        )
        await pool.open(wait=False)
        self._pools[asyncio.get_running_loop()] = pool

    async def close(self) -> None:
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection of this loop's pool; a server out of reach answers 503 as on the sync path."""
        pool = self._pools.get(asyncio.get_running_loop())
        assert pool is not None, "loop reads: no pool opened on this event loop (the app's lifespan opens it)"
        try:
            async with pool.connection() as conn:
                yield conn
        except (PoolTimeout, psycopg.OperationalError) as exc:
            log.warning("database unavailable to a loop read: %s", type(exc).__name__)
            raise errors.Unavailable("the database is unavailable; retry shortly") from exc

    async def all(
        self, stmt: Statement, values: Mapping[str, Any], *, generic_plan: bool | None = None
    ) -> list[dict[str, Any]]:
        """``generic_plan`` (``_plan_mode``): True when the caller knows the statement's best plan is
        the same for every value it binds, so PostgreSQL may plan it once per connection instead of
        on every execution; False when a value can choose a better plan; None when either serves
        (a lookup by key), which leaves the connection as it is."""
        prepared = prepare(stmt)
        async with self._connection() as conn:
            await self._plan_mode(conn, generic_plan)
            cursor = await conn.execute(prepared.sql, prepared.arguments(values))
            rows = await cursor.fetchall()
        return [prepared.row(r) for r in rows]

    async def _plan_mode(self, conn: psycopg.AsyncConnection[Any], generic: bool | None) -> None:
        """Put ``conn`` on forced generic plans, or back on the default, when it is not there yet: a
        round trip only when a connection changes mode.

        Why: a prepared statement gets custom plans (planned anew with each execution's values)
        for as long as PostgreSQL estimates them cheaper than its generic plan. For a list page the
        scope clause's ``LIKE`` gets a poor estimate without its value, so the server kept planning
        a community's page on every request: 0.32 ms of planning for 0.65 ms of execution
        (bench/RESULTS.md, 2026-12-02). The default stays for every other statement: with skewed
        data (a rare state over a whole street) the value can choose a better index. The mode is
        a connection's setting, so each statement that cares states the one it needs; a mode this
        map misremembers (a connection reset behind its back) costs a plan, never an answer."""
        if generic is None or self._generic.get(conn, False) is generic:
            return
        mode = "SET plan_cache_mode = force_generic_plan" if generic else "RESET plan_cache_mode"
        await conn.execute(mode, prepare=False)
        self._generic[conn] = generic

    async def first(self, stmt: Statement, values: Mapping[str, Any]) -> dict[str, Any] | None:
        rows = await self.all(stmt, values)
        return rows[0] if rows else None

    async def write(self, stmt: Statement, values: Mapping[str, Any]) -> None:
        """One statement in a transaction of its own (autocommit): an audit row after a read."""
        prepared = prepare(stmt)
        async with self._connection() as conn:
            await conn.execute(prepared.sql, prepared.arguments(values))
