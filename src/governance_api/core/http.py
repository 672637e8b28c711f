"""Small HTTP conventions shared by routers: ETag / If-Match, and reading an action's raw JSON body."""

import json
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response

from governance_api.core.errors import BadRequest


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


UNMATCHABLE = 0  # versions start at 1: a malformed If-Match is a precondition no record meets


def if_match(
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
    raw = await request.body()
    if not raw.strip():
        return {}
    ctype = request.headers.get("content-type", "")
    if ctype and "json" not in ctype.split(";")[0]:
        raise BadRequest("send the body as application/json")
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest("the body is not valid JSON") from exc


IfMatch = Annotated[int | None, Depends(if_match)]
RawBody = Annotated[Any, Depends(json_body)]
