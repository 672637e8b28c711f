"""Storage behind ``IdempotencyMiddleware``: one row per (caller, key), kept for the TTL.

A request's row goes through three states, all in the database (several API processes share it,
and nothing here lives in one process):

1. **reserved** — ``status_code`` null, held by one ``attempt`` until ``locked_until`` (the lease).
   A duplicate within the lease is 409 "in progress". After the lease the holder is presumed dead
   (killed mid-request) and a retry takes the row over with a conditional UPDATE on ``attempt``:
   of several retries exactly one wins, and it runs the request afresh.
2. **committed** — ``committed_at`` set by ``fence`` *inside the request's business transaction*,
   and only while its attempt still holds the row: the request's changes and the mark commit or
   roll back together, and an attempt that lost its lease can no longer commit anything (409). So a
   request is never run twice, whatever dies when.
3. **completed** — the answer stored, before it is sent; replays return it.

The one gap left: a process that dies between the business commit and storing the answer (a few
milliseconds). Its retry neither replays (there is nothing to replay) nor runs again (the changes
are in): within the renewed lease it is "in progress", after it 409 ``duplicate`` saying the
request was carried out and its answer lost, so the client reads the result instead of repeating
it. Closing that gap would mean holding the business transaction open until the answer is
serialized, which FastAPI does in the shared thread pool: threads blocked on the request's locks
could then starve the very commit that frees them.
"""

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from anyio import to_thread
from sqlalchemy import ColumnElement, and_, delete, event, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance_api.core.errors import Duplicate, IdempotencyKeyReuse
from governance_api.core.validators import PERSONAL_FIELDS
from governance_api.db import Database
from governance_api.models.base import utcnow
from governance_api.models.records import IdempotencyRecord
from governance_api.settings import Settings
from governance_api.tokens import InvalidToken, subject_of

Stored = tuple[int, str, bytes]
# Where the middleware leaves the request's ``Lease`` for ``core.deps.write_session`` to ``fence``.
LEASE_SCOPE_KEY = "governance.idempotency_lease"
IN_PROGRESS = "a request with this Idempotency-Key is still in progress; retry later"


@dataclasses.dataclass(frozen=True)
class Lease:
    """The reservation one request holds: its row and its attempt (the fencing token)."""

    caller: str
    key: str
    attempt: int
    seconds: int


def request_digest(path: str, body: bytes) -> str:
    """What "the same request" means for a key: the same path and the same body bytes."""
    return hashlib.sha256(path.encode() + b"\0" + body).hexdigest()


# Secrets an answer shows once (a webhook subscription's signing secret, on create and rotation): a
# stored copy would keep them in clear text for 24 h beside their encrypted one, so a replay says
# only what kind of secret it was; a client that lost the first answer rotates the secret.
def mask_secret(secret: str) -> str:
    """``whsec_abc…`` → ``whsec_********``: the kind of secret, none of it."""
    return secret.split("_", 1)[0] + "_********" if "_" in secret else "********"


SECRET_FIELDS: dict[str, Callable[[str], str]] = {"secret": mask_secret}


def masked_for_storage(body: bytes) -> bytes:
    """The response body as kept for replays, with phone and ID numbers masked: a stored copy must
    not hold personal data for 24 h, and a replay must not disclose it again unaudited (the full
    record is a GET away). Secrets shown once are masked too (``SECRET_FIELDS``)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    masked = _mask(doc)
    return body if masked == doc else json.dumps(masked, ensure_ascii=False, separators=(",", ":")).encode()


_MASKS: dict[str, Callable[[str], str]] = {**PERSONAL_FIELDS, **SECRET_FIELDS}


def _mask(value: Any) -> Any:
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {k: _MASKS[k](v) if k in _MASKS and isinstance(v, str) else _mask(v) for k, v in value.items()}
    return value


def _held_by(lease: Lease) -> ColumnElement[bool]:
    """The row, still unanswered and still this attempt's."""
    return and_(
        IdempotencyRecord.caller == lease.caller,
        IdempotencyRecord.key == lease.key,
        IdempotencyRecord.attempt == lease.attempt,
        IdempotencyRecord.status_code.is_(None),
    )


def _rows(session: Session, stmt: Any) -> int:
    result: CursorResult[Any] = session.execute(stmt, execution_options={"synchronize_session": False})  # type: ignore[assignment]
    return result.rowcount


def fence(session: Session, lease: Lease) -> None:
    """Ties a request's business transaction to its reservation: when ``session`` commits, the same
    transaction marks the reservation committed (and renews its lease while the answer is being
    stored), or, when a retry has taken the reservation over meanwhile, refuses to commit (409)."""

    def _mark(s: Session) -> None:
        now = utcnow()
        marked = _rows(
            s,
            update(IdempotencyRecord)
            .where(_held_by(lease))
            .values(committed_at=now, locked_until=now + dt.timedelta(seconds=lease.seconds)),
        )
        if marked != 1:
            raise Duplicate("a retry with this Idempotency-Key took the request over; nothing was changed")

    event.listen(session, "before_commit", _mark)


class IdempotencyStore:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def caller_of(self, authorization: str | None) -> str | None:
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        try:
            return subject_of(authorization[7:].strip(), self.settings).hex
        except InvalidToken:
            return None  # the route itself answers 401

    async def reserve(self, caller: str, key: str, digest: str) -> Lease | Stored:
        return await to_thread.run_sync(self._reserve, caller, key, digest)

    async def complete(self, lease: Lease, status: int, ctype: str, body: bytes) -> None:
        await to_thread.run_sync(self._complete, lease, status, ctype, body)

    def _reserve(self, caller: str, key: str, digest: str) -> Lease | Stored:
        """A ``Lease`` when this request may run (a new reservation, or one taken over after its
        lease ran out), else the stored response to replay; 409 while another attempt holds it."""
        now = utcnow()
        lease_end = now + dt.timedelta(seconds=self.settings.idempotency_lease_seconds)
        expired = now - dt.timedelta(hours=self.settings.idempotency_ttl_hours)
        try:
            with self.db.transaction() as session:
                session.execute(
                    delete(IdempotencyRecord).where(
                        IdempotencyRecord.caller == caller,
                        IdempotencyRecord.key == key,
                        IdempotencyRecord.created_at < expired,
                    )
                )
                record = session.scalar(
                    select(IdempotencyRecord).where(IdempotencyRecord.caller == caller, IdempotencyRecord.key == key)
                )
                if record is None:
                    session.add(IdempotencyRecord(caller=caller, key=key, request_hash=digest, locked_until=lease_end))
                    return self._lease(caller, key, 1)
                if record.request_hash != digest:
                    raise IdempotencyKeyReuse("this Idempotency-Key was used with a different request")
                if record.status_code is not None:
                    return record.status_code, record.content_type or "application/json", record.body or b""
                if record.locked_until is not None and record.locked_until > now:
                    raise Duplicate(IN_PROGRESS)
                if record.committed_at is not None:
                    raise Duplicate(
                        "this request was carried out, but its answer was lost when the server stopped;"
                        " read the result instead of sending it again"
                    )
                # The holder's lease ran out and nothing of it committed: it died (or overran, and
                # then ``fence`` stops it from committing). Take over; of racing retries one wins.
                taken = _rows(
                    session,
                    update(IdempotencyRecord)
                    .where(
                        _held_by(self._lease(caller, key, record.attempt)),
                        IdempotencyRecord.committed_at.is_(None),
                        or_(IdempotencyRecord.locked_until.is_(None), IdempotencyRecord.locked_until <= now),
                    )
                    .values(attempt=record.attempt + 1, locked_until=lease_end),
                )
                if taken != 1:
                    raise Duplicate(IN_PROGRESS)
                return self._lease(caller, key, record.attempt + 1)
        except IntegrityError as exc:  # a concurrent first use inserted the row first
            raise Duplicate(IN_PROGRESS) from exc

    def _lease(self, caller: str, key: str, attempt: int) -> Lease:
        return Lease(caller, key, attempt, self.settings.idempotency_lease_seconds)

    def _complete(self, lease: Lease, status: int, ctype: str, body: bytes) -> None:
        """Store the answer (nothing when another attempt now holds the key). A 5xx or 412 frees the key
        for a retry, unless the request's changes committed: then the answer is lost, not the work,
        and the lease ends now so a retry is told so at once."""
        with self.db.transaction() as session:
            # A 412 ran nothing (the precondition is checked before any change): like a 5xx it frees
            # the key, so the retry after re-reading the record runs instead of replaying the 412.
            if status < 500 and status != 412:
                values = {"status_code": status, "content_type": ctype, "body": masked_for_storage(body)}
                _rows(session, update(IdempotencyRecord).where(_held_by(lease)).values(locked_until=None, **values))
                return
            freed = _rows(
                session, delete(IdempotencyRecord).where(_held_by(lease), IdempotencyRecord.committed_at.is_(None))
            )
            if not freed:
                _rows(session, update(IdempotencyRecord).where(_held_by(lease)).values(locked_until=utcnow()))
