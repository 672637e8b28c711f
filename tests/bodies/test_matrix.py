"""The working body's machine matrix: every body × every world user × add_member / end_member (× every
member) over HTTP answers as the definition says, and each read offers exactly what the caller can
do (see ``machine_matrix``). Literal cases from DOMAIN.md §4.1 check the definition itself. Nothing
here writes: one database serves the whole module."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bodies.factories import add, end, group, member, read, task_force
from buildings.factories import ok
from conftest import Shared, TemplateDatabases, shared_database
from governance_api.bodies.machine import BODY_MACHINE
from governance_api.bodies.router import ACTIVITY_ROUTES
from governance_api.models.governance import WorkingBody
from machine_matrix import FORBIDDEN, INVALID, NOT_FOUND, NOT_NOW, STALE, Answer, Domain, Matrix, Ordered

DOMAIN = Domain(BODY_MACHINE, WorkingBody, "working-bodies", ACTIVITY_ROUTES, {"end_member": "members"})


def _group_c1(s: Shared) -> str:
    """金色雅筑's group: a current member and an ended one."""
    g = group(s.client, s.world)
    ok(add(s.client, s.world, g["id"], member("在任")), 201)
    left = ok(add(s.client, s.world, g["id"], member("已退出")), 201)
    ok(end(s.client, s.world, g["id"], left["id"], {"to_date": "2026-03-31"}))
    return str(g["id"])


def _group_c2(s: Shared) -> str:
    g = group(s.client, s.world, "C2", "sec2")
    ok(add(s.client, s.world, g["id"], member("凌兆成员"), who="sec2"), 201)
    return str(g["id"])


def _task_force(s: Shared) -> str:
    tf = task_force(s.client, s.world)
    ok(add(s.client, s.world, tf["id"], member("房管办负责人"), who="jo"), 201)
    return str(tf["id"])


BUILD: dict[str, Callable[[Shared], str]] = {
    "active@C1": _group_c1,
    "active@C2": _group_c2,
    "active@task_force": _task_force,
}


@pytest.fixture(scope="module")
def matrix(templates: TemplateDatabases) -> Iterator[Matrix]:
    with shared_database(templates) as shared:
        yield Matrix(shared, DOMAIN)


@pytest.fixture(scope="module")
def records(matrix: Matrix) -> dict[str, str]:
    return {key: build(matrix.s) for key, build in BUILD.items()}


def test_every_state_is_covered() -> None:
    assert {key.split("@")[0] for key in BUILD} == {s.code for s in BODY_MACHINE.states}


@pytest.mark.parametrize("record", list(BUILD))
def test_matrix(
    matrix: Matrix, records: dict[str, str], record: str, record_property: Callable[[str, object], None]
) -> None:
    outcome = matrix.run(records[record])
    record_property("requests", outcome.probes)
    assert not outcome.mismatches, f"{record}: {len(outcome.mismatches)} mismatches\n" + "\n".join(outcome.mismatches)


def _member(matrix: Matrix, body_id: str, ended: bool) -> str:
    rows = read(matrix.s.client, matrix.s.world, body_id)["members"]
    return next(str(m["id"]) for m in rows if m["ended"] is ended)


# (record, step, user, expected, whether the member addressed is the ended one)
LITERAL: list[tuple[str, str, str, Answer, Any]] = [
    # The group: its community secretary only; the 司法所 sees it but does not manage it.
    ("active@C1", "add_member", "sec1", INVALID, None),
    ("active@C1", "add_member", "staff1", FORBIDDEN, None),
    ("active@C1", "add_member", "jo", FORBIDDEN, None),
    ("active@C1", "add_member", "pls", FORBIDDEN, None),
    ("active@C1", "add_member", "admin", FORBIDDEN, None),
    ("active@C1", "add_member", "sec2", NOT_FOUND, None),
    ("active@C1", "add_member", "res1", NOT_FOUND, None),
    ("active@C1", "add_member", "oc1", NOT_FOUND, None),
    ("active@C1", "add_member", "pm1", NOT_FOUND, None),
    ("active@C1", "add_member", "ic", NOT_FOUND, None),
    ("active@C1", "add_member", "do1", NOT_FOUND, None),
    ("active@C1", "end_member", "sec1", INVALID, False),
    ("active@C1", "end_member", "sec1", NOT_NOW, True),  # ended already
    ("active@C1", "end_member", "la1", FORBIDDEN, False),
    ("active@C2", "add_member", "sec2", INVALID, None),
    ("active@C2", "add_member", "sec1", NOT_FOUND, None),
    # The task force: the 司法所 and the political-legal secretary of its street.
    ("active@task_force", "add_member", "jo", INVALID, None),
    ("active@task_force", "add_member", "pls", INVALID, None),
    ("active@task_force", "add_member", "lic", FORBIDDEN, None),
    ("active@task_force", "add_member", "smed", FORBIDDEN, None),
    ("active@task_force", "add_member", "sec1", NOT_FOUND, None),
    ("active@task_force", "add_member", "jo2", NOT_FOUND, None),
    ("active@task_force", "end_member", "pls", INVALID, False),
]


def test_literal_cases(matrix: Matrix, records: dict[str, str]) -> None:
    """Each literal case by HTTP, and the definition predicts the same answer."""
    cases = [
        (rec, code, user, want, None if sub is None else _member(matrix, records[rec], sub))
        for rec, code, user, want, sub in LITERAL
    ]
    wrong = matrix.literal_mismatches(records, cases)
    assert not wrong, "\n".join(wrong)


def test_order_of_checks_with_if_match(matrix: Matrix, records: dict[str, str]) -> None:
    """API.md: scope (and the member) 404 → If-Match 412 → an ended member 409 → role 403 → body 422."""
    body_id = records["active@C1"]
    current, stale = matrix.etag(body_id), '"999"'
    ended, serving = _member(matrix, body_id, True), _member(matrix, body_id, False)
    cases: list[Ordered] = [
        ("sec2", "add_member", None, stale, NOT_FOUND),
        ("sec1", "end_member", "00000000-0000-4000-8000-000000000000", stale, NOT_FOUND),
        ("sec1", "end_member", ended, stale, STALE),
        ("staff1", "add_member", None, stale, STALE),
        ("staff1", "end_member", ended, current, NOT_NOW),
        ("staff1", "end_member", serving, current, FORBIDDEN),
        ("sec1", "end_member", serving, current, INVALID),
    ]
    got, want = matrix.in_order(body_id, cases)
    assert got == want
