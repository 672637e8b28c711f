"""ASGI middleware: request ids and access logs (no personal data), the body-size limit, and
Idempotency-Key replays."""

import contextvars
import hashlib
import logging
import re
import time
import uuid
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from governance_api.core import errors
from governance_api.core.problems import from_domain_error

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
access_log = logging.getLogger("governance_api.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


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
                _loggable_path(scope["path"]),
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


def _loggable_path(path: str) -> str:
    # A tracking code (解纷码) is a bearer secret for the public lookup: keep it out of logs.
    return re.sub(r"(/public/disputes/)[^/]+", r"\1{tracking_code}", path)


class BodyLimitMiddleware:
    """Refuses bodies over ``max_bytes`` with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            await _send_problem(send, errors.PayloadTooLarge(f"the limit is {self.max_bytes} bytes"), [])
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_problem(send, errors.PayloadTooLarge(f"the limit is {self.max_bytes} bytes"), [])


class _TooLarge(StarletteHTTPException):
    """Raised from ``receive`` once a streamed body passes the limit. An HTTPException, because
    FastAPI turns any other exception raised while it reads a body into 400 "error parsing the
    body"; this one it re-raises, and the problem handler answers 413 ``payload_too_large``."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the limit is {max_bytes} bytes")


class IdempotencyMiddleware:
    """Replays a POST's stored response for the same caller and ``Idempotency-Key`` within the TTL.

    The key is reserved before the request runs (so two concurrent uses cannot both execute), the
    outcome stored after it; a 5xx releases the key so the client may retry. The caller is the
    token's subject; unauthenticated POSTs (sign-in) are not replayed.
    """

    def __init__(self, app: ASGIApp, store: Any) -> None:
        self.app = app
        self.store = store  # governance_api.core.idempotency.IdempotencyStore

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _header(scope, b"idempotency-key") if scope["type"] == "http" else None
        caller = self.store.caller_of(_header(scope, b"authorization")) if key else None
        if scope["type"] != "http" or scope["method"] != "POST" or not key or caller is None:
            await self.app(scope, receive, send)
            return
        if len(key) > 255:
            await _send_problem(
                send, errors.ValidationFailed.one("header.Idempotency-Key", "at most 255 characters"), []
            )
            return
        body, messages = await _read_body(receive)
        digest = hashlib.sha256(scope["path"].encode() + b"\0" + body).hexdigest()
        try:
            stored = await self.store.reserve(caller, key, digest)
        except errors.DomainError as exc:
            await _send_problem(send, exc, [])
            return
        if stored is not None:
            status, ctype, content = stored
            headers = [(b"content-type", ctype.encode()), (b"idempotent-replayed", b"true")]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": content})
            return
        await self._run_and_store(scope, messages, send, caller, key)

    async def _run_and_store(self, scope: Scope, messages: list[Message], send: Send, caller: str, key: str) -> None:
        captured: dict[str, Any] = {"status": 500, "ctype": "application/json", "body": b""}

        async def replay_receive() -> Message:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        async def capturing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                for k, v in message.get("headers", []):
                    if k == b"content-type":
                        captured["ctype"] = v.decode("latin-1")
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, replay_receive, capturing_send)
        finally:
            await self.store.complete(caller, key, captured["status"], captured["ctype"], captured["body"])


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
