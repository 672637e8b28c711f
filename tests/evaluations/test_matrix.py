"""The evaluation machine's matrix: every state × every world user × every action over HTTP answers
as the definition says, and each read offers exactly what the caller can do (``machine_matrix``).
Literal cases from DOMAIN §4.7 and §1 check the definition itself."""

from collections.abc import Callable, Iterator

import pytest

from conftest import TemplateDatabases, shared_database
from evaluations.factories import YEAR, evaluation_in
from governance_api.evaluations.machine import EVALUATION_MACHINE
from governance_api.models.evaluations import Evaluation
from machine_matrix import FORBIDDEN, INVALID, NOT_FOUND, NOT_NOW, STALE, Answer, Domain, Matrix, Ordered

DOMAIN = Domain(EVALUATION_MACHINE, Evaluation, "evaluations", {})

# record key → (state, community, year)
BUILD: dict[str, tuple[str, str, int]] = {
    "self_assessing": ("self_assessing", "C1", YEAR),
    "self_assessing@C2": ("self_assessing", "C2", YEAR),
    "submitted": ("submitted", "C1", YEAR - 1),
    "evaluated": ("evaluated", "C1", YEAR - 2),
    "published": ("published", "C1", YEAR - 3),
}


@pytest.fixture(scope="module")
def matrix(templates: TemplateDatabases) -> Iterator[Matrix]:
    with shared_database(templates) as shared:
        yield Matrix(shared, DOMAIN)


@pytest.fixture(scope="module")
def records(matrix: Matrix) -> dict[str, str]:
    s = matrix.s
    return {key: str(evaluation_in(s.client, s.world, *spec)["id"]) for key, spec in BUILD.items()}


def test_every_state_is_covered() -> None:
    assert {spec[0] for spec in BUILD.values()} == {s.code for s in EVALUATION_MACHINE.states}


@pytest.mark.parametrize("record", list(BUILD))
def test_matrix(
    matrix: Matrix, records: dict[str, str], record: str, record_property: Callable[[str, object], None]
) -> None:
    outcome = matrix.run(records[record])
    record_property("requests", outcome.probes)
    assert not outcome.mismatches, f"{record}: {len(outcome.mismatches)} mismatches\n" + "\n".join(outcome.mismatches)


LITERAL: list[tuple[str, str, str, Answer]] = [
    # The community's own secretary submits; staff, the adviser and the 司法所 do not.
    ("self_assessing", "submit", "sec1", INVALID),
    ("self_assessing", "submit", "staff1", FORBIDDEN),
    ("self_assessing", "submit", "jo", FORBIDDEN),
    ("self_assessing", "submit", "la1", FORBIDDEN),
    ("self_assessing@C2", "submit", "sec1", NOT_FOUND),
    ("self_assessing@C2", "submit", "sec2", INVALID),
    # Residents and the other outside roles see none of it; another street neither.
    ("self_assessing", "submit", "res1", NOT_FOUND),
    ("self_assessing", "submit", "oc1", NOT_FOUND),
    ("self_assessing", "submit", "pm1", NOT_FOUND),
    ("self_assessing", "submit", "ic", NOT_FOUND),
    ("submitted", "evaluate", "jo2", NOT_FOUND),
    ("submitted", "evaluate", "do1", NOT_FOUND),
    # The 司法所 evaluates, returns and publishes; leaders oversee but do not grade.
    ("submitted", "evaluate", "jo", INVALID),
    ("submitted", "return", "jo", INVALID),
    ("submitted", "evaluate", "lic", FORBIDDEN),
    ("submitted", "evaluate", "rol", FORBIDDEN),
    ("submitted", "evaluate", "sec1", FORBIDDEN),
    ("submitted", "submit", "sec1", NOT_NOW),
    ("evaluated", "return", "jo", NOT_NOW),
    ("evaluated", "publish", "jo", INVALID),
    ("evaluated", "publish", "sec1", FORBIDDEN),
    ("published", "publish", "jo", NOT_NOW),
    ("published", "return", "jo", NOT_NOW),
]


def test_literal_cases(matrix: Matrix, records: dict[str, str]) -> None:
    cases = [(rec, code, user, want, None) for rec, code, user, want in LITERAL]
    wrong = matrix.literal_mismatches(records, cases)
    assert not wrong, "\n".join(wrong)


def test_order_of_checks_with_if_match(matrix: Matrix, records: dict[str, str]) -> None:
    """API.md: scope 404 → If-Match 412 → state 409 → role 403 → body 422."""
    eid = records["submitted"]
    current, stale = matrix.etag(eid), '"999"'
    cases: list[Ordered] = [
        ("jo2", "evaluate", None, stale, NOT_FOUND),
        ("jo", "evaluate", None, stale, STALE),
        ("sec1", "submit", None, current, NOT_NOW),
        ("sec1", "evaluate", None, current, FORBIDDEN),
        ("jo", "evaluate", None, current, INVALID),
    ]
    got, want = matrix.in_order(eid, cases)
    assert got == want == [(u, c, expected) for u, c, _, _, expected in cases]
