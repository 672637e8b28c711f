"""Bearer tokens on GET /api/v1/me: only an HS256 token with our secret, issuer, audience, a subject
and an unexpired ``exp``, for an existing active user, authenticates."""

import base64
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, update

from foundation.conftest import Shared
from foundation.factories import assert_problem, bearer, claims, sign
from governance_api.db import Database
from governance_api.models.org import User
from governance_api.roles import Role
from governance_api.settings import Settings
from world import World

ME = "/api/v1/me"


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _unsigned(payload: dict[str, Any]) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(payload)}."


def _swap_header(token: str, header: dict[str, Any]) -> str:
    """The same claims and signature under another header (what an algorithm-confusion attack sends)."""
    _, payload, signature = token.split(".")
    return f"{_b64(header)}.{payload}.{signature}"


TokenMaker = Callable[[Settings, uuid.UUID], str]

BAD_TOKENS: dict[str, TokenMaker] = {
    "expired": lambda s, u: sign(s, claims(s, u, iat=1_600_000_000, exp=1_600_000_600)),
    "missing-exp": lambda s, u: sign(s, claims(s, u, exp=None)),
    "missing-sub": lambda s, u: sign(s, claims(s, u, sub=None)),
    "missing-iat": lambda s, u: sign(s, claims(s, u, iat=None)),
    "missing-aud": lambda s, u: sign(s, claims(s, u, aud=None)),
    "missing-iss": lambda s, u: sign(s, claims(s, u, iss=None)),
    "wrong-audience": lambda s, u: sign(s, claims(s, u, aud="someone-else")),
    "wrong-issuer": lambda s, u: sign(s, claims(s, u, iss="evil-issuer")),
    "non-uuid-subject": lambda s, u: sign(s, claims(s, u, sub="sec1")),
    "numeric-subject": lambda s, u: sign(s, claims(s, u, sub=12345)),
    "string-exp": lambda s, u: sign(s, claims(s, u, exp="tomorrow")),
    "other-secret": lambda s, u: sign(s, claims(s, u), secret="another-secret-0123456789abcdef0123"),
    "alg-none": lambda s, u: _unsigned(claims(s, u)),
    "alg-none-with-signature": lambda s, u: _swap_header(sign(s, claims(s, u)), {"alg": "none", "typ": "JWT"}),
    "hs512-right-secret": lambda s, u: sign(s, claims(s, u), algorithm="HS512"),
    "hs384-right-secret": lambda s, u: sign(s, claims(s, u), algorithm="HS384"),
    "rs256-header": lambda s, u: _swap_header(sign(s, claims(s, u)), {"alg": "RS256", "typ": "JWT"}),
    "no-alg-header": lambda s, u: _swap_header(sign(s, claims(s, u)), {"typ": "JWT"}),
    "header-not-object": lambda s, u: f"{base64.urlsafe_b64encode(b'[1]').decode()}.{_b64(claims(s, u))}.sig",
    "tampered-payload": lambda s, u: (
        sign(s, claims(s, u)).split(".")[0]
        + "."
        + _b64(claims(s, uuid.uuid4()))
        + "."
        + sign(s, claims(s, u)).split(".")[2]
    ),
    "garbage": lambda s, u: "not-a-token",
    "garbage-three-parts": lambda s, u: "aaa.bbb.ccc",
    "empty-segments": lambda s, u: "..",
    "unknown-user": lambda s, u: sign(s, claims(s, uuid.uuid4())),
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_bad_token_is_401(shared: Shared, kind: str) -> None:
    token = BAD_TOKENS[kind](shared.settings, shared.world.users["sec1"])
    r = shared.client.get(ME, headers=bearer(token))
    assert_problem(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_the_well_formed_control_token_is_accepted(shared: Shared) -> None:
    """The bad tokens above differ from this one in one thing each, so each 401 is for that thing."""
    settings = shared.settings
    r = shared.client.get(ME, headers=bearer(sign(settings, claims(settings, shared.world.users["sec1"]))))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic c2VjMTpXb3JsZC1wYXNzLTEyMzQ="},
        {"Authorization": "Token abc"},
    ],
    ids=["none", "empty", "scheme-only", "scheme-blank", "basic", "other-scheme"],
)
def test_missing_or_non_bearer_credentials_are_401(shared: Shared, headers: dict[str, str]) -> None:
    assert_problem(shared.client.get(ME, headers=headers), 401, "unauthorized")


def test_basic_scheme_with_a_valid_token_is_refused(client: TestClient, world: World) -> None:
    token = world.h("sec1")["Authorization"].split()[1]
    assert_problem(client.get(ME, headers={"Authorization": f"Basic {token}"}), 401, "unauthorized")


def test_non_ascii_token_is_401(client: TestClient, world: World) -> None:
    raw = {"Authorization": "Bearer é.é.é".encode("latin-1")}
    assert_problem(client.get(ME, headers=raw), 401, "unauthorized")


def test_lowercase_bearer_scheme_is_accepted(client: TestClient, world: World) -> None:
    token = world.h("sec1")["Authorization"].split()[1]
    assert client.get(ME, headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_token_of_a_disabled_user_is_401(client: TestClient, world: World, db: Database) -> None:
    headers = world.h("sec1")
    assert client.get(ME, headers=headers).status_code == 200
    with db.transaction() as s:
        s.execute(update(User).where(User.id == world.users["sec1"]).values(active=False))
    assert_problem(client.get(ME, headers=headers), 401, "unauthorized")


def test_token_of_a_deleted_user_is_401(client: TestClient, world: World, db: Database) -> None:
    headers = world.h("res1")
    with db.transaction() as s:
        s.execute(delete(User).where(User.id == world.users["res1"]))
    assert_problem(client.get(ME, headers=headers), 401, "unauthorized")


def test_me_returns_the_user_and_its_assignments(client: TestClient, world: World) -> None:
    r = client.get(ME, headers=world.h("sec1"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == str(world.users["sec1"])
    assert body["username"] == "sec1" and body["display_name"] == "sec1" and body["active"] is True
    assert body["roles"] == [
        {
            "role": "community_secretary",
            "org_unit_id": str(world.units["C1"]),
            "org_unit_kind": "community",
            "org_unit_name": "金色雅筑居民区",
        }
    ]
    assert "password" not in r.text and "password_hash" not in r.text


def test_me_lists_every_assignment(client: TestClient, world: World) -> None:
    world.add_user("multi", (Role.mediator, "S1"), (Role.community_staff, "C2"), (Role.legal_adviser, "C1"))
    body = client.get(ME, headers=world.h("multi")).json()
    got = {(x["role"], x["org_unit_id"]) for x in body["roles"]}
    assert got == {
        ("mediator", str(world.units["S1"])),
        ("community_staff", str(world.units["C2"])),
        ("legal_adviser", str(world.units["C1"])),
    }
