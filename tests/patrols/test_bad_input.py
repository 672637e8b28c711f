"""Every kind of bad input on the patrol endpoints: a 4xx problem with its stable code, and nothing
written (every table's row count unchanged, history and outbox included)."""

import datetime as dt
import uuid
from typing import Any

import pytest

from patrols.factories import API, CLUE, HAZARD, Patrols, at, body, today


def _refused(p: Patrols, r: Any, status: int, code: str, before: dict[str, int]) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = r.json()
    assert problem["code"] == code
    assert p.counts() == before, "a refused request wrote something"
    return problem


def _fields(problem: dict[str, Any]) -> set[str]:
    return {e["field"] for e in problem["errors"]}


def test_a_patrol_in_someone_elses_grid_is_404(p: Patrols) -> None:
    before = p.counts()
    for user, grid in (("gw1", "G2"), ("gw1", "G3"), ("gw3", "G1")):
        _refused(p, p.post(user, body(str(p.w.units[grid]), findings=[CLUE])), 404, "not_found", before)
    _refused(p, p.post("gw1", body(str(uuid.uuid4()))), 404, "not_found", before)


def test_a_unit_that_is_not_a_grid_is_422(p: Patrols) -> None:
    before = p.counts()
    problem = _refused(p, p.post("cw1", body(str(p.w.units["C1"]))), 422, "validation_error", before)
    assert _fields(problem) == {"body.grid_id"}


BAD: list[tuple[str, dict[str, Any], set[str]]] = [
    ("times reversed", {"ended_at": at(today() - dt.timedelta(days=1), 8)}, {"body.ended_at"}),
    ("nil report with findings", {"nil_report": True, "findings": [CLUE]}, {"body.findings"}),
    ("neither nil nor findings", {"nil_report": False, "findings": []}, {"body.findings"}),
    ("started on another day", {"started_at": at(today() - dt.timedelta(days=2), 9)}, {"body.started_at"}),
    ("a day in the future", {"patrol_date": (today() + dt.timedelta(days=1)).isoformat()}, {"body.patrol_date"}),
    ("a time in the future", {"ended_at": "2999-01-01T00:00:00Z"}, {"body.ended_at"}),
    ("a naive time", {"started_at": "2026-01-01T09:00:00"}, {"body.started_at"}),
    ("a number for a time", {"started_at": 1700000000}, {"body.started_at"}),
    (
        "an unknown kind",
        {"nil_report": False, "findings": [{"kind": "noise", "description": "x"}]},
        {"body.findings.0.kind"},
    ),
    (
        "a blank description",
        {"nil_report": False, "findings": [{"kind": "other", "description": "   "}]},
        {"body.findings.0.description"},
    ),
    (
        "a NUL",
        {"nil_report": False, "findings": [{"kind": "other", "description": "a\u0000b"}]},
        {"body.findings.0.description"},
    ),
    ("an unknown field", {"weather": "晴"}, {"body.weather"}),
    ("no nil_report", {"nil_report": None}, {"body.nil_report"}),
    ("too many findings", {"nil_report": False, "findings": [CLUE] * 51}, {"body.findings"}),
]


@pytest.mark.parametrize(("case", "change", "fields"), BAD, ids=[b[0] for b in BAD])
def test_bad_bodies_are_422_naming_the_field(p: Patrols, case: str, change: dict[str, Any], fields: set[str]) -> None:
    payload = body(str(p.w.units["G1"])) | change
    payload = {k: v for k, v in payload.items() if v is not None}
    before = p.counts()
    problem = _refused(p, p.post("gw1", payload), 422, "validation_error", before)
    assert _fields(problem) == fields


def test_a_body_that_is_not_an_object_is_refused(p: Patrols) -> None:
    before = p.counts()
    _refused(p, p.post("gw1", [1, 2]), 422, "validation_error", before)
    r = p.c.post(f"{API}/patrols", content=b"{not json", headers=p.h("gw1") | {"Content-Type": "application/json"})
    _refused(p, r, 400, "bad_request", before)


def test_reporting_a_safety_hazard_is_409_and_writes_nothing(p: Patrols) -> None:
    patrol = p.log(findings=[HAZARD, CLUE])
    before = p.counts()
    _refused(p, p.report("gw1", patrol["id"], patrol["findings"][0]["id"]), 409, "transition_not_allowed", before)
    assert p.get(patrol["id"]).json()["version"] == patrol["version"]


def test_reporting_twice_is_409_and_writes_nothing(p: Patrols) -> None:
    patrol = p.log(findings=[CLUE])
    fid = patrol["findings"][0]["id"]
    first = p.report("gw1", patrol["id"], fid)
    assert first.status_code == 201, first.text
    before = p.counts()
    _refused(p, p.report("gw1", patrol["id"], fid), 409, "transition_not_allowed", before)
    _refused(p, p.report("staff1", patrol["id"], fid), 409, "transition_not_allowed", before)


def test_reporting_an_unknown_finding_or_patrol_is_404(p: Patrols) -> None:
    patrol = p.log(findings=[CLUE])
    other = p.log(findings=[CLUE])
    before = p.counts()
    _refused(p, p.report("gw1", patrol["id"], str(uuid.uuid4())), 404, "not_found", before)
    _refused(p, p.report("gw1", patrol["id"], other["findings"][0]["id"]), 404, "not_found", before)  # another's
    _refused(p, p.report("gw1", str(uuid.uuid4()), patrol["findings"][0]["id"]), 404, "not_found", before)


REPORT_BAD: list[tuple[str, Any, set[str]]] = [
    ("no category", {}, {"body.category"}),
    ("an unknown category", {"category": "no_such_category"}, {"body.category"}),
    ("a blank title", {"category": "neighbor", "title": " "}, {"body.title"}),
    (
        "a bad party phone",
        {"category": "neighbor", "parties": [{"name": "王五", "role": "applicant", "phone": "12345"}]},
        {"body.parties.0.phone"},
    ),
    ("an unknown field", {"category": "neighbor", "channel": "walk_in"}, {"body.channel"}),
    ("a NUL", {"category": "neighbor", "description": "\u0000"}, {"body.description"}),
]


@pytest.mark.parametrize(("case", "payload", "fields"), REPORT_BAD, ids=[b[0] for b in REPORT_BAD])
def test_bad_report_bodies_are_422(p: Patrols, case: str, payload: Any, fields: set[str]) -> None:
    patrol = p.log(findings=[CLUE])
    before = p.counts()
    problem = _refused(
        p, p.report("gw1", patrol["id"], patrol["findings"][0]["id"], payload), 422, "validation_error", before
    )
    assert _fields(problem) == fields


def test_a_stale_if_match_is_412_and_the_current_one_passes(p: Patrols) -> None:
    patrol = p.log(findings=[CLUE])
    fid = patrol["findings"][0]["id"]
    before = p.counts()
    _refused(p, p.report("gw1", patrol["id"], fid, None, **{"If-Match": '"7"'}), 412, "version_conflict", before)
    etag = p.get(patrol["id"]).headers["ETag"]
    assert etag == f'"{patrol["version"]}"'
    assert p.report("gw1", patrol["id"], fid, None, **{"If-Match": etag}).status_code == 201


def test_list_parameters_out_of_range_are_422(p: Patrols) -> None:
    for params in (
        {"limit": 0},
        {"limit": 201},
        {"cursor": "garbage"},
        {"patrol_date_from": "yesterday"},
        {"nil_report": "perhaps"},
        {"grid_id": "G1"},
        {"patrol_date_from": today().isoformat(), "patrol_date_to": (today() - dt.timedelta(days=1)).isoformat()},
    ):
        r = p.list("sec1", **params)
        assert r.status_code == 422 and r.json()["code"] == "validation_error", (params, r.text)


def test_an_idempotent_retry_logs_one_patrol(p: Patrols) -> None:
    payload = body(str(p.w.units["G1"]), findings=[CLUE])
    first = p.post("gw1", payload, **{"Idempotency-Key": "patrol-1"})
    again = p.post("gw1", payload, **{"Idempotency-Key": "patrol-1"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert len(p.list("gw1").json()["items"]) == 1
    other = p.post("gw1", payload | {"nil_report": True, "findings": []}, **{"Idempotency-Key": "patrol-1"})
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reuse"


def test_the_role_is_checked_before_the_units_kind(p: Patrols) -> None:
    """API.md's order: a caller without the grid worker's role gets 403 whatever unit it named."""
    before = p.counts()
    _refused(p, p.post("staff1", body(str(p.w.units["C1"]))), 403, "forbidden", before)


def test_a_clue_python_reads_as_blank_still_reports_with_a_title(p: Patrols) -> None:
    """U+001F is text to the validator and a space to ``str.strip``: the default title must not
    crash on it (it did: IndexError, a 500)."""
    patrol = p.log(findings=[{"kind": "dispute_clue", "description": "\u001f"}])
    r = p.report("gw1", patrol["id"], patrol["findings"][0]["id"])
    assert r.status_code == 201, r.text
    dispute = p.c.get(f"{API}/disputes/{r.json()['dispute_id']}", headers=p.h("jo")).json()
    assert dispute["title"] == "微网格巡查线索"


def test_two_different_grids_as_filters_list_nothing(p: Patrols) -> None:
    p.log()
    r = p.list(grid_id=str(p.w.units["G1"]), org_unit_id=str(p.w.units["G2"]))
    assert r.status_code == 200 and r.json()["items"] == []
    assert len(p.list(grid_id=str(p.w.units["G1"]), org_unit_id=str(p.w.units["G1"])).json()["items"]) == 1
