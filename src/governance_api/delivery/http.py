"""A small HTTP/1.1 client for webhook POSTs: keep-alive connections per origin, the response
parsed by ``httptools`` (C), the body read and dropped.

Why not httpx: measured in ``bench/delivery_bench.py``, httpx's per-request overhead (httpcore,
h11, anyio) held a worker to about 220 deliveries/s on one core, nearly all of it in the client.
A webhook POST needs little of what httpx offers — no redirects (refused on purpose: a redirect
could point past the address check), no cookies, proxies or auth — so the worker speaks the
protocol itself: one request line, headers, a body with ``Content-Length``.

A reused connection the receiver closed meanwhile fails before any answer arrives; the request is
then sent once more on a new connection (harmless: delivery is at least once, and the receiver
de-duplicates by ``webhook-id``)."""

import asyncio
import ssl
from collections import defaultdict
from urllib.parse import quote, urlsplit

import httptools

MAX_RESPONSE_BYTES = 1 << 20  # read at most this much of an answer; beyond, the connection is closed
USER_AGENT = "governance-api-webhooks/1"
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"  # kept as written; everything else outside [A-Za-z0-9_.-] is %-encoded


class ConnectionFailed(Exception):
    """The request could not be made or the answer not read (the message says how)."""


class _Answer:
    """httptools callbacks: the status once the headers are in, done when the message is complete."""

    def __init__(self) -> None:
        self.headers_done = False
        self.complete = False

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_message_complete(self) -> None:
        self.complete = True


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    def close(self) -> None:
        self.writer.close()

    async def exchange(self, request: bytes) -> tuple[int, bool, bool]:
        """(status, keep the connection, any answer bytes received)."""
        self.writer.write(request)
        await self.writer.drain()
        answer = _Answer()
        parser = httptools.HttpResponseParser(answer)
        received = 0
        while not answer.complete:
            data = await self.reader.read(65536)
            if not data:
                if answer.headers_done:  # an answer without a length ends when the connection does
                    return parser.get_status_code(), False, True
                raise ConnectionFailed("the receiver closed the connection before answering")
            received += len(data)
            try:
                parser.feed_data(data)
            except httptools.HttpParserUpgrade as exc:
                raise ConnectionFailed("the receiver asked for a protocol upgrade") from exc
            except httptools.HttpParserError as exc:
                raise ConnectionFailed(f"not an HTTP answer: {exc}") from exc
            if received > MAX_RESPONSE_BYTES:
                return parser.get_status_code(), False, True
        return parser.get_status_code(), parser.should_keep_alive(), True


class Client:
    """POSTs with keep-alive connections per origin (at most ``max_idle`` idle per origin)."""

    def __init__(self, timeout: float, max_idle: int) -> None:
        self.timeout = timeout
        self.max_idle = max_idle
        self._idle: dict[tuple[str, str, int], list[_Connection]] = defaultdict(list)
        self._tls = ssl.create_default_context()

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """The answer's status; ``TimeoutError`` past the timeout, ``ConnectionFailed`` otherwise."""
        parts = urlsplit(url)
        tls = parts.scheme == "https"
        host = parts.hostname or ""
        port = parts.port or (443 if tls else 80)
        # the request line and Host header carry ASCII only: a non-ASCII, space or control character
        # in the path is percent-encoded (so no header can be smuggled in), a non-ASCII host IDNA-encoded
        target = quote((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), safe=_URL_SAFE)
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise ConnectionFailed(f"the host {host!r} is not a valid name") from exc
        host_header = host if parts.port is None else f"{host}:{port}"
        if ":" in host and not host.startswith("["):  # an IPv6 literal
            host_header = f"[{host}]" if parts.port is None else f"[{host}]:{port}"
        lines = [f"POST {target} HTTP/1.1", f"host: {host_header}", f"user-agent: {USER_AGENT}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"content-length: {len(body)}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        key = (parts.scheme, host, port)
        async with asyncio.timeout(self.timeout):
            idle = self._idle[key]
            while idle:
                conn = idle.pop()
                try:
                    status, keep, _ = await conn.exchange(request)
                except (ConnectionFailed, OSError):
                    conn.close()  # went stale while idle: try the next one, or a new connection
                    continue
                except BaseException:
                    conn.close()
                    raise
                self._release(key, conn, keep)
                return status
            try:
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=self._tls if tls else None, server_hostname=host if tls else None
                )
            except OSError as exc:
                raise ConnectionFailed(f"cannot connect: {exc}") from exc
            conn = _Connection(reader, writer)
            try:
                status, keep, _ = await conn.exchange(request)
            except OSError as exc:
                conn.close()
                raise ConnectionFailed(str(exc) or type(exc).__name__) from exc
            except BaseException:
                conn.close()
                raise
            self._release(key, conn, keep)
            return status

    def _release(self, key: tuple[str, str, int], conn: _Connection, keep: bool) -> None:
        if keep and len(self._idle[key]) < self.max_idle:
            self._idle[key].append(conn)
        else:
            conn.close()

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()
