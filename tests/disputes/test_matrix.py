"""The dispute machine's matrix: every state (mediating and fulfilling at each level of the ladder) ×
every world user × every action and activity over HTTP answers as the definition says, and each read
offers exactly what the caller can do (see ``machine_matrix``). Literal cases from DOMAIN.md §1 and
§3.3 check the definition itself. Nothing here writes: one database serves the whole module."""

from collections.abc import Callable, Iterator

import pytest

from conftest import TemplateDatabases, shared_database
from disputes.factories import SETUPS, Disputes, prepare
from governance_api.disputes.machine import DISPUTE_MACHINE
from governance_api.disputes.router import ACTIVITY_ROUTES
from governance_api.models.disputes import Dispute
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

DOMAIN = Domain(DISPUTE_MACHINE, Dispute, "disputes", ACTIVITY_ROUTES)


def _pending_at_street(d: Disputes) -> str:
    """The street room (三所联动) asks for 红梅: an application the 司法所 files from street_joint."""
    did = d.at_street("street_joint")
    d.session("smed", did)
    d.do("jo", did, "request_escalation", {"summary": "s", "reason": "r", "requested_level": "hongmei"})
    return did


EXTRA: dict[str, Callable[[Disputes], str]] = {
    "escalation_pending@street_joint": _pending_at_street,
    "reported@by_resident": lambda d: d.reported(user="res1"),
    "reported@in_grid": lambda d: d.reported(user="gw1", grid_id=str(d.w.units["G1"])),
}
RECORDS = [*SETUPS, *EXTRA]


@pytest.fixture(scope="module")
def matrix(templates: TemplateDatabases) -> Iterator[Matrix]:
    with shared_database(templates) as shared:
        yield Matrix(shared, DOMAIN)


@pytest.fixture(scope="module")
def records(matrix: Matrix) -> dict[str, str]:
    """One dispute per state and level (``disputes.factories.SETUPS``) and the extras."""
    shared = matrix.s
    d = Disputes(shared.client, shared.world)
    built = {key: prepare(d, key) for key in SETUPS} | {key: make(d) for key, make in EXTRA.items()}
    for key, did in built.items():
        read = d.get(did, "admin")
        state, _, level = key.partition("@")
        assert read["state"] == state, (key, read["state"])
        if level in ("street_joint", "hongmei", "task_force"):
            assert read["level"] == level, (key, read["level"])
    return built


def test_every_state_is_covered() -> None:
    assert {key.split("@")[0] for key in RECORDS} == {s.code for s in DISPUTE_MACHINE.states}
    levels = {key.split("@")[1] for key in RECORDS if key.startswith(("mediating@", "fulfilling@"))}
    assert levels == {"community", "street_joint", "hongmei", "task_force"}


@pytest.mark.parametrize("record", RECORDS)
def test_matrix(
    matrix: Matrix, records: dict[str, str], record: str, record_property: Callable[[str, object], None]
) -> None:
    outcome = matrix.run(records[record])
    record_property("requests", outcome.probes)
    assert not outcome.mismatches, f"{record}: {len(outcome.mismatches)} mismatches\n" + "\n".join(outcome.mismatches)


# --- literal cases, by hand from DOMAIN.md §1 and §3.3 ------------------------------------------------

# (record, step, user, expected)
LITERAL: list[tuple[str, str, str, Answer]] = [
    # Intake: the community's staff and secretary accept; who sees what is scope (and own reports).
    ("reported", "accept", "staff1", INVALID),
    ("reported", "accept", "sec1", INVALID),
    ("reported", "accept", "med1", FORBIDDEN),
    ("reported", "accept", "gw1", NOT_FOUND),  # its grid G1 is below C1: it sees G1's disputes only
    ("reported", "accept", "staff2", NOT_FOUND),
    ("reported", "accept", "jo2", NOT_FOUND),
    ("reported", "accept", "res1", NOT_FOUND),  # not its report
    ("reported", "accept", "oc1", NOT_FOUND),
    ("reported", "withdraw", "pol1", INVALID),
    ("reported", "complete_screening", "staff1", NOT_NOW),
    ("reported@in_grid", "accept", "gw1", FORBIDDEN),  # it reports in its grid, and does not handle
    ("reported@in_grid", "accept", "staff1", INVALID),
    ("reported@in_grid", "withdraw", "med1", INVALID),
    ("reported@by_resident", "accept", "res1", FORBIDDEN),  # it sees its own report, acts on nothing
    ("reported@by_resident", "withdraw", "res1", FORBIDDEN),
    # 三查三问: complete_screening by staff, secretary and mediators; the checklist by any handler.
    ("screening", "complete_screening", "med1", INVALID),
    ("screening", "complete_screening", "smed", INVALID),  # a street mediator is each community's
    ("screening", "complete_screening", "pol1", FORBIDDEN),
    ("screening", "save_screening", "pol1", INVALID),
    ("screening", "save_screening", "la1", INVALID),
    ("screening", "save_screening", "ll1", FORBIDDEN),
    ("screening", "refer", "staff1", INVALID),
    # Community level: the community's staff, secretary, mediators, police and legal adviser handle.
    ("mediating@community", "record_session", "med1", INVALID),
    ("mediating@community", "record_session", "smed", INVALID),
    ("mediating@community", "record_session", "pol1", INVALID),
    ("mediating@community", "record_session", "jo", FORBIDDEN),
    ("mediating@community", "record_session", "ll1", FORBIDDEN),
    ("mediating@community", "request_escalation", "sec1", INVALID),
    ("mediating@community", "request_escalation", "staff1", FORBIDDEN),
    ("mediating@community", "request_escalation", "jo", FORBIDDEN),
    ("mediating@community", "form_task_force", "pls", INVALID),
    ("mediating@community", "form_task_force", "lic", INVALID),
    ("mediating@community", "form_task_force", "jo", FORBIDDEN),
    ("mediating@community", "accept", "staff1", NOT_NOW),
    ("mediating@community", "file_disposal_report", "med1", INVALID),  # the guard, not the role, refuses
    # Street levels: the 司法所 and street-scoped mediators; a community mediator no longer acts.
    ("mediating@street_joint", "record_session", "med1", FORBIDDEN),
    ("mediating@street_joint", "record_session", "smed", INVALID),
    ("mediating@street_joint", "record_session", "jo", INVALID),
    ("mediating@street_joint", "record_session", "staff1", FORBIDDEN),
    ("mediating@street_joint", "request_escalation", "jo", INVALID),
    ("mediating@street_joint", "request_escalation", "sec1", FORBIDDEN),
    ("mediating@hongmei", "record_agreement", "smed", INVALID),
    ("mediating@hongmei", "record_agreement", "sec1", FORBIDDEN),
    ("mediating@hongmei", "request_escalation", "jo", FORBIDDEN),  # nothing above 红梅 but a task force
    # Task force: its lead and the officers of its departments (D1, D2); others see it only by scope.
    ("mediating@task_force", "file_disposal_report", "do1", INVALID),
    ("mediating@task_force", "file_disposal_report", "do2", INVALID),
    ("mediating@task_force", "file_disposal_report", "pls", INVALID),
    ("mediating@task_force", "file_disposal_report", "med1", FORBIDDEN),
    ("mediating@task_force", "file_disposal_report", "jo", FORBIDDEN),
    ("mediating@task_force", "file_disposal_report", "do3", NOT_FOUND),
    ("mediating@task_force", "record_session", "do1", INVALID),
    ("mediating@task_force", "form_task_force", "pls", INVALID),  # the guard refuses a second one
    # Escalation review by the 司法所 over the dispute; a task force may overtake the application.
    ("escalation_pending", "approve_escalation", "jo", INVALID),
    ("escalation_pending", "approve_escalation", "sec1", FORBIDDEN),
    ("escalation_pending", "approve_escalation", "jo2", NOT_FOUND),
    ("escalation_pending", "deny_escalation", "jo", INVALID),
    ("escalation_pending", "form_task_force", "pls", INVALID),
    ("escalation_pending", "record_session", "med1", NOT_NOW),
    ("escalation_pending@street_joint", "approve_escalation", "jo", INVALID),
    # Fulfilment; 司法确认 by a handler or a judicial officer over the community.
    ("fulfilling@community", "confirm_fulfillment", "med1", INVALID),
    ("fulfilling@community", "report_breach", "la1", INVALID),
    ("fulfilling@community", "record_judicial_confirmation", "jo", INVALID),
    ("fulfilling@community", "record_judicial_confirmation", "lic", FORBIDDEN),
    ("fulfilling@street_joint", "record_judicial_confirmation", "smed", INVALID),
    ("fulfilling@street_joint", "record_judicial_confirmation", "sec1", FORBIDDEN),
    ("fulfilling@street_joint", "confirm_fulfillment", "med1", FORBIDDEN),
    ("fulfilling@task_force", "confirm_fulfillment", "do2", INVALID),
    ("fulfilling@task_force", "confirm_fulfillment", "staff1", FORBIDDEN),
    ("fulfilling@task_force", "withdraw", "do1", NOT_NOW),
    ("resolved", "record_judicial_confirmation", "jo", INVALID),
    ("resolved", "record_session", "med1", NOT_NOW),
    ("referred", "withdraw", "staff1", NOT_NOW),
    ("withdrawn", "accept", "staff1", NOT_NOW),
]


def test_literal_cases(matrix: Matrix, records: dict[str, str]) -> None:
    """Each literal case by HTTP, and the definition predicts the same answer."""
    wrong = matrix.literal_mismatches(records, [(*case, None) for case in LITERAL])
    assert not wrong, "\n".join(wrong)


def test_order_of_checks_with_if_match(matrix: Matrix, records: dict[str, str]) -> None:
    """API.md: scope 404 → If-Match 412 → state 409 → role 403 → body 422."""
    did = records["mediating@street_joint"]
    current = matrix.etag(did)
    stale = '"999"'
    cases: list[Ordered] = [
        ("jo2", "record_session", None, stale, NOT_FOUND),
        ("res1", "accept", None, stale, NOT_FOUND),
        ("med1", "record_session", None, stale, STALE),
        ("staff1", "accept", None, stale, STALE),
        ("staff1", "accept", None, current, NOT_NOW),
        ("med1", "record_session", None, current, FORBIDDEN),
        ("smed", "record_session", None, current, INVALID),
    ]
    got, want = matrix.in_order(did, cases)
    assert got == want
