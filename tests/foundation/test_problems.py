"""RFC 9457 problem responses for everything a client can get wrong; nothing is written by a
refused request."""

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import TimeoutError as PoolTimedOut
from sqlalchemy.orm.exc import StaleDataError

from foundation.conftest import Shared, shared_fixtures
from foundation.factories import assert_problem, count, unit_body
from governance_api.app import create_app
from governance_api.db import Database
from governance_api.models.org import OrgUnit, User
from governance_api.models.records import IdempotencyRecord
from governance_api.settings import Settings
from world import World

UNITS = "/api/v1/org-units"
JSON = {"content-type": "application/json"}


# Nothing here depends on a pristine database, so the module shares one (see foundation.conftest).
settings, db, world, client = shared_fixtures("shared", "settings", "db", "world", "client")


@pytest.fixture
def nothing_written(db: Database, world: World) -> Iterator[None]:
    before = count(db, OrgUnit), count(db, User), count(db, IdempotencyRecord)
    yield
    assert (count(db, OrgUnit), count(db, User), count(db, IdempotencyRecord)) == before


def test_unknown_route_is_404(client: TestClient, world: World) -> None:
    assert_problem(client.get("/api/v1/no-such-thing", headers=world.h("sec1")), 404, "not_found")
    assert_problem(client.get("/nowhere"), 404, "not_found")


def test_wrong_method_is_405(client: TestClient, world: World) -> None:
    r = client.delete(UNITS, headers=world.h("admin"))
    assert_problem(r, 405, "method_not_allowed")
    assert r.headers["Allow"]  # Starlette names the methods of the first route on the path only


@pytest.mark.parametrize("raw", [b"{bad", b'{"kind": "street",', b"\xff\xfe", b"[1, 2", b"nul"])
def test_malformed_json_is_400(shared: Shared, nothing_written: None, raw: bytes) -> None:
    r = shared.client.post(UNITS, content=raw, headers={**shared.world.h("admin"), **JSON})
    assert_problem(r, 400, "bad_request")


@pytest.mark.parametrize(
    "ctype", ["text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x"]
)
def test_wrong_content_type_is_400(shared: Shared, nothing_written: None, ctype: str) -> None:
    """A valid JSON document under another media type is refused as a malformed request (API.md:
    400 ``bad_request`` for a wrong content type), not guessed at."""
    raw = json.dumps(unit_body("street", "sent-as-text")).encode()
    r = shared.client.post(UNITS, content=raw, headers={**shared.world.h("admin"), "content-type": ctype})
    assert_problem(r, 400, "bad_request")


def test_missing_content_type_is_400(client: TestClient, world: World, nothing_written: None) -> None:
    """Every route that takes a body, typed or read raw (validated after scope and role), asks for
    JSON the same way: a body without a Content-Type is 400."""
    raw = json.dumps(unit_body("street", "no-ctype")).encode()
    assert_problem(client.post(UNITS, content=raw, headers=world.h("admin")), 400, "bad_request")
    dispute = {"community_id": str(world.units["C1"]), "channel": "walk_in", "category": "neighbor"}
    raw = json.dumps(dispute | {"title": "噪音", "description": "夜间噪音", "parties": []}).encode()
    assert_problem(client.post("/api/v1/disputes", content=raw, headers=world.h("staff1")), 400, "bad_request")


def test_json_with_charset_and_problem_suffix_is_fine(client: TestClient, world: World) -> None:
    raw = json.dumps(unit_body("street", "with-charset")).encode()
    h = {**world.h("admin"), "content-type": "application/json; charset=utf-8"}
    assert client.post(UNITS, content=raw, headers=h).status_code == 201


def test_json_not_an_object_is_422(client: TestClient, world: World, nothing_written: None) -> None:
    for raw in (b"[]", b"42", b'"street"', b"null"):
        r = client.post(UNITS, content=raw, headers={**world.h("admin"), **JSON})
        assert_problem(r, 422, "validation_error")


def test_body_over_the_limit_with_content_length_is_413(
    client: TestClient, world: World, settings: Settings, nothing_written: None
) -> None:
    body = json.dumps(unit_body("street", "big", name="x" * settings.max_body_bytes)).encode()
    r = client.post(UNITS, content=body, headers={**world.h("admin"), **JSON})
    assert_problem(r, 413, "payload_too_large")


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    yield b'{"kind": "street", "code": "big", "name": "'
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'"}'


def test_streamed_body_over_the_limit_is_413(
    client: TestClient, world: World, settings: Settings, nothing_written: None
) -> None:
    """No Content-Length (chunked): the limit is enforced while reading."""
    r = client.post(UNITS, content=_chunks(settings.max_body_bytes + 1), headers={**world.h("admin"), **JSON})
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert_problem(r, 413, "payload_too_large")


def test_streamed_body_over_the_limit_with_idempotency_key_is_413(
    client: TestClient, world: World, settings: Settings, nothing_written: None
) -> None:
    h = {**world.h("admin"), **JSON, "Idempotency-Key": "big-one"}
    assert_problem(
        client.post(UNITS, content=_chunks(settings.max_body_bytes + 1), headers=h), 413, "payload_too_large"
    )


def test_streamed_body_over_the_limit_on_sign_in_is_413(
    client: TestClient, world: World, settings: Settings, nothing_written: None
) -> None:
    def form() -> Iterator[bytes]:
        yield b"username=sec1&password="
        yield from (b"x" * 65536 for _ in range(settings.max_body_bytes // 65536 + 1))

    h = {"content-type": "application/x-www-form-urlencoded"}
    assert_problem(client.post("/api/v1/auth/token", content=form(), headers=h), 413, "payload_too_large")


def test_streamed_body_under_the_limit_is_fine(client: TestClient, world: World) -> None:
    def small() -> Iterator[bytes]:
        yield b'{"kind": "street", '
        yield b'"code": "streamed", "name": "ok"}'

    assert client.post(UNITS, content=small(), headers={**world.h("admin"), **JSON}).status_code == 201


def test_invalid_uuid_in_path_is_422(client: TestClient, world: World) -> None:
    body = assert_problem(client.get(f"{UNITS}/not-a-uuid", headers=world.h("admin")), 422, "validation_error")
    assert body["errors"] and {"field", "message"} <= body["errors"][0].keys()
    assert body["errors"][0]["field"] == "path.unit_id"
    assert_problem(client.get("/api/v1/users/123", headers=world.h("admin")), 422, "validation_error")


@pytest.mark.parametrize("limit", ["0", "201", "-1", "abc", "1.5", ""])
def test_bad_limit_is_422(shared: Shared, limit: str) -> None:
    r = shared.client.get(f"{UNITS}?limit={limit}", headers=shared.world.h("admin"))
    body = assert_problem(r, 422, "validation_error")
    assert body["errors"][0]["field"] == "query.limit"


def _b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


FORGED_CURSORS = [
    "@@@",
    "not-base64!",
    base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(),
    _b64({"a": 1}),
    _b64([1]),
    _b64([1, 2, 3]),
    _b64(["2026-01-01T00:00:00+00:00", 5]),
    _b64(["2026-01-01T00:00:00+00:00", None]),
    _b64(["2026-01-01T00:00:00+00:00", ["x"]]),
    _b64(["2026-01-01T00:00:00+00:00", "zz"]),
    _b64(["2026-01-01T00:00:00", "0" * 32]),
    _b64([12345, "0" * 32]),
    _b64(["yesterday", "0" * 32]),
    _b64("just a string"),
    _b64(None),
    "c" * 201,
]


@pytest.mark.parametrize("cursor", FORGED_CURSORS, ids=[str(i) for i in range(len(FORGED_CURSORS))])
def test_forged_cursor_is_422(shared: Shared, cursor: str) -> None:
    r = shared.client.get(UNITS, params={"cursor": cursor}, headers=shared.world.h("admin"))
    body = assert_problem(r, 422, "validation_error")
    assert body["errors"][0]["field"] == "query.cursor"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("POST", UNITS, {**unit_body("street", "extra"), "surprise": 1}),
        ("POST", UNITS, unit_body("street", "long", name="名" * 201)),
        ("POST", UNITS, unit_body("street", "c" * 65)),
        ("POST", "/api/v1/users", {"username": "u1x", "password": "p" * 129, "display_name": "x"}),
        ("POST", "/api/v1/users", {"username": "u1x", "password": "Secret-pass-1", "display_name": "d" * 201}),
        ("POST", "/api/v1/users", {"username": "u1x", "password": "Secret-pass-1", "display_name": "x", "x": 1}),
    ],
    ids=["extra-field", "long-name", "long-code", "long-password", "long-display-name", "user-extra-field"],
)
def test_extra_fields_and_oversized_strings_are_422(
    shared: Shared, nothing_written: None, method: str, url: str, body: dict[str, Any]
) -> None:
    r = shared.client.request(method, url, json=body, headers=shared.world.h("admin"))
    problem = assert_problem(r, 422, "validation_error")
    assert problem["errors"] and all({"field", "message"} <= e.keys() for e in problem["errors"])


def test_validation_problem_does_not_echo_the_input(client: TestClient, world: World) -> None:
    body = {"username": "u1x", "password": "Secret-pass-1", "display_name": "x", "phone": "19999999999x"}
    r = client.post("/api/v1/users", json=body, headers=world.h("admin"))
    assert_problem(r, 422, "validation_error")
    assert "19999999999x" not in r.text and "Secret-pass-1" not in r.text


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        # a compare-and-set UPDATE that lost a race (the ORM's StaleDataError) is a version conflict
        (
            StaleDataError("UPDATE statement on table 'x' expected to update 1 row(s); 0 were matched."),
            412,
            "version_conflict",
        ),
        # every connection of the sessions' pool stayed busy past ``db_pool_timeout_seconds``
        (PoolTimedOut("QueuePool limit of size 10 overflow 10 reached, connection timed out"), 503, "unavailable"),
    ],
    ids=["stale-data", "pool-timeout"],
)
def test_database_errors_that_are_not_500s(
    settings: Settings, db: Database, error: Exception, status: int, code: str
) -> None:
    app = create_app(settings, db)

    def fails() -> None:
        raise error

    app.add_api_route("/fails", fails)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/fails")
    assert_problem(r, status, code)
    assert "statement" not in r.text and "QueuePool" not in r.text  # nothing of the driver's message
    if status == 503:
        assert r.headers["Retry-After"] == "1"


def test_crash_is_a_500_problem_without_details(settings: Settings, db: Database) -> None:
    app = create_app(settings, db)

    def crash() -> None:
        raise RuntimeError("secret internals 13812345678")

    app.add_api_route("/crash", crash)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/crash", headers={"X-Request-ID": "trace-crash-1"})
    assert_problem(r, 500, "internal_error")
    assert "secret internals" not in r.text
    assert r.headers["X-Request-ID"] == "trace-crash-1"  # so the operator can find the logged traceback
