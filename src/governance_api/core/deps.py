"""Request-scoped dependencies: the database session a route asks for, and the authenticated caller."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from governance_api.core.actor import Actor, load_actor
from governance_api.core.errors import Unauthorized
from governance_api.core.idempotency import LEASE_SCOPE_KEY, fence
from governance_api.db import Database
from governance_api.settings import Settings
from governance_api.tokens import InvalidToken, subject_of

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/v1/auth/token")


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _session(session: Session) -> Iterator[Session]:
    try:
        yield session
    finally:
        session.close()  # rolls back whatever the service did not commit


def read_session(db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    yield from _session(db.session(write=False))


def write_session(request: Request, db: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A session whose transaction takes SQLite's write lock at BEGIN (no effect on PostgreSQL).
    Under an Idempotency-Key its commit also marks the key's reservation committed, in the same
    transaction (``core.idempotency.fence``): the request then never runs twice."""
    session = db.session(write=True)
    lease = request.scope.get(LEASE_SCOPE_KEY)
    if lease is not None:
        fence(session, lease)
    yield from _session(session)


def current_actor(
    db: Annotated[Database, Depends(get_database)],
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The caller behind the bearer token, loaded in its own short read so the route's own session
    (read, or write that locks at BEGIN) starts clean."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("a bearer token is required")
    try:
        user_id = subject_of(credentials.credentials, settings)
    except InvalidToken as exc:
        raise Unauthorized("the token is invalid or expired") from exc
    with db.session(write=False) as session:
        actor = load_actor(session, user_id)
    if actor is None:
        raise Unauthorized("the token's user no longer exists or is disabled")
    return actor


ReadSession = Annotated[Session, Depends(read_session)]
WriteSession = Annotated[Session, Depends(write_session)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
