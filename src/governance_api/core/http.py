"""Small HTTP conventions shared by routers: ETag / If-Match, and reading an action's raw JSON body."""

import json
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response

from governance_api.core.errors import BadRequest, VersionConflict


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def if_match(
    value: Annotated[str | None, Header(alias="If-Match", description='The ETag you read, e.g. "3"')] = None,
) -> int | None:
    """The version the client expects, or None when it sent no If-Match (or ``*``)."""
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 18:
        raise VersionConflict(f"If-Match {value!r} matches no version of this record")
    return int(text)


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
