"""Request-scoped dependencies: the database session a route asks for, and the authenticated caller.

They are ``async`` on purpose although the routes are sync: FastAPI runs a sync dependency in the
thread pool, one hand-off per dependency, and those hand-offs cost more than the work. None of
these waits on the database in the common case (a session connects lazily, inside the route's own
thread; the caller comes from ``ActorCache``); when one must (a cache miss, a rollback at close),
it hands just that to the thread pool."""

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor, ActorCache
from governance_api.core.errors import Unauthorized
from governance_api.core.idempotency import LEASE_SCOPE_KEY, fence
from governance_api.core.loop_reads import LoopReads
from governance_api.core.loop_writes import LoopWrites, StepSession
from governance_api.db import Database
from governance_api.settings import Settings
from governance_api.tokens import InvalidToken, subject_of

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_loop_reads(request: Request) -> LoopReads:
    reads: LoopReads = request.app.state.loop_reads
    return reads


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _close(session: Session, *, write: bool) -> None:
    """Closing a write session rolls back whatever the service did not commit: a round trip, so off
    the event loop. A read session holds no transaction on PostgreSQL (autocommit) and only a read
    lock on SQLite, and a committed (or unused) session holds no connection: those close here."""
    if write and session.in_transaction():
        await run_in_threadpool(session.close)
    else:
        session.close()


# Each dependency closes its own session in ``finally``: an async generator nested with ``async for``
# would not see the route's exception and would close only when garbage-collected (with SQLite's
# write lock still held meanwhile).
async def read_session(request: Request) -> AsyncIterator[Session]:
    db: Database = request.app.state.db  # not a sub-dependency: each costs FastAPI more than this line
    session = db.session(write=False)
    try:
        yield session
    finally:
        await _close(session, write=False)


def _fenced(request: Request, session: Session) -> Session:
    """``session``, its commit tied to the request's Idempotency-Key reservation when it has one
    (``core.idempotency.fence``): every write session of a request goes through here."""
    lease = request.scope.get(LEASE_SCOPE_KEY)
    if lease is not None:
        fence(session, lease)
    return session


async def write_session(request: Request) -> AsyncIterator[Session]:
    """A session whose transaction takes SQLite's write lock at BEGIN (no effect on PostgreSQL).
    Under an Idempotency-Key its commit also marks the key's reservation committed, in the same
    transaction (``core.idempotency.fence``): the request then never runs twice."""
    db: Database = request.app.state.db
    session = _fenced(request, db.session(write=True))
    try:
        yield session
    finally:
        await _close(session, write=True)


async def step_session(request: Request) -> AsyncIterator[StepSession]:
    """The write session of a generated action or activity route (``core.action_routes``): on
    PostgreSQL one that runs on the event loop (``core.loop_writes``), on SQLite ``write_session``'s.
    The Idempotency-Key fence and the rollback at close are the same on both."""
    writes: LoopWrites = request.app.state.loop_writes
    if writes.enabled:
        step = writes.session()
    else:
        db: Database = request.app.state.db
        step = StepSession(db.session(write=True), None)
    _fenced(request, step.session)
    try:
        yield step
    finally:
        if step.on_loop is not None:
            await step.on_loop.close()  # a rollback if the step did not commit, on the loop too
        else:
            await _close(step.session, write=True)


async def current_actor(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The caller behind the bearer token: from the process's ``ActorCache``, else loaded in its own
    short read (so the route's own session, read or write that locks at BEGIN, starts clean)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("a bearer token is required")
    settings: Settings = request.app.state.settings
    try:
        user_id = subject_of(credentials.credentials, settings)
    except InvalidToken as exc:
        raise Unauthorized("the token is invalid or expired") from exc
    cache: ActorCache = request.app.state.actors
    found, actor = cache.get(user_id)
    if not found:
        db: Database = request.app.state.db
        actor = await run_in_threadpool(_load, db, cache, user_id)
    if actor is None:
        raise Unauthorized("the token's user no longer exists or is disabled")
    return actor


def _load(db: Database, cache: ActorCache, user_id: uuid.UUID) -> Actor | None:
    with db.session(write=False) as session:
        return cache.load(session, user_id)


ReadSession = Annotated[Session, Depends(read_session)]
WriteSession = Annotated[Session, Depends(write_session)]
StepWriteSession = Annotated[StepSession, Depends(step_session)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
Reads = Annotated[LoopReads, Depends(get_loop_reads)]
