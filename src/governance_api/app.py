"""The FastAPI application: routers under /api/v1, problem handlers, middleware."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI

from governance_api import __version__
from governance_api.auth.router import router as auth_router
from governance_api.bodies.router import router as bodies_router
from governance_api.buildings.router import router as buildings_router
from governance_api.core import problems
from governance_api.core.actor import ActorCache
from governance_api.core.http import refuse_nul
from governance_api.core.idempotency import IdempotencyStore
from governance_api.core.loop_reads import LoopReads
from governance_api.core.loop_writes import LoopWrites
from governance_api.core.middleware import (
    BodyLimitMiddleware,
    IdempotencyMiddleware,
    RequestContextMiddleware,
    RequestIdFilter,
)
from governance_api.core.openapi import extend_openapi, operation_id
from governance_api.core.ratelimit import SignInLimiter
from governance_api.db import Database
from governance_api.decisions.router import router as decisions_router
from governance_api.disputes.router import router as disputes_router
from governance_api.evaluations.router import router as evaluations_router
from governance_api.health.router import router as health_router
from governance_api.intake.router import WORK_ORDERS_PATH
from governance_api.intake.router import router as intake_router
from governance_api.machines import MACHINES
from governance_api.meetings.router import router as meetings_router
from governance_api.meta.docs import install_docs
from governance_api.meta.router import router as meta_router
from governance_api.org.router import router as org_router
from governance_api.patrols.router import router as patrols_router
from governance_api.settings import Settings, get_settings
from governance_api.webhooks.router import router as webhooks_router

API_PREFIX = "/api/v1"


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    root = logging.getLogger("governance_api")
    root.handlers = [handler]
    root.setLevel(level)
    root.propagate = False


# The domain routers, each straight onto the app under API_PREFIX. A request is matched against the
# routes in this order until one fits, and no two routers share a first path segment, so the order
# only sets the cost: disputes, the most requested (the screens' lists and reads, every step of the
# ladder), come first instead of after the 48 routes of auth, org, meta and decisions (route matching
# was 8 % of a worker's samples in a profile of a dispute's accept).
API_ROUTERS = (
    disputes_router,
    auth_router,
    org_router,
    meta_router,
    decisions_router,
    evaluations_router,
    buildings_router,
    bodies_router,
    meetings_router,
    patrols_router,
    webhooks_router,
    intake_router,
)


def served_app() -> FastAPI:
    """The application as ``governance-api serve`` runs it, in each of its worker processes."""
    return create_app(settle_heap=True)


def create_app(settings: Settings | None = None, db: Database | None = None, *, settle_heap: bool = False) -> FastAPI:
    """``settle_heap``: once started, exempt what startup built from the garbage collector's full
    collections (``settle_heap_now``); for a serving process, not for one that builds many apps."""
    settings = settings or get_settings()
    database = db or Database(settings)
    loop_reads = LoopReads(settings, database)
    loop_writes = LoopWrites(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if settle_heap:
            settle_heap_now()
        await loop_reads.open()  # their pools belong to this process's event loop
        await loop_writes.open()
        yield
        await loop_writes.close()
        await loop_reads.close()
        if db is None:
            database.dispose()

    app = FastAPI(
        title="governance-api",
        version=__version__,
        summary="Community rule-of-law governance (居民区依法治理): major decisions and disputes",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # install_docs: the same page, with assets served here instead of a CDN
        redoc_url=None,
        generate_unique_id_function=operation_id,
        swagger_ui_oauth2_redirect_url=None,  # bearer tokens only: no OAuth2 redirect flow to finish
        lifespan=lifespan,
        dependencies=[Depends(refuse_nul)],  # every route: no U+0000 in path, query or form values
    )
    app.state.settings = settings
    app.state.db = database
    app.state.loop_reads = loop_reads
    app.state.loop_writes = loop_writes
    app.state.sign_in_limiter = SignInLimiter(
        database, settings.token_attempts_per_minute, settings.jwt_secret.get_secret_value().encode()
    )
    app.state.actors = ActorCache(settings.grants_cache_seconds)
    problems.install(app)

    app.include_router(health_router)
    # Each domain router straight onto the app: a request is matched against one level of routers,
    # not an API router's and then its children's.
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    install_docs(app, f"{API_PREFIX}/docs", f"{API_PREFIX}/openapi.json")

    # Added innermost first: requests pass RequestContext → BodyLimit → Idempotency → routes.
    app.add_middleware(IdempotencyMiddleware, store=IdempotencyStore(database, settings))
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        per_path={API_PREFIX + WORK_ORDERS_PATH: settings.max_batch_body_bytes},  # 500 work orders
    )
    app.add_middleware(RequestContextMiddleware)
    extend_openapi(app, MACHINES)
    return app


def settle_heap_now() -> None:
    """Move every object alive now into the garbage collector's permanent generation (``gc.freeze``),
    so its full collections no longer walk them. A started app holds some 200 000 objects (routes,
    schemas, the SQLAlchemy metadata) that live as long as the process, and a full collection of them
    took 76 ms here; a batch of work orders leaves enough objects behind to set one off every few
    batches (measured: 16 ms of collection per batch of 500 before, 3 ms after; bench/RESULTS.md).
    Garbage made afterwards is collected as before."""
    gc.collect()
    gc.freeze()


def openapi_document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()
