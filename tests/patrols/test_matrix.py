"""The patrol machine's matrix: every world user × report_finding on every finding of patrols in
every state (there is one, ``recorded``) answers as the definition says, and each read offers exactly
what the caller can do (see ``machine_matrix``). Literal cases from DOMAIN.md §4.3 check the
definition itself. Nothing here writes after the records are made: one database per module."""

from collections.abc import Iterator

import pytest

from conftest import Shared, TemplateDatabases, shared_database
from governance_api.models.patrols import Patrol
from governance_api.patrols.machine import PATROL_MACHINE
from governance_api.patrols.router import ACTIVITY_ROUTES
from machine_matrix import FORBIDDEN, INVALID, NOT_FOUND, NOT_NOW, STALE, Domain, Matrix, Ordered
from patrols.factories import CLUE, HAZARD, Patrols, extend

DOMAIN = Domain(PATROL_MACHINE, Patrol, "patrols", ACTIVITY_ROUTES, {"report_finding": "findings"})


@pytest.fixture(scope="module")
def matrix(templates: TemplateDatabases) -> Iterator[Matrix]:
    with shared_database(templates) as shared:
        extend(shared.world)
        yield Matrix(shared, DOMAIN)


@pytest.fixture(scope="module")
def records(matrix: Matrix) -> dict[str, str]:
    """``recorded``: a clue, a hazard and a clue already reported; ``recorded@nil``: a nil report;
    ``recorded@g3``: a clue in the second street's grid."""
    s: Shared = matrix.s
    p = Patrols(s.client, s.world)
    mixed = p.log(findings=[CLUE, HAZARD, CLUE])
    r = p.report("gw1", mixed["id"], mixed["findings"][2]["id"])
    assert r.status_code == 201, r.text
    return {
        "recorded": mixed["id"],
        "recorded@nil": p.log(days_ago=2)["id"],
        "recorded@g3": p.log("gw3", "G3", findings=[CLUE])["id"],
    }


RECORDS = ["recorded", "recorded@nil", "recorded@g3"]


def test_every_state_is_covered() -> None:
    assert {key.split("@")[0] for key in RECORDS} == {s.code for s in PATROL_MACHINE.states}


@pytest.mark.parametrize("record", RECORDS)
def test_matrix(matrix: Matrix, records: dict[str, str], record: str) -> None:
    outcome = matrix.run(records[record])
    assert outcome.probes > len(matrix.users)
    assert not outcome.mismatches, f"{record}: {len(outcome.mismatches)} mismatches\n" + "\n".join(outcome.mismatches)


def _finding(matrix: Matrix, record_id: str, index: int) -> str:
    return matrix.items(record_id, PATROL_MACHINE.steps[0])[index]


def test_literal_cases(matrix: Matrix, records: dict[str, str]) -> None:
    """DOMAIN.md §4.3 by hand: the grid worker and the community's staff and secretary turn a clue
    into a dispute; a hazard or a reported clue is not open; residents and other streets see none."""
    rid, g3 = records["recorded"], records["recorded@g3"]
    clue, hazard, reported = (_finding(matrix, rid, i) for i in range(3))
    g3_clue = _finding(matrix, g3, 0)
    cases = [
        ("recorded", "report_finding", "gw1", INVALID, clue),
        ("recorded", "report_finding", "staff1", INVALID, clue),
        ("recorded", "report_finding", "sec1", INVALID, clue),
        ("recorded", "report_finding", "med1", FORBIDDEN, clue),
        ("recorded", "report_finding", "jo", FORBIDDEN, clue),
        ("recorded", "report_finding", "ll1", FORBIDDEN, clue),
        ("recorded", "report_finding", "res1", NOT_FOUND, clue),
        ("recorded", "report_finding", "oc1", NOT_FOUND, clue),
        ("recorded", "report_finding", "ic", NOT_FOUND, clue),
        ("recorded", "report_finding", "staff2", NOT_FOUND, clue),
        ("recorded", "report_finding", "gw3", NOT_FOUND, clue),
        ("recorded", "report_finding", "gw1", NOT_NOW, hazard),
        ("recorded", "report_finding", "gw1", NOT_NOW, reported),
        ("recorded", "report_finding", "med1", NOT_NOW, hazard),  # state before role
        ("recorded@g3", "report_finding", "gw3", INVALID, g3_clue),
        ("recorded@g3", "report_finding", "jo2", FORBIDDEN, g3_clue),
        ("recorded@g3", "report_finding", "gw1", NOT_FOUND, g3_clue),
    ]
    wrong = matrix.literal_mismatches(records, cases)
    assert not wrong, "\n".join(wrong)


def test_order_of_checks_with_if_match(matrix: Matrix, records: dict[str, str]) -> None:
    """API.md: scope 404 → sub-record 404 → If-Match 412 → state 409 → role 403 → body 422."""
    rid = records["recorded"]
    clue, hazard = _finding(matrix, rid, 0), _finding(matrix, rid, 1)
    current, stale = matrix.etag(rid), '"999"'
    cases: list[Ordered] = [
        ("res1", "report_finding", clue, stale, NOT_FOUND),
        ("jo2", "report_finding", clue, stale, NOT_FOUND),
        ("med1", "report_finding", hazard, stale, STALE),
        ("gw1", "report_finding", clue, stale, STALE),
        ("med1", "report_finding", hazard, current, NOT_NOW),
        ("med1", "report_finding", clue, current, FORBIDDEN),
        ("gw1", "report_finding", clue, current, INVALID),
    ]
    got, want = matrix.in_order(rid, cases)
    assert got == want
