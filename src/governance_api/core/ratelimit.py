"""The sign-in limiter, shared by every instance through the database.

Each (client address, username) may start ``max_attempts`` sign-ins per window (a minute). An
attempt takes its slot *before* the password is checked, in one atomic upsert, so concurrent
guesses cannot all pass a check made before any of them was counted; a successful sign-in frees
the key. Keyed by address *and* username because offices sit behind one NAT address: one person's
mistakes (or a guesser's) limit that one username from that address, never their colleagues."""

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import case, delete, literal
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from governance_api.core.errors import RateLimited
from governance_api.db import Database
from governance_api.models.base import UTCDateTime, utcnow
from governance_api.models.records import SignInWindow

SWEEP_ONE_IN = 200  # attempts between sweeps of expired windows, on average


class SignInLimiter:
    def __init__(self, db: Database, max_attempts: int, secret: bytes, window_seconds: int = 60) -> None:
        self.db = db
        self.max_attempts = max_attempts
        # A key of its own, derived from the one given (the token secret): never the same key for
        # two purposes.
        self.secret = hmac.new(secret, b"governance-api sign-in limiter", hashlib.sha256).digest()
        self.window = dt.timedelta(seconds=window_seconds)

    def _key(self, address: str, username: str) -> str:
        """An HMAC under a server secret: a copy of the table does not give the pairs back (a plain
        hash of a username and an IPv4 address is quickly reversed by trying them all)."""
        return hmac.new(self.secret, f"{address}\x1f{username}".encode(), hashlib.sha256).hexdigest()

    def attempt(self, address: str, username: str) -> str:
        """Counts one attempt for the pair, or answers 429 (with Retry-After) when its window is
        full. Returns the key to pass to ``succeeded``."""
        key, now = self._key(address, username), utcnow()
        with self.db.transaction() as session:
            attempts, started = self._count(session, key, now)
            if secrets.randbelow(SWEEP_ONE_IN) == 0:
                session.execute(delete(SignInWindow).where(SignInWindow.started_at < now - self.window))
        if attempts > self.max_attempts:
            retry_after = (started + self.window - now).total_seconds()
            raise RateLimited(retry_after=max(1, int(retry_after) + 1))
        return key

    def succeeded(self, key: str) -> None:
        """The password was right: the pair starts afresh."""
        with self.db.transaction() as session:
            session.execute(delete(SignInWindow).where(SignInWindow.key == key))

    def _count(self, session: Session, key: str, now: dt.datetime) -> tuple[int, dt.datetime]:
        """One statement: a new window at 1, or the current one + 1; returns (attempts, its start)."""
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        started = literal(now, UTCDateTime())
        expired = SignInWindow.started_at <= literal(now - self.window, UTCDateTime())
        stmt = (
            insert(SignInWindow)
            .values(key=key, started_at=now, attempts=1)
            .on_conflict_do_update(
                index_elements=[SignInWindow.key],
                set_={
                    "attempts": case((expired, 1), else_=SignInWindow.attempts + 1),
                    "started_at": case((expired, started), else_=SignInWindow.started_at),
                },
            )
            .returning(SignInWindow.attempts, SignInWindow.started_at)
        )
        row = session.execute(stmt).one()
        return int(row.attempts), row.started_at
