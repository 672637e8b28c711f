"""Time filters of the lists take RFC 3339 with a zone (``core.validators.Time``). A time without a
zone is a 422 naming the parameter, never guessed and never a 500 (``created_from=2026-01-01T00:00:00``
on the decisions list used to answer 500)."""

import pytest

from foundation.conftest import Shared
from foundation.factories import assert_problem

LISTS = [("/api/v1/decisions", "sec1"), ("/api/v1/disputes", "jo")]
PARAMS = ["created_from", "created_to"]


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00", "2026-01-01 08:30:00", "2026-01-01T00:00:00.5"])
@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize(("path", "user"), LISTS, ids=["decisions", "disputes"])
def test_time_without_zone_is_422(shared: Shared, path: str, user: str, param: str, value: str) -> None:
    r = shared.client.get(path, params={param: value}, headers=shared.world.h(user))
    body = assert_problem(r, 422, "validation_error")
    assert [e["field"] for e in body["errors"]] == [f"query.{param}"], body


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00Z", "2026-01-01T08:00:00+08:00"])
@pytest.mark.parametrize("param", PARAMS)
@pytest.mark.parametrize(("path", "user"), LISTS, ids=["decisions", "disputes"])
def test_time_with_zone_filters(shared: Shared, path: str, user: str, param: str, value: str) -> None:
    r = shared.client.get(path, params={param: value}, headers=shared.world.h(user))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T20:00:00Z", "9999-12-31T23:59:59-01:00"])
@pytest.mark.parametrize(("path", "user"), LISTS, ids=["decisions", "disputes"])
def test_a_time_with_no_form_in_utc_or_shanghai_is_422(shared: Shared, path: str, user: str, value: str) -> None:
    """Converting such a time to UTC (to store or compare it) or to Asia/Shanghai (to show it)
    overflows Python's calendar: refused as out of range, not a 500."""
    r = shared.client.get(path, params={"created_from": value}, headers=shared.world.h(user))
    body = assert_problem(r, 422, "validation_error")
    assert body["errors"] == [
        {"field": "query.created_from", "message": "Value error, the time is out of range (0001-01-02 to 9999-12-30)"}
    ], body
