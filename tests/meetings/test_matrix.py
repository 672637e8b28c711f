"""The meeting machine's matrix: every meeting × every world user × its activity (× every resolution)
over HTTP answers as the definition says, and each read offers exactly what the caller can do (see
``machine_matrix``). Literal cases from DOMAIN §1 and §4.2 check the definition itself. Nothing here
writes: one database serves the whole module."""

from collections.abc import Callable, Iterator

import pytest

from conftest import Shared, TemplateDatabases, shared_database
from governance_api.meetings.machine import MEETING_MACHINE
from governance_api.meetings.router import ACTIVITY_ROUTES
from governance_api.models.meetings import GovernanceMeeting
from machine_matrix import FORBIDDEN, INVALID, NOT_FOUND, NOT_NOW, Answer, Domain, Matrix
from meetings.factories import API, community_meeting, done, joint_consultation, ok, record

DOMAIN = Domain(
    MEETING_MACHINE, GovernanceMeeting, "meetings", ACTIVITY_ROUTES, {"mark_resolution_done": "resolutions"}
)


def _half_done(s: Shared) -> str:
    """A 例会 of C1 with its first resolution done, the second open."""
    m = record(s.client, s.world, "sec1", community_meeting(s.world))
    ok(done(s.client, s.world, "staff1", m["id"], m["resolutions"][0]["id"]))
    return str(m["id"])


BUILD: dict[str, Callable[[Shared], str]] = {
    "recorded": lambda s: str(record(s.client, s.world, "sec1", community_meeting(s.world))["id"]),
    "recorded@half_done": _half_done,
    "recorded@street": lambda s: str(record(s.client, s.world, "pls", joint_consultation(s.world))["id"]),
    "recorded@C3": lambda s: str(
        record(s.client, s.world, "sec3", community_meeting(s.world, "C3", chair="sec3"))["id"]
    ),
}


@pytest.fixture(scope="module")
def matrix(templates: TemplateDatabases) -> Iterator[Matrix]:
    with shared_database(templates) as shared:
        yield Matrix(shared, DOMAIN)


@pytest.fixture(scope="module")
def records(matrix: Matrix) -> dict[str, str]:
    return {key: build(matrix.s) for key, build in BUILD.items()}


def test_every_state_is_covered() -> None:
    assert {key.split("@")[0] for key in BUILD} == {s.code for s in MEETING_MACHINE.states}


@pytest.mark.parametrize("record_key", list(BUILD))
def test_matrix(matrix: Matrix, records: dict[str, str], record_key: str) -> None:
    outcome = matrix.run(records[record_key])
    assert not outcome.mismatches, f"{record_key}: {len(outcome.mismatches)} mismatches\n" + "\n".join(
        outcome.mismatches
    )


def _resolution(matrix: Matrix, mid: str, is_done: bool) -> str:
    r = matrix.s.client.get(f"{API}/meetings/{mid}/resolutions", headers=matrix.s.h("admin"))
    return next(str(x["id"]) for x in ok(r)["items"] if x["done"] is is_done)


# (record, user, expected, the resolution: done or not) — by hand from DOMAIN §1 and §4.2.
LITERAL: list[tuple[str, str, Answer, bool]] = [
    ("recorded", "sec1", INVALID, False),
    ("recorded", "staff1", INVALID, False),
    ("recorded", "la1", FORBIDDEN, False),
    ("recorded", "jo", FORBIDDEN, False),  # the 司法所 sees a community's meeting, does not record it
    ("recorded", "pls", FORBIDDEN, False),
    ("recorded", "gw1", NOT_FOUND, False),  # a grid worker is below the community
    ("recorded", "do1", NOT_FOUND, False),
    ("recorded", "res1", NOT_FOUND, False),
    ("recorded", "oc1", NOT_FOUND, False),
    ("recorded", "pm1", NOT_FOUND, False),
    ("recorded", "ic", NOT_FOUND, False),
    ("recorded", "sec2", NOT_FOUND, False),
    ("recorded@half_done", "sec1", NOT_NOW, True),
    ("recorded@half_done", "sec1", INVALID, False),
    ("recorded@street", "pls", INVALID, False),
    ("recorded@street", "jo", INVALID, False),
    ("recorded@street", "lic", INVALID, False),
    ("recorded@street", "rol", FORBIDDEN, False),
    ("recorded@street", "smed", FORBIDDEN, False),
    ("recorded@street", "sec1", NOT_FOUND, False),  # a community's secretary is below the street
    ("recorded@street", "do1", NOT_FOUND, False),
    ("recorded@street", "jo2", NOT_FOUND, False),
    ("recorded@C3", "sec3", INVALID, False),
    ("recorded@C3", "jo", NOT_FOUND, False),
    ("recorded@C3", "jo2", FORBIDDEN, False),
]


def test_literal_cases(matrix: Matrix, records: dict[str, str]) -> None:
    cases = [
        (key, "mark_resolution_done", user, want, _resolution(matrix, records[key], is_done))
        for key, user, want, is_done in LITERAL
    ]
    assert matrix.literal_mismatches(records, cases) == []
