"""POST /api/v1/auth/token: the password grant for people, client credentials for feeds, and the
limit on failed sign-ins."""

import secrets
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from foundation.conftest import shared_fixtures
from foundation.factories import assert_problem, bearer
from governance_api.app import create_app
from governance_api.core.errors import RateLimited
from governance_api.core.ratelimit import SignInLimiter
from governance_api.db import Database
from governance_api.models.org import User
from governance_api.roles import Role
from governance_api.security import needs_rehash
from governance_api.settings import Settings
from governance_api.tokens import subject_of
from world import PASSWORD, World

TOKEN = "/api/v1/auth/token"


# Nothing here depends on a pristine database, so the module shares one (see foundation.conftest).
settings, db, world, client = shared_fixtures("shared", "settings", "db", "world", "client")


def test_password_grant_issues_a_bearer_token(client: TestClient, world: World, settings: Settings) -> None:
    r = client.post(TOKEN, data={"username": "sec1", "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.token_ttl_seconds
    assert subject_of(body["access_token"], settings) == world.users["sec1"]
    me = client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["username"] == "sec1"


def test_explicit_password_grant_type(client: TestClient, world: World) -> None:
    r = client.post(TOKEN, data={"grant_type": "password", "username": "jo", "password": PASSWORD})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "form",
    [
        {"username": "sec1", "password": "wrong-password"},
        {"username": "nobody-here", "password": PASSWORD},
        {"username": "sec1", "password": PASSWORD.lower()},
    ],
    ids=["wrong-password", "unknown-user", "case-changed-password"],
)
def test_bad_credentials_are_401(client: TestClient, world: World, form: dict[str, str]) -> None:
    r = client.post(TOKEN, data=form)
    assert_problem(r, 401, "unauthorized")
    assert "access_token" not in r.text


def test_disabled_user_cannot_sign_in(client: TestClient, world: World, db: Database) -> None:
    world.add_user("retired", (Role.community_staff, "C1"))
    assert client.post(TOKEN, data={"username": "retired", "password": PASSWORD}).status_code == 200
    with db.transaction() as s:
        s.execute(update(User).where(User.username == "retired").values(active=False))
    assert_problem(client.post(TOKEN, data={"username": "retired", "password": PASSWORD}), 401, "unauthorized")


def test_client_credentials_for_integration_client(client: TestClient, world: World, settings: Settings) -> None:
    form = {"grant_type": "client_credentials", "client_id": "ic", "client_secret": PASSWORD}
    r = client.post(TOKEN, data=form)
    assert r.status_code == 200, r.text
    assert r.json()["token_type"] == "bearer"
    assert subject_of(r.json()["access_token"], settings) == world.users["ic"]


def test_integration_client_may_not_use_password_grant(client: TestClient, world: World) -> None:
    r = client.post(TOKEN, data={"grant_type": "password", "username": "ic", "password": PASSWORD})
    assert_problem(r, 401, "unauthorized")


def test_person_may_not_use_client_credentials(client: TestClient, world: World) -> None:
    form = {"grant_type": "client_credentials", "client_id": "sec1", "client_secret": PASSWORD}
    assert_problem(client.post(TOKEN, data=form), 401, "unauthorized")


def test_client_credentials_with_wrong_secret(client: TestClient, world: World) -> None:
    form = {"grant_type": "client_credentials", "client_id": "ic", "client_secret": "not-the-secret"}
    assert_problem(client.post(TOKEN, data=form), 401, "unauthorized")


@pytest.mark.parametrize("grant", ["authorization_code", "refresh_token", "PASSWORD", "client-credentials"])
def test_unknown_grant_type_is_422(client: TestClient, world: World, grant: str) -> None:
    r = client.post(TOKEN, data={"grant_type": grant, "username": "sec1", "password": PASSWORD})
    body = assert_problem(r, 422, "validation_error")
    assert body["errors"][0]["field"] == "body.grant_type"  # a form field, named like every body field


@pytest.mark.parametrize(
    "form", [{"username": "sec1"}, {"password": PASSWORD}, {}, {"grant_type": "client_credentials", "client_id": "ic"}]
)
def test_missing_credentials_are_422(client: TestClient, world: World, form: dict[str, str]) -> None:
    assert_problem(client.post(TOKEN, data=form), 422, "validation_error")


def test_overlong_credentials_are_422(client: TestClient, world: World) -> None:
    assert_problem(client.post(TOKEN, data={"username": "u" * 65, "password": PASSWORD}), 422, "validation_error")
    assert_problem(client.post(TOKEN, data={"username": "sec1", "password": "p" * 129}), 422, "validation_error")


def _address() -> tuple[str, int]:
    """A client address of its own: the limiter's counts live in the (module-shared) database."""
    return (f"198.18.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}", 5000)


def test_repeated_failures_are_rate_limited(settings: Settings, db: Database, world: World) -> None:
    limited = settings.model_copy(update={"token_attempts_per_minute": 3})
    with TestClient(create_app(limited, db), raise_server_exceptions=False, client=_address()) as c:
        for _ in range(3):
            assert_problem(c.post(TOKEN, data={"username": "sec1", "password": "wrong-pass"}), 401, "unauthorized")
        r = c.post(TOKEN, data={"username": "sec1", "password": "wrong-pass"})
        assert_problem(r, 429, "rate_limited")
        assert int(r.headers["Retry-After"]) >= 1
        # While limited even the right password is refused: guessing gains nothing.
        assert_problem(c.post(TOKEN, data={"username": "sec1", "password": PASSWORD}), 429, "rate_limited")
        # A colleague behind the same (NAT) address is not affected.
        assert c.post(TOKEN, data={"username": "jo", "password": PASSWORD}).status_code == 200


def test_two_instances_enforce_one_limit(settings: Settings, db: Database, world: World) -> None:
    """Two instances on one database (as behind a load balancer) share the count: 3 in all, not 3 each."""
    limited = settings.model_copy(update={"token_attempts_per_minute": 3})
    address = _address()
    with (
        TestClient(create_app(limited, db), raise_server_exceptions=False, client=address) as one,
        TestClient(create_app(limited, db), raise_server_exceptions=False, client=address) as two,
    ):
        statuses = [c.post(TOKEN, data={"username": "sec1", "password": "x-wrong"}).status_code for c in (one, two) * 3]
    assert statuses == [401, 401, 401, 429, 429, 429]


def test_concurrent_attempts_are_counted_atomically(db: Database, world: World) -> None:
    """40 simultaneous attempts on one key: exactly the limit of them get to check a password (the
    slot is taken before the check, in one statement, so none slips between a check and a count).
    The race is PostgreSQL's (rows locked by the upsert); SQLite's BEGIN IMMEDIATE serializes them."""
    limiter = SignInLimiter(db, max_attempts=10, secret=b"test")
    address = _address()[0]
    barrier = threading.Barrier(40)

    def attempt() -> bool:
        barrier.wait()
        try:
            limiter.attempt(address, "sec1")
        except RateLimited:
            return False
        return True

    with ThreadPoolExecutor(max_workers=40) as pool:
        admitted = list(pool.map(lambda _: attempt(), range(40)))
    assert admitted.count(True) == 10


def test_success_clears_earlier_failures(settings: Settings, db: Database, world: World) -> None:
    limited = settings.model_copy(update={"token_attempts_per_minute": 3})
    with TestClient(create_app(limited, db), raise_server_exceptions=False, client=_address()) as c:
        for _ in range(2):
            assert c.post(TOKEN, data={"username": "sec1", "password": "wrong-pass"}).status_code == 401
        assert c.post(TOKEN, data={"username": "sec1", "password": PASSWORD}).status_code == 200
        for _ in range(2):
            assert c.post(TOKEN, data={"username": "sec1", "password": "wrong-pass"}).status_code == 401
        assert c.post(TOKEN, data={"username": "sec1", "password": PASSWORD}).status_code == 200


def test_lockout_is_per_client_address(settings: Settings, db: Database, world: World) -> None:
    """Failures from one address do not lock the user out for callers elsewhere."""
    limited = settings.model_copy(update={"token_attempts_per_minute": 2})
    app = create_app(limited, db)
    with (
        TestClient(app, raise_server_exceptions=False, client=("203.0.113.7", 5000)) as attacker,
        TestClient(app, raise_server_exceptions=False, client=("198.51.100.2", 5000)) as owner,
    ):
        for _ in range(2):
            attacker.post(TOKEN, data={"username": "sec1", "password": "wrong-pass"})
        assert_problem(attacker.post(TOKEN, data={"username": "sec1", "password": PASSWORD}), 429, "rate_limited")
        assert owner.post(TOKEN, data={"username": "sec1", "password": PASSWORD}).status_code == 200


def test_a_hash_with_older_parameters_is_rewritten_at_sign_in(client: TestClient, world: World, db: Database) -> None:
    """A password hashed with other argon2 parameters (argon2-cffi's 64 MiB default, as before)
    still signs in, and leaves today's parameters behind."""
    with db.transaction() as s:
        s.execute(update(User).where(User.username == "staff1").values(password_hash=PasswordHasher().hash(PASSWORD)))
    assert client.post(TOKEN, data={"username": "staff1", "password": PASSWORD}).status_code == 200
    with db.session(write=False) as s:
        stored = s.scalars(select(User.password_hash).where(User.username == "staff1")).one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and not needs_rehash(stored)
    assert client.post(TOKEN, data={"username": "staff1", "password": PASSWORD}).status_code == 200
