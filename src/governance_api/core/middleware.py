"""ASGI middleware: request ids and access logs (no personal data), the body-size limit, and
Idempotency-Key replays."""

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Mapping

import anyio
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from governance_api.core import errors
from governance_api.core.idempotency import LEASE_SCOPE_KEY, IdempotencyStore, Lease, request_digest
from governance_api.core.problems import from_domain_error, loggable_path

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("governance_api.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _send_problem(send: Send, exc: errors.DomainError, extra_headers: list[tuple[bytes, bytes]]) -> None:
    response = from_domain_error(exc)
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": list(response.raw_headers) + extra_headers,
        }
    )
    await send({"type": "http.response.body", "body": response.body})


class RequestContextMiddleware:
    """Gives every request an id (``X-Request-ID``, echoed) and logs one line per request: method,
    path without its query string, status, duration. Never bodies, queries or headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id")
        rid = incoming if incoming and _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(rid)
        scope["request_id"] = rid  # for the crash handler, which runs outside this middleware
        started, status, unchanged = time.perf_counter(), 500, False
        if_none_match = _header(scope, b"if-none-match") if scope["method"] in ("GET", "HEAD") else None

        async def send_with_id(message: Message) -> None:
            nonlocal status, unchanged
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if if_none_match and message["status"] == 200 and _matches(if_none_match, headers):
                    # RFC 9110 §13.1.2: the client's copy is current; keep ETag, drop the representation.
                    unchanged = True
                    message["status"] = 304
                    headers = [(k, v) for k, v in headers if k not in (b"content-type", b"content-length")]
                status = message["status"]
                message["headers"] = [*headers, (b"x-request-id", rid.encode())]
            elif unchanged and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "%s %s %s %.1fms",
                scope["method"],
                loggable_path(scope["path"]),
                status,
                (time.perf_counter() - started) * 1000,
            )
            request_id_var.reset(token)


def _matches(if_none_match: str, headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the response's ETag is among the ``If-None-Match`` tags (weak comparison, or ``*``)."""
    etag = next((v.decode("latin-1") for k, v in headers if k == b"etag"), None)
    if etag is None:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413, by Content-Length or while streaming: ``max_bytes``,
    or the larger limit ``per_path`` gives a route that takes batches (an exact path)."""

    def __init__(self, app: ASGIApp, max_bytes: int, per_path: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = dict(per_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope["path"], self.max_bytes)
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            await _send_problem(send, errors.PayloadTooLarge(f"the limit is {limit} bytes"), [])
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_problem(send, errors.PayloadTooLarge(f"the limit is {limit} bytes"), [])


class _TooLarge(StarletteHTTPException):
    """Raised from ``receive`` once a streamed body passes the limit. An HTTPException, because
    FastAPI turns any other exception raised while it reads a body into 400 "error parsing the
    body"; this one it re-raises, and the problem handler answers 413 ``payload_too_large``."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the limit is {max_bytes} bytes")


class IdempotencyMiddleware:
    """Replays a POST's stored response for the same caller and ``Idempotency-Key`` within the TTL.

    The key is reserved before the request runs (so two concurrent uses cannot both execute), the
    outcome stored after it and before its answer is sent; a 5xx releases the key so the client may
    retry. The reservation is a lease that the request's own commit is fenced by (see
    ``core.idempotency``), so a retry after a crashed request runs it once more, never twice. The
    caller is the token's subject; unauthenticated POSTs (sign-in) are not replayed.
    """

    def __init__(self, app: ASGIApp, store: IdempotencyStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, b"idempotency-key") if scope["type"] == "http" else None
        caller = self.store.caller_of(_header(scope, b"authorization")) if key else None
        # An issued token is a secret: a sign-in is never stored for replay.
        signing_in = scope.get("path", "").endswith("/auth/token")
        if scope["type"] != "http" or scope["method"] != "POST" or not key or caller is None or signing_in:
            await self.app(scope, receive, send)
            return
        if len(key) > 255 or _CONTROL.search(key):
            # The key is stored: PostgreSQL text cannot hold U+0000, and HTTP allows no control
            # characters in a field value anyway.
            problem = errors.ValidationFailed.one(
                "header.Idempotency-Key", "at most 255 characters, no control characters"
            )
            await _send_problem(send, problem, [])
            return
        body, messages = await _read_body(receive)
        try:
            reserved = await self.store.reserve(caller, key, request_digest(scope["path"], body))
        except errors.DomainError as exc:
            await _send_problem(send, exc, [])
            return
        except DBAPIError as exc:  # outside the app's handlers: answer a dropped connection here
            if not exc.connection_invalidated:
                raise
            await _send_problem(send, errors.Unavailable(), [])
            return
        if isinstance(reserved, Lease):
            await self._run_and_store(scope, messages, send, reserved)
            return
        status, ctype, content = reserved
        headers = [(b"content-type", ctype.encode()), (b"idempotent-replayed", b"true")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    async def _run_and_store(self, scope: Scope, messages: list[Message], send: Send, lease: Lease) -> None:
        """Runs the request with its answer held back, stores the outcome, then sends the answer: a
        client that retries the moment the answer arrived must find the outcome stored, not the key
        "still in progress". Holding the whole answer is fine here: POST answers are small JSON."""
        held: list[Message] = []
        status, ctype = 500, "application/json"

        async def replay_receive() -> Message:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def holding_send(message: Message) -> None:
            nonlocal status, ctype
            if message["type"] == "http.response.start":
                status = message["status"]
                for k, v in message.get("headers", []):
                    if k == b"content-type":
                        ctype = v.decode("latin-1")
            held.append(message)

        try:
            # core.deps.write_session reads the lease here and fences the request's commit with it.
            await self.app({**scope, LEASE_SCOPE_KEY: lease}, replay_receive, holding_send)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await self.store.complete(lease, 500, ctype, b"")  # frees the key unless committed
            raise
        body = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
        await self.store.complete(lease, status, ctype, body)
        for message in held:
            await send(message)


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages
