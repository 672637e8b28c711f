"""A step's write on the event loop (PostgreSQL only).

The generated action and activity routes (``core.action_routes``) run the domain's sync service on
the sync ``Session`` of an ``AsyncSession``: SQLAlchemy's asyncio extension runs that code in a
greenlet on the event loop and waits for each statement there (``AsyncSession.run_sync``). The
service, the engine, the session's listeners (``core.appends``, the Idempotency-Key fence) and every
check are the same code as on the thread-pool path; only where a statement's wait happens changes.

Why: in the thread pool the GIL passed between the loop and the pool thread around each of a
step's five round trips, and with eight steps in flight per worker those hand-offs cost more than
one of them (paired runs of ``accept``: +17 % per worker, bench/RESULTS.md 2026-12-02). A step is
short ORM work with no blocking call besides its statements, so it may hold the loop while it
computes. Routes that do heavy work in-process (hashing a password, an export) keep the pool.

SQLite keeps the thread pool (``LoopWrites.enabled`` is false). As ``core.loop_reads``, one engine
per event loop that serves the app, opened and disposed in the app's lifespan: a pool's connections
belong to the loop that opened them."""

import asyncio
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from governance_api.settings import Settings

R = TypeVar("R")


class StepSession:
    """The write session one step runs on, and where it runs: on the loop (``on_loop``, PostgreSQL)
    or in the thread pool (SQLite's write session, which takes the write lock at BEGIN)."""

    def __init__(self, session: Session, on_loop: AsyncSession | None) -> None:
        self.session = session
        self.on_loop = on_loop

    async def run(self, use_case: Callable[[Session], R]) -> R:
        if self.on_loop is not None:
            return await self.on_loop.run_sync(use_case)
        return await run_in_threadpool(use_case, self.session)


class LoopWrites:
    """The worker's async engine for steps, one per event loop, or nothing on SQLite."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._engines: dict[asyncio.AbstractEventLoop, AsyncEngine] = {}

    @property
    def enabled(self) -> bool:
        return not self._settings.is_sqlite

    async def open(self) -> None:
        """This loop's engine; like the sync engine it connects on demand and pings nothing. Its
        pool holds up to ``db_pool_size`` connections without overflow: a step in flight holds one,
        and a worker rarely has more steps in flight than that."""
        if not self.enabled:
            return
        engine = create_async_engine(
            self._settings.database_url,
            pool_size=self._settings.db_pool_size,
            max_overflow=0,
            pool_timeout=self._settings.db_pool_timeout_seconds,
            pool_recycle=1800,
            hide_parameters=True,
        )
        self._engines[asyncio.get_running_loop()] = engine

    async def close(self) -> None:
        engine = self._engines.pop(asyncio.get_running_loop(), None)
        if engine is not None:
            await engine.dispose()

    def session(self) -> StepSession:
        engine = self._engines.get(asyncio.get_running_loop())
        assert engine is not None, "loop writes: no engine opened on this event loop (the app's lifespan opens it)"
        # As the sync write sessions (db.Database): what a step returns is read after its commit.
        on_loop = AsyncSession(engine, expire_on_commit=False, autoflush=False)
        return StepSession(on_loop.sync_session, on_loop)
