"""Small helpers for the foundation tests: problem assertions, row counts, tokens, org units."""

import datetime as dt
import uuid
from typing import Any

import httpx
from jose import jwt
from sqlalchemy import func, select

from governance_api.db import Database
from governance_api.models.base import Base
from governance_api.settings import Settings

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


def assert_problem(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """``r`` is an RFC 9457 problem with ``status`` and ``code``; returns the body."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers["content-type"]
    body: dict[str, Any] = r.json()
    assert body.keys() >= PROBLEM_FIELDS, body
    assert body["status"] == status and body["code"] == code, body
    assert body["type"].endswith(code) and body["title"] and body["detail"], body
    return body


def count(db: Database, model: type[Base]) -> int:
    with db.session(write=False) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def claims(settings: Settings, subject: uuid.UUID | str, **overrides: Any) -> dict[str, Any]:
    """The claims ``tokens.issue`` would put in a token, with ``overrides`` (None removes a claim)."""
    now = int(dt.datetime.now(dt.UTC).timestamp())
    base: dict[str, Any] = {
        "sub": str(subject),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + 600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(settings: Settings, payload: dict[str, Any], algorithm: str = "HS256", secret: str | None = None) -> str:
    key = secret if secret is not None else settings.jwt_secret.get_secret_value()
    token: str = jwt.encode(payload, key, algorithm=algorithm)
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unit_body(
    kind: str, code: str, parent_id: uuid.UUID | str | None = None, name: str | None = None
) -> dict[str, Any]:
    return {"kind": kind, "code": code, "name": name or code, "parent_id": str(parent_id) if parent_id else None}
