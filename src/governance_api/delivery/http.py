"""The worker's HTTP client for webhook POSTs: aiohttp, one session per worker.

Why aiohttp and not httpx (the service's client elsewhere): measured in ``bench/delivery_bench.py``,
httpx's per-request overhead (httpcore, h11, anyio) held a worker to about 220 deliveries/s on one
core, nearly all of it in the client; aiohttp's C-accelerated client reaches the issue's target
(``bench/RESULTS.md``). Keep-alive connections are pooled per origin up to the worker's concurrency.

Never followed: redirects (a redirect could point past the address check). Not sent: cookies
(no jar), proxy settings from the environment. The answer's body is not read past its status: the
response is released, and a connection whose answer was not read to the end is closed by aiohttp.

Connected to: only addresses ``check`` accepts. Names are resolved through ``CheckedResolver``, so
the address checked is the address connected to, however the name answers by then; aiohttp does not
resolve an address literal (the sender checks those before the attempt)."""

import socket
from collections.abc import Callable
from types import TracebackType

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult

USER_AGENT = "governance-api-webhooks/1"


class ConnectionFailed(Exception):
    """The request could not be made or the answer not read (the message says how)."""


class AddressRefused(OSError):
    """A resolved address the check refused (an ``OSError``: aiohttp reports it as a DNS failure)."""


class CheckedResolver(AbstractResolver):
    """aiohttp's threaded resolver, refusing the whole answer when one address fails ``check``
    (which raises ``ValueError``): the refusal reaches the caller as a connection error."""

    def __init__(self, check: Callable[[str], None]) -> None:
        self._inner = aiohttp.ThreadedResolver()
        self._check = check

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answer = await self._inner.resolve(host, port, family)
        for result in answer:
            try:
                self._check(result["host"])
            except ValueError as exc:
                raise AddressRefused(f"refused: {exc}") from exc
        return answer

    async def close(self) -> None:
        await self._inner.close()


class Client:
    """POSTs with keep-alive connections per origin; ``TimeoutError`` past ``timeout`` seconds."""

    def __init__(self, timeout: float, max_idle: int, check: Callable[[str], None]) -> None:
        self.timeout = timeout
        self.max_idle = max_idle
        self.check = check
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:  # made on first use: a session belongs to the running event loop
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self.max_idle, limit_per_host=self.max_idle, resolver=CheckedResolver(self.check)
                ),
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": USER_AGENT},
                auto_decompress=False,
                trust_env=False,
            )
        return self._session

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """The answer's status; ``TimeoutError`` (aiohttp's timeouts are one) past the timeout,
        ``ConnectionFailed`` otherwise."""
        try:
            async with self._open().post(url, data=body, headers=headers, allow_redirects=False) as answer:
                return answer.status
        except aiohttp.ClientConnectorError as exc:
            reason = exc.os_error if isinstance(exc.os_error, AddressRefused) else exc
            raise ConnectionFailed(str(reason) or type(exc).__name__) from exc
        except (aiohttp.ClientError, ValueError) as exc:  # ValueError: a URL aiohttp cannot send to
            raise ConnectionFailed(str(exc) or type(exc).__name__) from exc

    async def __aenter__(self) -> "Client":
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
