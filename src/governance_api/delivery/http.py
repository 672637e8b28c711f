"""The worker's HTTP client for webhook POSTs: aiohttp, one session per worker.

Why aiohttp and not httpx (the service's client elsewhere): measured in ``bench/delivery_bench.py``,
httpx's per-request overhead (httpcore, h11, anyio) held a worker to about 220 deliveries/s on one
core, nearly all of it in the client; aiohttp's C-accelerated client reaches the issue's target
(``bench/RESULTS.md``). Keep-alive connections are pooled per origin up to the worker's concurrency.

Never followed: redirects (a redirect could point past the address check). Not sent: cookies
(no jar), proxy settings from the environment. The answer's body is not read past its status: the
response is released, and a connection whose answer was not read to the end is closed by aiohttp."""

from types import TracebackType

import aiohttp

USER_AGENT = "governance-api-webhooks/1"


class ConnectionFailed(Exception):
    """The request could not be made or the answer not read (the message says how)."""


class Client:
    """POSTs with keep-alive connections per origin; ``TimeoutError`` past ``timeout`` seconds."""

    def __init__(self, timeout: float, max_idle: int) -> None:
        self.timeout = timeout
        self.max_idle = max_idle
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:  # made on first use: a session belongs to the running event loop
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.max_idle, limit_per_host=self.max_idle),
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
