"""RFC 9457 problem responses: the one place domain errors, framework errors and crashes become HTTP.

``responses(...)`` gives each route the ``responses=`` entries so the OpenAPI document lists every
problem a client can get from it.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from governance_api.core import errors as e

log = logging.getLogger("governance_api.problems")

PROBLEM_JSON = "application/problem+json"

STATUS: dict[type[e.DomainError], int] = {
    e.BadRequest: 400,
    e.Unauthorized: 401,
    e.Forbidden: 403,
    e.NotFound: 404,
    e.TransitionNotAllowed: 409,
    e.GuardFailed: 409,
    e.Duplicate: 409,
    e.VersionConflict: 412,
    e.PayloadTooLarge: 413,
    e.ValidationFailed: 422,
    e.NotAMajorDecision: 422,
    e.IdempotencyKeyReuse: 422,
    e.RateLimited: 429,
}


class ProblemFieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document with this API's stable ``code``."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[ProblemFieldError] | None = None
    unmet: list[str] | None = None
    existing_id: str | None = None


def problem_response(
    status: int, code: str, title: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:governance-api:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def from_domain_error(exc: e.DomainError) -> JSONResponse:
    status = next(code for cls, code in STATUS.items() if isinstance(exc, cls))
    extra: dict[str, Any] = {}
    headers: dict[str, str] | None = None
    if isinstance(exc, e.ValidationFailed):
        extra["errors"] = [{"field": f.field, "message": f.message} for f in exc.errors]
    if isinstance(exc, e.GuardFailed):
        extra["unmet"] = exc.unmet
    if isinstance(exc, e.Duplicate):
        extra["existing_id"] = exc.existing_id
    if isinstance(exc, e.RateLimited):
        headers = {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, e.Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    return problem_response(status, exc.code, exc.title, exc.detail, headers, **extra)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def from_validation_error(exc: RequestValidationError) -> JSONResponse:
    errs = list(exc.errors())
    if any(err.get("type") == "json_invalid" for err in errs):
        return from_domain_error(e.BadRequest("the body is not valid JSON"))
    if any(tuple(err.get("loc", ())) == ("body",) and isinstance(err.get("input"), bytes) for err in errs):
        # FastAPI hands a JSON route the raw bytes when the content type is not JSON (or missing).
        return from_domain_error(e.BadRequest("send the body as application/json"))
    fields = [e.FieldError(_field(tuple(err.get("loc", ()))), str(err.get("msg", "invalid"))) for err in errs]
    return from_domain_error(e.ValidationFailed(fields))


def pydantic_errors(exc: Any, prefix: str = "body") -> e.ValidationFailed:
    """Turn a pydantic ``ValidationError`` raised inside a service into the domain error."""
    return e.ValidationFailed(
        [e.FieldError(_field((prefix, *err["loc"])), err["msg"]) for err in exc.errors(include_url=False)]
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "bad_request",
}


def install(app: FastAPI) -> None:
    @app.exception_handler(e.DomainError)
    async def _domain(_: Request, exc: e.DomainError) -> JSONResponse:
        return from_domain_error(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return from_validation_error(exc)

    @app.exception_handler(StaleDataError)
    async def _stale(_: Request, exc: StaleDataError) -> JSONResponse:
        # The ORM's compare-and-set on ``version`` matched no row: another writer got there first.
        return from_domain_error(e.VersionConflict("the record was changed by another request; read it again"))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        titles = {404: "No such resource", 405: "Method not allowed", 413: e.PayloadTooLarge.title}
        title = titles.get(exc.status_code, str(exc.detail))
        headers = dict(exc.headers or {})
        return problem_response(exc.status_code, code, title, str(exc.detail), headers or None)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        rid = request.scope.get("request_id")
        return problem_response(
            500,
            "internal_error",
            "Internal error",
            "an unexpected error occurred",
            {"X-Request-ID": rid} if rid else None,
        )


# What any write on an aggregate (an action or a sub-record) can answer besides the common problems.
WRITE_PROBLEMS: tuple[type[e.DomainError], ...] = (
    e.NotFound,
    e.Forbidden,
    e.TransitionNotAllowed,
    e.GuardFailed,
    e.Duplicate,
    e.VersionConflict,
    e.IdempotencyKeyReuse,
)


def responses(*errors: type[e.DomainError]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: every problem it can answer, plus the ones every route can."""
    common: tuple[type[e.DomainError], ...] = (e.BadRequest, e.Unauthorized, e.ValidationFailed, e.PayloadTooLarge)
    out: dict[int | str, dict[str, Any]] = {}
    for cls in (*common, *errors):
        status = STATUS[cls]
        entry = out.setdefault(status, {"model": Problem, "description": "", "content": {PROBLEM_JSON: {}}})
        codes = [c for c in entry["description"].split(", ") if c]
        if cls.code not in codes:
            codes.append(cls.code)
        entry["description"] = ", ".join(codes)
    return out
