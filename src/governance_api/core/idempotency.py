"""Storage behind ``IdempotencyMiddleware``: one row per (caller, key), kept for the TTL."""

import datetime as dt
import json
from typing import Any

from anyio import to_thread
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from governance_api.core.errors import Duplicate, IdempotencyKeyReuse
from governance_api.core.validators import PERSONAL_FIELDS
from governance_api.db import Database
from governance_api.models.base import utcnow
from governance_api.models.records import IdempotencyRecord
from governance_api.settings import Settings
from governance_api.tokens import InvalidToken, subject_of

Stored = tuple[int, str, bytes]


def masked_for_storage(body: bytes) -> bytes:
    """The response body as kept for replays, with phone and ID numbers masked: a stored copy must
    not hold personal data for 24 h, and a replay must not disclose it again unaudited (the full
    record is a GET away)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    masked = _mask(doc)
    return body if masked == doc else json.dumps(masked, ensure_ascii=False, separators=(",", ":")).encode()


def _mask(value: Any) -> Any:
    if isinstance(value, list):
        return [_mask(v) for v in value]
    if isinstance(value, dict):
        return {
            k: PERSONAL_FIELDS[k](v) if k in PERSONAL_FIELDS and isinstance(v, str) else _mask(v)
            for k, v in value.items()
        }
    return value


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

    async def reserve(self, caller: str, key: str, digest: str) -> Stored | None:
        return await to_thread.run_sync(self._reserve, caller, key, digest)

    async def complete(self, caller: str, key: str, status: int, ctype: str, body: bytes) -> None:
        await to_thread.run_sync(self._complete, caller, key, status, ctype, body)

    def _reserve(self, caller: str, key: str, digest: str) -> Stored | None:
        """None: the key is now reserved for this request. Else the stored response to replay."""
        expired = utcnow() - dt.timedelta(hours=self.settings.idempotency_ttl_hours)
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
                    session.add(IdempotencyRecord(caller=caller, key=key, request_hash=digest))
                    return None
                if record.request_hash != digest:
                    raise IdempotencyKeyReuse("this Idempotency-Key was used with a different request")
                if record.status_code is None:
                    raise Duplicate("a request with this Idempotency-Key is still in progress")
                return record.status_code, record.content_type or "application/json", record.body or b""
        except IntegrityError as exc:
            raise Duplicate("a request with this Idempotency-Key is still in progress") from exc

    def _complete(self, caller: str, key: str, status: int, ctype: str, body: bytes) -> None:
        with self.db.transaction() as session:
            record = session.scalar(
                select(IdempotencyRecord).where(IdempotencyRecord.caller == caller, IdempotencyRecord.key == key)
            )
            if record is None:
                return
            if status >= 500:
                session.delete(record)  # let the client retry a failure
                return
            record.status_code, record.content_type, record.body = status, ctype, masked_for_storage(body)
