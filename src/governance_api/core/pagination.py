"""Cursor pagination: newest first, keyset on (created_at, id), an opaque base64 cursor."""

import base64
import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import BindParameter, Integer, Select, and_, bindparam, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from governance_api.core.errors import ValidationFailed

T = TypeVar("T")
MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    """The one list envelope (API.md "Lists"): a page of items and the cursor of the next page, or
    a whole sub-resource list (ballots, sessions, history …) with ``next_cursor`` null."""

    items: list[T]
    next_cursor: str | None

    @classmethod
    def whole(cls, items: list[T]) -> "Page[T]":
        return cls(items=items, next_cursor=None)


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size, 1–200")] = 50,
    cursor: Annotated[str | None, Query(max_length=200, description="Opaque cursor from next_cursor")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


Paging = Annotated[PageParams, Depends(page_params)]


def encode_cursor(created_at: dt.datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), row_id.hex]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, hex_id = json.loads(raw)
        if not isinstance(stamp, str) or not isinstance(hex_id, str):
            raise TypeError("cursor parts are strings")  # uuid.UUID(hex=5) would raise AttributeError
        created = dt.datetime.fromisoformat(stamp)
        if created.tzinfo is None:
            raise ValueError("naive")
        return created, uuid.UUID(hex=hex_id)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise ValidationFailed.one("query.cursor", "not a cursor this API issued") from exc


def paginate(
    session: Session,
    stmt: Select[Any],
    created_col: InstrumentedAttribute[dt.datetime],
    id_col: InstrumentedAttribute[uuid.UUID],
    params: PageParams,
) -> tuple[list[Any], str | None]:
    """Run ``stmt`` (selecting one entity) one page at a time; returns the rows and the next cursor.
    The page's query is ``keyset_page``'s, built for this call (``paginate_bound`` when the
    statement is built once and reused)."""
    page = BoundPage(lambda after: keyset_page(stmt, created_col, id_col, after=after), {})
    return paginate_bound(session, page, created_col.key, id_col.key, params)


def keyset_page(
    stmt: Select[Any],
    created_col: InstrumentedAttribute[dt.datetime],
    id_col: InstrumentedAttribute[uuid.UUID],
    *,
    after: bool,
) -> Select[Any]:
    """``stmt`` one page at a time, newest first (keyset on created_at, id), with the page size and
    (``after``) the cursor's place as bind parameters, so that a repository can build it once per
    shape and reuse it (``BoundPage``); ``paginate`` builds it per call."""
    if after:
        created: BindParameter[dt.datetime] = bindparam("after_created")
        row_id: BindParameter[uuid.UUID] = bindparam("after_id")
        stmt = stmt.where(or_(created_col < created, and_(created_col == created, id_col < row_id)))
    return stmt.order_by(created_col.desc(), id_col.desc()).limit(bindparam("page_size", type_=Integer))


@dataclass(frozen=True)
class BoundPage:
    """A list query built once per shape: ``statement(after)`` (a ``keyset_page``, cached by its
    repository) and the values this call binds to it."""

    statement: Callable[[bool], Select[Any]]
    binds: dict[str, Any]


def paginate_bound(
    session: Session, query: BoundPage, created_key: str, id_key: str, params: PageParams
) -> tuple[list[Any], str | None]:
    """One page of a ``BoundPage``: its rows and the next page's cursor (null on the last page)."""
    after, values = page_values(query.binds, params)
    rows = list(session.scalars(query.statement(after), values))
    return cut_page(rows, params, lambda row: (getattr(row, created_key), getattr(row, id_key)))


def page_values(binds: dict[str, Any], params: PageParams) -> tuple[bool, dict[str, Any]]:
    """Whether the page starts after a cursor, and the values its ``keyset_page`` statement binds:
    one row more than the page, to know whether another page follows."""
    cursor = params.cursor or None  # an empty cursor is no cursor: the first page
    values = binds | {"page_size": params.limit + 1}
    if cursor is not None:
        values["after_created"], values["after_id"] = decode_cursor(cursor)
    return cursor is not None, values


def cut_page(
    rows: list[T], params: PageParams, key: Callable[[T], tuple[dt.datetime, uuid.UUID]]
) -> tuple[list[T], str | None]:
    """The page's rows of the ``page_values`` query's, and the next page's cursor (null on the last)."""
    if len(rows) <= params.limit:
        return rows, None
    rows = rows[: params.limit]
    return rows, encode_cursor(*key(rows[-1]))
