"""Domain lookups the machine and the service share: the catalog version a decision was listed
under, the tally of what was recorded, and the departments a decision files to."""

import uuid
from decimal import Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from governance_api.core.scope import street_path
from governance_api.decisions import repository as repo
from governance_api.decisions import tally as t
from governance_api.models.decisions import CatalogVersion, Decision
from governance_api.models.org import OrgUnit
from governance_api.roles import OrgKind

OWNERS_RULES = t.OWNERS_RULES


def snapshot(session: Session, decision: Decision) -> CatalogVersion:
    """The catalog entry as of the version the decision was listed under (它列入清单时的版本)."""
    return repo.catalog_snapshot(session, decision.catalog_code, decision.catalog_version)


def tally(session: Session, decision: Decision) -> t.Tally:
    """The consensus tally of the current consultation round."""
    rule = decision.consensus_rule
    if rule in OWNERS_RULES:
        facts = [t.BallotFacts(b.unit_ref, b.owner_ref, b.area_m2, b.choice) for b in repo.ballots(session, decision)]
        return t.owners_tally(rule, decision.total_area_m2 or Decimal(0), decision.total_owners or 0, facts)
    meetings = repo.meetings(session, decision)
    if rule == "residents_meeting":
        held = [m for m in meetings if m.kind == "residents_meeting"]
        if not held:
            return t.residents_tally(decision.eligible_residents or 0, None, None)
        latest = max(held, key=lambda m: (m.held_at, m.created_at))
        row = repo.meeting_rule_on(session, latest.held_at)
        rule_data = (
            t.MeetingRule(
                Fraction(row.quorum_num, row.quorum_den),
                row.quorum_strict,
                Fraction(row.majority_num, row.majority_den),
                row.majority_strict,
                row.basis,
            )
            if row
            else None
        )
        facts_m = t.MeetingFacts(latest.kind, latest.attendees, latest.votes_for, latest.minutes)
        return t.residents_tally(decision.eligible_residents or 0, facts_m, rule_data)
    return t.consultation_tally([t.MeetingFacts(m.kind, m.attendees, m.votes_for, m.minutes) for m in meetings])


def filing_departments(session: Session, decision: Decision) -> list[OrgUnit]:
    """The catalog version's departments that sit under the decision's own street."""
    ids = [uuid.UUID(hex=h) for h in snapshot(session, decision).departments]
    street = street_path(decision.scope_path)
    found = repo.units(session, ids)
    return [
        found[i] for i in ids if i in found and found[i].kind == OrgKind.department and found[i].path.startswith(street)
    ]


def unit_of(session: Session, unit_id: uuid.UUID) -> OrgUnit:
    unit = repo.unit(session, unit_id)
    assert unit is not None
    return unit
