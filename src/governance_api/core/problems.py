"""RFC 9457 problem responses: the one place domain errors, framework errors and crashes become HTTP.

``responses(...)`` gives each route the ``responses=`` entries so the OpenAPI document lists every
problem a client can get from it.
"""

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimedOut
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from governance_api.core import errors as e
from governance_api.core.vocab import Labelled

log = logging.getLogger("governance_api.problems")

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}  # added to the components by core.contract

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
    e.Unavailable: 503,
}


class ProblemCode(Labelled):
    """The stable codes of API.md "Errors" (and the framework's own: 405, 500)."""

    bad_request = "bad_request", "请求格式错误"
    unauthorized = "unauthorized", "未登录或令牌无效"
    forbidden = "forbidden", "无权进行此操作"
    not_found = "not_found", "记录不存在或不在权限范围内"
    method_not_allowed = "method_not_allowed", "不支持的请求方法"
    transition_not_allowed = "transition_not_allowed", "当前状态下不能进行此操作"
    guard_failed = "guard_failed", "前置条件未满足"
    duplicate = "duplicate", "重复记录"
    version_conflict = "version_conflict", "记录已被修改, 请重新读取"
    payload_too_large = "payload_too_large", "请求体过大"
    validation_error = "validation_error", "输入校验未通过"
    not_a_major_decision = "not_a_major_decision", "未达到清单金额标准, 不属于重大决策事项"
    idempotency_key_reuse = "idempotency_key_reuse", "幂等键已用于不同的请求"
    rate_limited = "rate_limited", "请求过于频繁"
    unavailable = "unavailable", "服务暂不可用, 请稍后重试"
    internal_error = "internal_error", "服务内部错误"


class ProblemFieldError(BaseModel):
    field: str = Field(description="where: body.<field>, query.<name>, header.<name> or path.<name>")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem document (``application/problem+json``) with this API's stable ``code``."""

    type: str = Field(description="urn:governance-api:problem:<code>")
    title: str
    status: int = Field(description="the HTTP status, repeated")
    detail: str = Field(description="what happened, for a person")
    code: ProblemCode
    errors: list[ProblemFieldError] | None = Field(None, description="validation_error: each field and why")
    unmet: list[str] | None = Field(
        None, description="guard_failed: the unmet preconditions (the operation's x-guard-codes, with zh messages)"
    )
    existing_id: str | None = Field(None, description="duplicate: the id of what was recorded already")


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
    if isinstance(exc, e.RateLimited | e.Unavailable):
        headers = {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, e.Unauthorized):
        headers = {"WWW-Authenticate": "Bearer"}
    return problem_response(status, exc.code, exc.title, exc.detail, headers, **extra)


_UNION_MEMBER = re.compile(r"^(none|str|int|float|bool)$|[-\[\]]")


def _field(loc: tuple[Any, ...]) -> str:
    """The field a problem names: pydantic's location without the union-member tags it adds for an
    optional field (``body.display_name.constrained-str`` is ``body.display_name``)."""
    return ".".join(str(p) for p in loc if not (isinstance(p, str) and _UNION_MEMBER.search(p))) or "body"


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


def loggable_path(path: str) -> str:
    """A path as logs may show it: a tracking code (解纷码) is a bearer secret for the public lookup."""
    return re.sub(r"(/public/disputes/)[^/]+", r"\1{tracking_code}", path)


def _allowed_methods(request: Request) -> str | None:
    """Every method the contract declares on the request's path (for a 405's ``Allow``)."""
    paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
    for template, operations in paths.items():
        if re.fullmatch(re.sub(r"\{[^/]+\}", "[^/]+", template), request.url.path):
            return ", ".join(sorted(m.upper() for m in operations))
    return None


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

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated:
            # The pool noticed the server dropped the connection (it holds no pre-pinged ones); the
            # next attempt gets a fresh connection.
            log.warning("database connection lost on %s %s", request.method, loggable_path(request.url.path))
            return from_domain_error(e.Unavailable())
        return await _crash(request, exc)

    @app.exception_handler(PoolTimedOut)
    async def _pool_timeout(request: Request, exc: PoolTimedOut) -> JSONResponse:
        # Every connection stayed busy for ``db_pool_timeout_seconds``: overloaded, not broken.
        log.warning("no database connection free on %s %s", request.method, loggable_path(request.url.path))
        return from_domain_error(e.Unavailable("no database connection came free in time; retry shortly"))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        titles = {404: "No such resource", 405: "Method not allowed", 413: e.PayloadTooLarge.title}
        title = titles.get(exc.status_code, str(exc.detail))
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (allowed := _allowed_methods(request)):
            headers["Allow"] = allowed  # Starlette names only the first route's methods
        return problem_response(exc.status_code, code, title, str(exc.detail), headers or None)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, loggable_path(request.url.path))
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
        entry = out.setdefault(status, {"description": "", "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}})
        codes = [c for c in entry["description"].split(", ") if c]
        if cls.code not in codes:
            codes.append(cls.code)
        entry["description"] = ", ".join(codes)
    return out
