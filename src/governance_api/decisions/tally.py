"""Consensus arithmetic (凝聚共识的计票), exact: ``Fraction`` over ``Decimal`` areas, never floats.

Legal readings (DOMAIN.md §2.2, Civil Code arts. 278 and 1259):

- ``≥ 2/3`` and ``≥ 3/4`` ("三分之二以上", "四分之三以上") include the boundary; ``> 1/2``
  ("过半数") excludes it.
- Quorum (参与表决) is measured against the scope totals ``A`` (total exclusive area) and ``N``
  (total owners); both majorities against what participated (every ballot participates, abstentions
  included: an abstention is a vote that is not "for").
- Owners are counted per owner: ballots with one ``owner_ref`` are one owner with the areas added
  (SPC interpretation on building ownership art. 9); a ballot without ``owner_ref`` is its own owner.
- With nothing recorded, a majority over an empty base does not hold (0 of 0 is not "3/4 or more").
- A 居民会议 counts by its latest meeting (the operative resolution), under the rule data in force on
  the day (Asia/Shanghai) it was held; a consultation (协商议事) needs one consultation meeting with
  minutes.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

OWNERS_RULES = ("owners_special", "owners_ordinary")

LABELS = {
    "quorum_area": "参与表决的专有部分面积占总面积三分之二以上",
    "quorum_owners": "参与表决人数占业主总人数三分之二以上",
    "special_majority_area": "同意的专有部分面积占参与表决面积四分之三以上",
    "special_majority_owners": "同意人数占参与表决人数四分之三以上",
    "ordinary_majority_area": "同意的专有部分面积超过参与表决面积半数",
    "ordinary_majority_owners": "同意人数超过参与表决人数半数",
    "residents_quorum": "到会居民(户代表)超过应到人数的规定比例",
    "residents_majority": "赞成票超过到会人数的规定比例",
    "residents_meeting_recorded": "已召开居民会议并记录表决结果",
    "consultation_meeting": "已召开至少一次协商议事会议并有会议纪要",
}


@dataclass(frozen=True)
class BallotFacts:
    unit_ref: str
    owner_ref: str | None
    area_m2: Decimal
    choice: str  # for / against / abstain


@dataclass(frozen=True)
class MeetingFacts:
    kind: str
    attendees: int
    votes_for: int
    minutes: str


@dataclass(frozen=True)
class MeetingRule:
    """Residents-meeting rule data in force on a day."""

    quorum: Fraction
    quorum_strict: bool
    majority: Fraction
    majority_strict: bool
    basis: str


@dataclass(frozen=True)
class Threshold:
    code: str
    fraction: Fraction
    strict: bool  # True: "超过/过半数" (>), False: "以上" (≥)
    base: Fraction  # what the fraction is taken of
    actual: Fraction

    @property
    def holds(self) -> bool:
        if self.base == 0:
            return False
        needed = self.fraction * self.base
        return self.actual > needed if self.strict else self.actual >= needed


@dataclass
class Tally:
    rule: str
    totals: dict[str, str] = field(default_factory=dict)
    thresholds: list[Threshold] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # unmet conditions that are not thresholds

    @property
    def unmet(self) -> list[str]:
        return self.missing + [t.code for t in self.thresholds if not t.holds]

    @property
    def satisfied(self) -> bool:
        return not self.unmet


def owner_key(b: BallotFacts) -> str:
    return f"owner:{b.owner_ref}" if b.owner_ref else f"unit:{b.unit_ref}"


def owners_tally(rule: str, total_area: Decimal, total_owners: int, ballots: Sequence[BallotFacts]) -> Tally:
    """Art. 278: quorum on the scope totals, then the rule's majority on what participated."""
    area = sum((Fraction(b.area_m2) for b in ballots), Fraction(0))
    for_area = sum((Fraction(b.area_m2) for b in ballots if b.choice == "for"), Fraction(0))
    owners = {owner_key(b) for b in ballots}
    for_owners = {owner_key(b) for b in ballots if b.choice == "for"}
    two_thirds, three_quarters, half = Fraction(2, 3), Fraction(3, 4), Fraction(1, 2)
    thresholds = [
        Threshold("quorum_area", two_thirds, False, Fraction(total_area), area),
        Threshold("quorum_owners", two_thirds, False, Fraction(total_owners), Fraction(len(owners))),
    ]
    if rule == "owners_special":
        thresholds += [
            Threshold("special_majority_area", three_quarters, False, area, for_area),
            Threshold(
                "special_majority_owners", three_quarters, False, Fraction(len(owners)), Fraction(len(for_owners))
            ),
        ]
    else:
        thresholds += [
            Threshold("ordinary_majority_area", half, True, area, for_area),
            Threshold("ordinary_majority_owners", half, True, Fraction(len(owners)), Fraction(len(for_owners))),
        ]
    totals = {
        "total_area_m2": _dec(Fraction(total_area)),
        "total_owners": str(total_owners),
        "ballots": str(len(ballots)),
        "participating_area_m2": _dec(area),
        "participating_owners": str(len(owners)),
        "for_area_m2": _dec(for_area),
        "for_owners": str(len(for_owners)),
        "against_area_m2": _dec(sum((Fraction(b.area_m2) for b in ballots if b.choice == "against"), Fraction(0))),
        "abstain_area_m2": _dec(sum((Fraction(b.area_m2) for b in ballots if b.choice == "abstain"), Fraction(0))),
    }
    return Tally(rule=rule, totals=totals, thresholds=thresholds)


def residents_tally(eligible: int, meeting: MeetingFacts | None, rule: MeetingRule | None) -> Tally:
    """城市居民委员会组织法: attendance against the eligible residents, votes for against attendees."""
    tally = Tally(rule="residents_meeting", totals={"eligible_residents": str(eligible)})
    if meeting is None or rule is None:
        tally.missing.append("residents_meeting_recorded")
        return tally
    tally.totals |= {"attendees": str(meeting.attendees), "votes_for": str(meeting.votes_for), "basis": rule.basis}
    tally.thresholds = [
        Threshold("residents_quorum", rule.quorum, rule.quorum_strict, Fraction(eligible), Fraction(meeting.attendees)),
        Threshold(
            "residents_majority",
            rule.majority,
            rule.majority_strict,
            Fraction(meeting.attendees),
            Fraction(meeting.votes_for),
        ),
    ]
    return tally


def consultation_tally(meetings: Iterable[MeetingFacts]) -> Tally:
    held = [m for m in meetings if m.kind == "consultation" and m.minutes.strip()]
    tally = Tally(rule="consultation", totals={"consultation_meetings": str(len(held))})
    if not held:
        tally.missing.append("consultation_meeting")
    return tally


def _dec(value: Fraction) -> str:
    """A sum of 2-decimal areas is itself exact to 2 decimals."""
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01")))


def fraction_text(f: Fraction) -> str:
    return f"{f.numerator}/{f.denominator}"


def explain(tally: Tally) -> str:
    """A plain-Chinese sentence per condition a secretary can read out."""
    lines = []
    for t in tally.thresholds:
        cmp = "超过" if t.strict else "达到"
        needed = t.fraction * t.base
        mark = "✓ 满足" if t.holds else "✗ 未满足"
        lines.append(
            f"{LABELS[t.code]}:实际 {number_text(t.actual)},须{cmp} {fraction_text(t.fraction)} × {number_text(t.base)}"
            f" = {number_text(needed)},{mark}。"
        )
    lines += [f"{LABELS[code]}:✗ 未满足。" for code in tally.missing]
    if tally.rule == "consultation" and not tally.missing:
        lines.append(f"{LABELS['consultation_meeting']}:✓ 满足。")
    head = "共识已达成,可以确认共识。" if tally.satisfied else "共识尚未达成。"
    return head + "\n" + "\n".join(lines)


def number_text(value: Fraction) -> str:
    """Exact when it has at most 2 decimals, else rounded with an ellipsis (e.g. 2/3 × 100 = 66.67…)."""
    if value.denominator == 1:
        return str(value.numerator)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    text = str(exact.quantize(Decimal("0.01")))
    return text if Fraction(Decimal(text)) == value else f"{text}…"
