"""``core.routing``: a sync route costs one thread-pool hand-off, not FastAPI's two, and keeps what
FastAPI reads from the endpoint (name, docstring, parameters, response model)."""

import inspect
import threading
from collections.abc import Iterator
from typing import Any

import anyio.to_thread
import pytest
from fastapi import APIRouter, FastAPI, Response
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from governance_api.app import API_ROUTERS
from governance_api.core.routing import OneHandOffRoute, domain_router
from governance_api.health.router import router as health_router


class Echo(BaseModel):
    n: int
    thread: int


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every call into the thread pool during the test, by the function handed over."""
    calls: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(func: Any, *args: Any, **kwargs: Any) -> Any:
        inner = getattr(func, "func", func)  # run_in_threadpool hands over a functools.partial
        calls.append(getattr(inner, "__name__", repr(inner)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    yield calls


def _app(router: APIRouter) -> FastAPI:
    def echo(n: int, response: Response) -> Echo:
        """Echo ``n``."""
        response.headers["X-Seen"] = str(n)
        return Echo(n=n, thread=threading.get_ident())

    router.add_api_route("/echo/{n}", echo, methods=["GET"])
    app = FastAPI()
    app.include_router(router)
    return app


def test_a_sync_route_is_handed_to_the_pool_once(hand_offs: list[str]) -> None:
    with TestClient(_app(domain_router("t"))) as client:
        r = client.get("/echo/7")
    assert r.status_code == 200 and r.json()["n"] == 7 and r.headers["X-Seen"] == "7"
    assert r.json()["thread"] != threading.get_ident()  # ran in a pool thread, not the caller's
    assert hand_offs == ["echo"]


def test_fastapis_own_route_hands_off_twice(hand_offs: list[str]) -> None:
    """What ``OneHandOffRoute`` saves: the plain route validates its answer in the pool again."""
    with TestClient(_app(APIRouter())) as client:
        assert client.get("/echo/7").status_code == 200
    assert len(hand_offs) == 2


def test_the_wrapped_route_keeps_its_contract() -> None:
    app = _app(domain_router("t"))
    op = app.openapi()["paths"]["/echo/{n}"]["get"]
    assert op["operationId"].startswith("echo") and op["description"] == "Echo ``n``."
    assert op["parameters"][0]["name"] == "n" and op["parameters"][0]["schema"]["type"] == "integer"
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Echo")
    with TestClient(app) as client:
        assert client.get("/echo/x").status_code == 422


@pytest.mark.parametrize("router", [health_router, *API_ROUTERS], ids=lambda r: r.tags[0])
def test_every_route_of_the_service_is_handed_off_once(router: APIRouter) -> None:
    """No domain router forgets ``domain_router``: each route is a ``OneHandOffRoute`` whose
    endpoint FastAPI awaits on the event loop."""
    routes = [r for r in router.routes if isinstance(r, APIRoute)]
    assert routes
    for route in routes:
        assert isinstance(route, OneHandOffRoute), route.path
        assert inspect.iscoroutinefunction(route.dependant.call), route.path
