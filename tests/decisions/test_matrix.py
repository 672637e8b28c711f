"""The decision machine's matrix: every record state × every world user × every action and activity
(× every filing or review condition) over HTTP answers as the definition says, and each read offers
exactly what the caller can do (see ``machine_matrix``). Literal cases from DOMAIN.md §1 and §2.3
check the definition itself. Nothing here writes: one database serves the whole module."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from conftest import Shared, TemplateDatabases, shared_database
from decisions.factories import API, PLAN, act, create, decision_in, get, meeting, ok, post
from governance_api.decisions.machine import DECISION_MACHINE
from governance_api.decisions.router import ACTIVITY_ROUTES
from governance_api.models.decisions import Decision
from machine_matrix import (
    FORBIDDEN,
    INVALID,
    NOT_FOUND,
    NOT_NOW,
    STALE,
    Answer,
    Domain,
    Matrix,
    Ordered,
)

DOMAIN = Domain(
    DECISION_MACHINE,
    Decision,
    "decisions",
    ACTIVITY_ROUTES,
    {"respond_to_filing": "filings", "mark_condition_met": "conditions"},
)


def _to_review(s: Shared) -> str:
    did: str = decision_in(s.client, s.world, "legal_review")["id"]
    ok(post(s.client, s.world, "la1", did, "legal-opinions", {"conclusion": "lawful", "opinion": "于法有据"}))
    return did


def _consulting_owners(s: Shared) -> str:
    """加装电梯 (owners_special): ballots apply; one recorded by the owners' committee."""
    c, w = s.client, s.world
    did: str = create(c, w, code="elevator_installation", title="3号楼加装电梯")["id"]
    ok(act(c, w, "sec1", did, "propose", PLAN))
    ok(act(c, w, "sec1", did, "open_consultation", {"total_area_m2": "1800.00", "total_owners": 18}))
    ok(post(c, w, "oc1", did, "ballots", {"unit_ref": "3-101", "area_m2": "100.00", "choice": "for"}))
    return did


def _filing(s: Shared) -> str:
    """In filing with its three filings (D1, the leader in charge, the liaison leader), one answered."""
    c, w = s.client, s.world
    did: str = decision_in(c, w, "consulting")["id"]
    ok(post(c, w, "sec1", did, "meetings", meeting()))
    ok(act(c, w, "sec1", did, "confirm_consensus"))
    lic = next(f for f in get(c, w, did, sub="/filings")["items"] if f["target_role"] == "leader_in_charge")
    ok(post(c, w, "lic", did, f"filings/{lic['id']}/response", {"response": "objection", "opinion": "需补充"}))
    return did


def _filing_round2(s: Shared) -> str:
    """Returned for revision and filed again: the first round's filings are closed, the second's open."""
    c, w = s.client, s.world
    did = _to_review(s)
    ok(act(c, w, "jo", did, "return_for_revision", {"reason": "补充材料"}))
    ok(act(c, w, "sec1", did, "open_consultation"))
    ok(post(c, w, "sec1", did, "meetings", meeting()))
    ok(act(c, w, "sec1", did, "confirm_consensus"))
    return did


def _implementing(s: Shared) -> str:
    """Approved with two conditions, one of them marked met; the review result filed to 分管法治领导."""
    c, w = s.client, s.world
    did = _to_review(s)
    body = {"conclusion": "approved_with_conditions", "conditions": ["公示七日", "消防验收"]}
    ok(act(c, w, "jo", did, "approve", body))
    first = get(c, w, did, sub="/conditions")["items"][0]
    ok(post(c, w, "sec1", did, f"conditions/{first['id']}/met", {"note": "已公示"}))
    return did


def _in(state: str) -> Callable[[Shared], str]:
    return lambda s: str(decision_in(s.client, s.world, state)["id"])


BUILD: dict[str, Callable[[Shared], str]] = {
    "listed": _in("listed"),
    "listed@C2": lambda s: str(create(s.client, s.world, who="sec2", community="C2")["id"]),
    "proposed": _in("proposed"),
    "consulting": _in("consulting"),
    "consulting@owners": _consulting_owners,
    "filing": _filing,
    "filing@round2": _filing_round2,
    "legal_review": _to_review,
    "implementing@conditions": _implementing,
    "implementing": _in("implementing"),
    "closed": _in("closed"),
    "withdrawn": _in("withdrawn"),
    "rejected": _in("rejected"),
}


@pytest.fixture(scope="module")
def matrix(templates: TemplateDatabases) -> Iterator[Matrix]:
    with shared_database(templates) as shared:
        yield Matrix(shared, DOMAIN)


@pytest.fixture(scope="module")
def records(matrix: Matrix) -> dict[str, str]:
    """One decision per entry of BUILD, every state of the machine; the 房管办 (D1) is a catalog
    department of both entries used, so filings go to a department too."""
    shared = matrix.s
    for code in ("corridor_clearance", "elevator_installation"):
        body = {"departments": [str(shared.world.units["D1"])]}
        ok(shared.client.patch(f"{API}/decision-catalog/{code}", json=body, headers=shared.h("jo")))
    built = {key: build(shared) for key, build in BUILD.items()}
    for key, did in built.items():
        assert get(shared.client, shared.world, did, who="admin")["state"] == key.split("@")[0]
    if (n := len(get(shared.client, shared.world, built["filing"], who="admin", sub="/filings")["items"])) != 3:
        pytest.fail(f"expected 3 filings (D1, leader in charge, liaison leader), got {n}")
    return built


def test_every_state_is_covered() -> None:
    assert {key.split("@")[0] for key in BUILD} == {s.code for s in DECISION_MACHINE.states}


MATRIX = list(BUILD)


@pytest.mark.parametrize("record", MATRIX)
def test_matrix(
    matrix: Matrix, records: dict[str, str], record: str, record_property: Callable[[str, object], None]
) -> None:
    outcome = matrix.run(records[record])
    record_property("requests", outcome.probes)
    assert not outcome.mismatches, f"{record}: {len(outcome.mismatches)} mismatches\n" + "\n".join(outcome.mismatches)


# --- literal cases, by hand from DOMAIN.md §1 and §2.3 ------------------------------------------------


def _filing_to(matrix: Matrix, did: str, role: str, round_: int | None = None) -> str:
    rows = get(matrix.s.client, matrix.s.world, did, who="admin", sub="/filings")["items"]
    return next(str(f["id"]) for f in rows if f["target_role"] == role and round_ in (None, f["round"]))


def _condition(matrix: Matrix, did: str, met: bool) -> str:
    rows = get(matrix.s.client, matrix.s.world, did, who="admin", sub="/conditions")["items"]
    return next(str(c["id"]) for c in rows if c["met"] is met)


# (record, step, user, expected, the sub-record: (role of the filing, round) or met of the condition)
LITERAL: list[tuple[str, str, str, Answer, Any]] = [
    # Only the secretary drives the machine; other streets and residents do not see the decision.
    ("listed", "propose", "sec1", INVALID, None),
    ("listed", "propose", "staff1", FORBIDDEN, None),
    ("listed", "propose", "jo", FORBIDDEN, None),
    ("listed", "propose", "oc1", FORBIDDEN, None),
    ("listed", "propose", "sec3", NOT_FOUND, None),
    ("listed", "propose", "jo2", NOT_FOUND, None),
    ("listed", "propose", "res1", NOT_FOUND, None),
    ("listed", "propose", "ic", NOT_FOUND, None),
    ("listed", "propose", "do1", NOT_FOUND, None),  # no filing to its department yet
    ("listed", "withdraw", "sec1", INVALID, None),
    ("listed", "open_consultation", "sec1", NOT_NOW, None),
    ("listed@C2", "propose", "sec2", INVALID, None),
    ("listed@C2", "propose", "sec1", NOT_FOUND, None),
    ("proposed", "open_consultation", "sec1", INVALID, None),
    ("proposed", "record_meeting", "sec1", NOT_NOW, None),
    # Ballots by the secretary, staff and owners' committee; meetings by the secretary and staff.
    ("consulting@owners", "record_ballot", "oc1", INVALID, None),
    ("consulting@owners", "record_ballot", "staff1", INVALID, None),
    ("consulting@owners", "record_ballot", "sec1", INVALID, None),
    ("consulting@owners", "record_ballot", "jo", FORBIDDEN, None),
    ("consulting@owners", "record_ballot", "la1", FORBIDDEN, None),
    ("consulting", "record_meeting", "staff1", INVALID, None),
    ("consulting", "record_meeting", "oc1", FORBIDDEN, None),
    ("consulting", "confirm_consensus", "sec1", INVALID, None),
    ("consulting", "revise", "staff1", FORBIDDEN, None),
    # Filings are answered by their targets only, while the decision is in filing (this round).
    ("filing", "respond_to_filing", "lic", INVALID, ("leader_in_charge", None)),
    ("filing", "respond_to_filing", "ll1", FORBIDDEN, ("leader_in_charge", None)),
    ("filing", "respond_to_filing", "ll1", INVALID, ("liaison_leader", None)),
    ("filing", "respond_to_filing", "do1", INVALID, ("department_officer", None)),
    ("filing", "respond_to_filing", "do1", FORBIDDEN, ("liaison_leader", None)),
    ("filing", "respond_to_filing", "sec1", FORBIDDEN, ("department_officer", None)),
    ("filing", "respond_to_filing", "do2", NOT_FOUND, ("department_officer", None)),
    ("filing", "submit_for_review", "sec1", INVALID, None),
    ("filing", "withdraw", "sec1", INVALID, None),
    ("filing@round2", "respond_to_filing", "lic", NOT_NOW, ("leader_in_charge", 1)),
    ("filing@round2", "respond_to_filing", "lic", INVALID, ("leader_in_charge", 2)),
    ("legal_review", "respond_to_filing", "lic", NOT_NOW, ("leader_in_charge", None)),
    # Legal opinions: the legal adviser, the 司法所 and the departments filed to; review by the 司法所.
    ("legal_review", "give_legal_opinion", "la1", INVALID, None),
    ("legal_review", "give_legal_opinion", "jo", INVALID, None),
    ("legal_review", "give_legal_opinion", "do1", INVALID, None),
    ("legal_review", "give_legal_opinion", "sec1", FORBIDDEN, None),
    ("legal_review", "give_legal_opinion", "do2", NOT_FOUND, None),
    ("legal_review", "approve", "jo", INVALID, None),
    ("legal_review", "approve", "sec1", FORBIDDEN, None),
    ("legal_review", "reject", "jo2", NOT_FOUND, None),
    ("legal_review", "withdraw", "sec1", NOT_NOW, None),
    # 闭环: conditions marked met by the secretary; progress and publicity by secretary and staff.
    ("implementing@conditions", "mark_condition_met", "sec1", INVALID, False),
    ("implementing@conditions", "mark_condition_met", "staff1", FORBIDDEN, False),
    ("implementing@conditions", "respond_to_filing", "rol", INVALID, ("rule_of_law_leader", None)),
    ("implementing@conditions", "respond_to_filing", "lic", FORBIDDEN, ("rule_of_law_leader", None)),
    ("implementing@conditions", "respond_to_filing", "lic", NOT_NOW, ("leader_in_charge", None)),
    ("implementing", "record_progress", "staff1", INVALID, None),
    ("implementing", "record_publicity", "sec1", INVALID, None),
    ("implementing", "record_progress", "la1", FORBIDDEN, None),
    ("implementing", "complete", "sec1", INVALID, None),
    ("implementing", "approve", "jo", NOT_NOW, None),
    # After closing, the 司法所 marks a typical case; the review result may still be answered.
    ("closed", "mark_typical_case", "jo", INVALID, None),
    ("closed", "mark_typical_case", "sec1", FORBIDDEN, None),
    ("closed", "respond_to_filing", "rol", INVALID, ("rule_of_law_leader", None)),
    ("closed", "record_progress", "sec1", NOT_NOW, None),
    ("withdrawn", "withdraw", "sec1", NOT_NOW, None),
    ("rejected", "mark_typical_case", "jo", NOT_NOW, None),
]


def _item(matrix: Matrix, did: str, sub: Any) -> str | None:
    if isinstance(sub, tuple):
        return _filing_to(matrix, did, *sub)
    if isinstance(sub, bool):
        return _condition(matrix, did, sub)
    return None


def test_literal_cases(matrix: Matrix, records: dict[str, str]) -> None:
    """Each literal case by HTTP, and the definition predicts the same answer."""
    cases = [(rec, code, user, want, _item(matrix, records[rec], sub)) for rec, code, user, want, sub in LITERAL]
    wrong = matrix.literal_mismatches(records, cases)
    assert not wrong, "\n".join(wrong)


def test_order_of_checks_with_if_match(matrix: Matrix, records: dict[str, str]) -> None:
    """API.md: scope (and the sub-record) 404 → If-Match 412 → state 409 → role 403 → body 422."""
    did = records["legal_review"]
    current = matrix.etag(did)
    stale = '"999"'
    lic_filing = _filing_to(matrix, did, "leader_in_charge")
    cases: list[Ordered] = [
        ("jo2", "approve", None, stale, NOT_FOUND),
        ("la1", "respond_to_filing", "00000000-0000-4000-8000-000000000000", stale, NOT_FOUND),
        ("sec1", "propose", None, stale, STALE),
        ("lic", "respond_to_filing", lic_filing, stale, STALE),
        ("sec1", "propose", None, current, NOT_NOW),
        ("lic", "respond_to_filing", lic_filing, current, NOT_NOW),
        ("staff1", "approve", None, current, FORBIDDEN),
        ("jo", "approve", None, current, INVALID),
    ]
    got, want = matrix.in_order(did, cases)
    assert got == want
