"""The worker's HTTP client (aiohttp, as ``delivery.http`` sets it up) against receivers that close
connections: a fresh connection per request when the receiver does not keep them, and a new one
when an idle kept connection was closed meanwhile; a timeout; an answer without a length; a URL
that cannot smuggle a header into the request."""

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest

from governance_api.delivery.http import Client, ConnectionFailed


def _anywhere(address: str) -> None:
    """The address check of a client that may connect anywhere (these receivers are loopback)."""


class RawServer:
    """Answers each request with ``answer`` and then, if ``close``, closes the connection without
    saying so (as a receiver whose keep-alive timeout ran out would)."""

    def __init__(self, answer: bytes, close: bool) -> None:
        self.answer = answer
        self.close = close
        self.connections = 0
        self.requests = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buf = b""
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
                head, sep, rest = buf.partition(b"\r\n\r\n")
                if not sep:
                    continue
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    ),
                    0,
                )
                if len(rest) < length:
                    continue
                buf = rest[length:]
                self.requests += 1
                conn.sendall(self.answer)
                if self.close:
                    return


@pytest.fixture
def servers() -> Iterator[list[RawServer]]:
    made: list[RawServer] = []
    yield made
    for s in made:
        s.sock.close()


def _post(client: Client, port: int, n: int) -> list[int]:
    async def go() -> list[int]:
        out = []
        async with client:
            for _ in range(n):
                out.append(await client.post(f"http://127.0.0.1:{port}/hook?x=1", b'{"a":1}', {"webhook-id": "m"}))
                await asyncio.sleep(0.02)  # the server closes in between
        return out

    return asyncio.run(go())


def test_keep_alive_reuses_one_connection(servers: list[RawServer]) -> None:
    s = RawServer(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n", close=False)
    servers.append(s)
    assert _post(Client(2, 4, _anywhere), s.port, 3) == [204, 204, 204]
    assert s.connections == 1 and s.requests == 3


def test_an_idle_connection_closed_by_the_receiver_is_replaced(servers: list[RawServer]) -> None:
    s = RawServer(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok", close=True)
    servers.append(s)
    assert _post(Client(2, 4, _anywhere), s.port, 3) == [200, 200, 200]
    assert s.requests == 3 and s.connections == 3


def test_an_answer_without_a_length_ends_with_the_connection(servers: list[RawServer]) -> None:
    s = RawServer(b"HTTP/1.1 500 Oops\r\nconnection: close\r\n\r\nsomething went wrong", close=True)
    servers.append(s)
    assert _post(Client(2, 4, _anywhere), s.port, 2) == [500, 500]


def test_silence_is_a_timeout_and_a_closed_port_a_connection_error(servers: list[RawServer]) -> None:
    s = RawServer(b"", close=False)  # reads, never answers
    servers.append(s)
    with pytest.raises(TimeoutError):
        _post(Client(0.2, 4, _anywhere), s.port, 1)
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    port = free.getsockname()[1]
    free.close()
    with pytest.raises(ConnectionFailed):
        _post(Client(1, 4, _anywhere), port, 1)


def test_the_request_line_is_ascii_and_cannot_carry_a_header(servers: list[RawServer]) -> None:
    seen: list[bytes] = []
    s = RawServer(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n", close=False)
    servers.append(s)
    original = s._serve

    def spy(conn: socket.socket) -> None:
        class Tap:
            def __init__(self, c: socket.socket) -> None:
                self.c = c

            def recv(self, n: int) -> bytes:
                data = self.c.recv(n)
                seen.append(data)
                return data

            def sendall(self, b: bytes) -> None:
                self.c.sendall(b)

            def __enter__(self) -> "Tap":
                return self

            def __exit__(self, *_: object) -> None:
                self.c.close()

        original(Tap(conn))  # type: ignore[arg-type]

    s._serve = spy  # type: ignore[method-assign]
    url = f"http://127.0.0.1:{s.port}/回调 x\r\nx-evil: 1"

    async def once() -> int:
        async with Client(2, 4, _anywhere) as client:
            return await client.post(url, b"{}", {})

    assert asyncio.run(once()) == 204
    request = b"".join(seen)
    first = request.split(b"\r\n")[0]
    assert first.startswith(b"POST /%E5%9B%9E%E8%B0%83%20x") and b"x-evil: 1" not in request
