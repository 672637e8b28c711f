"""Consensus arithmetic (Civil Code art. 278): boundaries exactly on 2/3, 3/4 and 1/2 and one unit
either side, for area and headcount separately; and a property test against a plain formula."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance_api.decisions.tally import BallotFacts, owners_tally


def ballots(n_for: int, n_other: int, area_for: str = "1", area_other: str = "1", other: str = "against"):
    """``n_for`` ballots for and ``n_other`` others, each its own owner, with the given areas."""
    out = [BallotFacts(f"f{i}", None, Decimal(area_for), "for") for i in range(n_for)]
    return out + [BallotFacts(f"o{i}", None, Decimal(area_other), other) for i in range(n_other)]


def holds(tally, code: str) -> bool:
    return next(t.holds for t in tally.thresholds if t.code == code)


# --- quorum: ≥ 2/3 of the scope totals (以上 includes the boundary) ---------------------------


@pytest.mark.parametrize(("voters", "expected"), [(11, False), (12, True), (13, True)])
def test_quorum_owners_on_two_thirds(voters: int, expected: bool) -> None:
    # 18 owners; the area is generous so only the headcount decides.
    t = owners_tally("owners_special", Decimal("100"), 18, ballots(voters, 0, area_for="8"))
    assert holds(t, "quorum_owners") is expected
    assert holds(t, "quorum_area") is True


@pytest.mark.parametrize(("area", "expected"), [("1199.99", False), ("1200.00", True), ("1200.01", True)])
def test_quorum_area_on_two_thirds(area: str, expected: bool) -> None:
    # Total 1800.00 m²: 2/3 is 1200.00. One big ballot plus owners enough for the headcount.
    b = [BallotFacts("big", None, Decimal(area), "for")]
    t = owners_tally("owners_special", Decimal("1800.00"), 1, b)
    assert holds(t, "quorum_area") is expected
    assert holds(t, "quorum_owners") is True


# --- special majority: ≥ 3/4 of participating --------------------------------------------------


@pytest.mark.parametrize(("n_for", "expected"), [(8, False), (9, True), (10, True)])
def test_special_majority_owners_on_three_quarters(n_for: int, expected: bool) -> None:
    # 12 participating owners: 3/4 is 9. Areas weighted so the area majority always holds.
    b = ballots(n_for, 12 - n_for, area_for="100", area_other="1")
    t = owners_tally("owners_special", Decimal("2000"), 12, b)
    assert holds(t, "special_majority_owners") is expected
    assert holds(t, "special_majority_area") is True


@pytest.mark.parametrize(("area_for", "expected"), [("299.99", False), ("300.00", True), ("300.01", True)])
def test_special_majority_area_on_three_quarters(area_for: str, expected: bool) -> None:
    # for-area X and 100.00 against: X / (X + 100) ≥ 3/4 ⇔ X ≥ 300.00.
    b = [BallotFacts("f", None, Decimal(area_for), "for"), BallotFacts("a", None, Decimal("100.00"), "against")]
    t = owners_tally("owners_special", Decimal("500"), 2, b)
    assert holds(t, "special_majority_area") is expected


# --- ordinary majority: > 1/2 of participating (过半数 excludes the boundary) --------------------


@pytest.mark.parametrize(("n_for", "expected"), [(5, False), (6, False), (7, True)])
def test_ordinary_majority_owners_on_half(n_for: int, expected: bool) -> None:
    b = ballots(n_for, 12 - n_for, area_for="100", area_other="1")
    t = owners_tally("owners_ordinary", Decimal("2000"), 12, b)
    assert holds(t, "ordinary_majority_owners") is expected
    assert holds(t, "ordinary_majority_area") is True


@pytest.mark.parametrize(("area_for", "expected"), [("99.99", False), ("100.00", False), ("100.01", True)])
def test_ordinary_majority_area_on_half(area_for: str, expected: bool) -> None:
    b = [BallotFacts("f", None, Decimal(area_for), "for"), BallotFacts("a", None, Decimal("100.00"), "abstain")]
    t = owners_tally("owners_ordinary", Decimal("250"), 2, b)
    assert holds(t, "ordinary_majority_area") is expected


def test_owner_with_several_units_counts_once_with_areas_added() -> None:
    b = [
        BallotFacts("1-101", "王", Decimal("50.00"), "for"),
        BallotFacts("1-102", "王", Decimal("60.00"), "for"),
        BallotFacts("1-201", None, Decimal("100.00"), "against"),
    ]
    t = owners_tally("owners_ordinary", Decimal("210.00"), 2, b)
    assert t.totals["participating_owners"] == "2" and t.totals["for_area_m2"] == "110.00"
    assert holds(t, "ordinary_majority_area") and not holds(t, "ordinary_majority_owners")  # 1 of 2 is not > 1/2
    assert t.unmet == ["ordinary_majority_owners"]


def test_nothing_recorded_holds_nothing() -> None:
    t = owners_tally("owners_special", Decimal("100"), 10, [])
    assert not t.satisfied and set(t.unmet) == {
        "quorum_area",
        "quorum_owners",
        "special_majority_area",
        "special_majority_owners",
    }


# --- property: the tally agrees with a plain reference formula -------------------------------

ballot_sets = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=20_000),  # area in cents
        st.sampled_from(["for", "against", "abstain"]),
        st.one_of(st.none(), st.integers(min_value=0, max_value=5)),  # shared owner
    ),
    max_size=30,
)


def reference(rule: str, total_cents: int, total_owners: int, raw: list[tuple[int, str, int | None]]) -> set[str]:
    """Integer-only restatement of art. 278, owners grouped by ``owner_ref`` (one choice per owner)."""
    owners: dict[str, tuple[int, str]] = {}
    for i, (cents, choice, owner) in enumerate(raw):
        key = f"o{owner}" if owner is not None else f"u{i}"
        prev = owners.get(key)
        owners[key] = (cents + (prev[0] if prev else 0), prev[1] if prev else choice)
    area = sum(c for c, _ in owners.values())
    for_area = sum(c for c, ch in owners.values() if ch == "for")
    n, n_for = len(owners), sum(1 for _, ch in owners.values() if ch == "for")
    unmet = set()
    if not 3 * area >= 2 * total_cents:
        unmet.add("quorum_area")
    if not 3 * n >= 2 * total_owners:
        unmet.add("quorum_owners")
    if rule == "owners_special":
        if not (area and 4 * for_area >= 3 * area):
            unmet.add("special_majority_area")
        if not (n and 4 * n_for >= 3 * n):
            unmet.add("special_majority_owners")
    else:
        if not 2 * for_area > area:
            unmet.add("ordinary_majority_area")
        if not 2 * n_for > n:
            unmet.add("ordinary_majority_owners")
    return unmet


@settings(max_examples=150, deadline=None)
@given(
    rule=st.sampled_from(["owners_special", "owners_ordinary"]),
    raw=ballot_sets,
    extra_cents=st.integers(min_value=0, max_value=300_000),
    extra_owners=st.integers(min_value=0, max_value=30),
)
def test_tally_matches_reference(
    rule: str, raw: list[tuple[int, str, int | None]], extra_cents: int, extra_owners: int
) -> None:
    # One choice per owner, as the API enforces: the owner's first ballot sets it.
    first: dict[int, str] = {}
    facts = []
    for i, (cents, choice, owner) in enumerate(raw):
        if owner is not None:
            choice = first.setdefault(owner, choice)
        facts.append(BallotFacts(f"u{i}", None if owner is None else f"o{owner}", Decimal(cents) / 100, choice))
    fixed = [(c, b.choice, o) for (c, _, o), b in zip(raw, facts, strict=True)]
    owners = len({b.owner_ref or b.unit_ref for b in facts})
    total_cents = sum(c for c, _, _ in raw) + extra_cents or 1
    t = owners_tally(rule, Decimal(total_cents) / 100, owners + extra_owners or 1, facts)
    assert set(t.unmet) == reference(rule, total_cents, owners + extra_owners or 1, fixed)
    assert Fraction(Decimal(t.totals["participating_area_m2"])) == Fraction(sum(c for c, _, _ in raw), 100)
