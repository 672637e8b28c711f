"""The route class every domain router uses: a sync route runs in the thread pool in one hand-off.

FastAPI runs a sync endpoint in the thread pool and then hands its answer to the pool a second time
to validate it against the response model; each hand-off wakes a pool thread, which under load
cost more than the work itself (a sixth of a GET's time, bench/RESULTS.md 2026-12-01 afternoon).
``OneHandOffRoute`` gives FastAPI an ``async`` wrapper of the sync endpoint instead: the endpoint
still runs in the pool (sessions and services stay sync), and the answer it returns is validated on
the event loop: a few microseconds for the model a route has just built; a route that returns a
plain dict (the meta routes' machine descriptions) has it validated there too."""

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool


def in_one_hand_off(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """``endpoint`` as a coroutine function that runs it in the thread pool. ``functools.wraps``
    keeps its name, docstring and signature, from which FastAPI reads parameters, the response
    model and the OpenAPI operation."""
    if inspect.iscoroutinefunction(endpoint) or not inspect.isroutine(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(endpoint, *args, **kwargs)

    return run


class OneHandOffRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, in_one_hand_off(endpoint), **kwargs)


def domain_router(tag: str) -> APIRouter:
    """A domain's router: tagged with its name, its routes ``OneHandOffRoute``s."""
    return APIRouter(tags=[tag], route_class=OneHandOffRoute)
