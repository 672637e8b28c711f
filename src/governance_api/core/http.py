"""Small HTTP conventions shared by routers: ETag / If-Match, reading an action's raw JSON body, and
refusing U+0000 in path, query and form values."""

from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response, params

from governance_api.core.errors import BadRequest, FieldError, ValidationFailed
from governance_api.core.schemas import parse_json
from governance_api.core.validators import NUL_MESSAGE, has_nul


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


UNMATCHABLE = 0  # versions start at 1: a malformed If-Match is a precondition no record meets


async def if_match(
    value: Annotated[str | None, Header(alias="If-Match", description='The ETag you read, e.g. "3"')] = None,
) -> int | None:
    """The version the client expects, or None when it sent no If-Match (or ``*``). A malformed
    value is not refused here: that would answer 412 before scope (404) and state; it becomes a
    version no record has, so the record's own check answers 412 in API.md's order."""
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    return int(text) if text.isdigit() and len(text) <= 18 else UNMATCHABLE


async def json_body(request: Request) -> Any:
    """The request body as parsed JSON (``{}`` when empty), for endpoints that validate it themselves
    so that scope, state and role are answered before the body (API.md's order of checks)."""
    return parse_json(await json_bytes(request))


async def json_bytes(request: Request) -> bytes:
    """The request body unparsed (``{}`` when empty), for an endpoint that reads its JSON straight
    from the bytes (``core.schemas.parse_json`` when it needs it parsed): a feed's batch. A body must say it is JSON."""
    raw = await request.body()
    if not raw.strip():
        return b"{}"
    ctype = request.headers.get("content-type", "")
    if "json" not in ctype.split(";")[0]:  # missing too: a body must say what it is, as typed bodies do
        raise BadRequest("send the body as application/json")
    return raw


IfMatch = Annotated[int | None, Depends(if_match)]
RawBody = Annotated[Any, Depends(json_body)]
JsonBytes = Annotated[bytes, Depends(json_bytes)]


async def refuse_nul(request: Request) -> None:
    """422 naming every path, query or form value that holds U+0000, which PostgreSQL text cannot
    hold (bodies are checked by ``core.schemas.Input``). One app-wide dependency rather than a type
    on each parameter, so no route can forget it; it runs after routing, so it names the parameter
    (``path.tracking_code``, ``query.q``, ``form.username``)."""
    places: list[tuple[str, list[tuple[str, Any]]]] = [
        ("path", list(request.path_params.items())),
        ("query", request.query_params.multi_items()),
    ]
    if _takes_form(request):
        # FastAPI has parsed the form already and Starlette caches it: this reads no body twice.
        places.append(("form", (await request.form()).multi_items()))
    bad = [
        FieldError(f"{place}.{name}", NUL_MESSAGE)
        for place, items in places
        for name, value in items
        if has_nul(name) or has_nul(value)
    ]
    if bad:
        raise ValidationFailed(bad)


def _takes_form(request: Request) -> bool:
    """Whether the matched route declares form fields (only then is the form parsed: reading it on a
    route that reads its own raw body would consume the stream under it)."""
    body = getattr(request.scope.get("route"), "body_field", None)
    return isinstance(getattr(body, "field_info", None), params.Form)
