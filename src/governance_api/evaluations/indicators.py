"""The year's figures a community's evaluation is graded on (DOMAIN §4.7, §5), snapshotted at
``submit``. Counted exactly from the records: disputes and decisions of the community, and what
their history says happened in the year (a Shanghai calendar year: an event counts in the year of
the Shanghai day it happened), and the governance work of the year: the community's meetings and
their resolutions, the patrol coverage of its grids. The statistics issue extends the snapshot,
never changes a taken one."""

import datetime as dt
import uuid
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.orm import Session

from governance_api.core.validators import SHANGHAI
from governance_api.evaluations import repository as repo
from governance_api.models.decisions import Decision
from governance_api.models.disputes import Dispute

Steps = Counter[tuple[str, str | None, str]]


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a Shanghai calendar year, as aware datetimes."""
    return dt.datetime(year, 1, 1, tzinfo=SHANGHAI), dt.datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


def rate(numerator: int, denominator: int) -> dict[str, Any]:
    """A rate as DOMAIN §5 gives it: both counts and the quotient to four places (half up), null
    when nothing was counted."""
    value = None
    if denominator:
        value = str((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP))
    return {"numerator": numerator, "denominator": denominator, "rate": value}


def _taken(steps: Steps, action: str, from_state: str | None = None) -> int:
    return sum(n for (a, f, _), n in steps.items() if a == action and (from_state is None or f == from_state))


def _by_kind(counts: Counter[tuple[str, bool]]) -> dict[str, int]:
    """(kind, flag) → n summed over the flag, by kind in code order."""
    out: Counter[str] = Counter()
    for (kind, _), n in counts.items():
        out[kind] += n
    return dict(sorted(out.items()))


def _entered(steps: Steps, state: str) -> int:
    return sum(n for (_, _, t), n in steps.items() if t == state)


def disputes(session: Session, community_id: uuid.UUID, year: int) -> dict[str, Any]:
    start, end = year_bounds(year)
    received = repo.created_between(session, Dispute, community_id, start, end)
    steps = repo.steps_between(session, "dispute", community_id, start, end)
    # 调解成功率: mediations concluded in the year by an agreement, over those concluded by an
    # agreement, a referral or a withdrawal while mediating (DOMAIN §5).
    agreed = _taken(steps, "record_agreement", "mediating")
    concluded = agreed + _taken(steps, "refer", "mediating") + _taken(steps, "withdraw", "mediating")
    return {
        "received": sum(received.values()),
        "received_by_channel": dict(sorted(received.items())),
        "sessions": repo.sessions_between(session, community_id, start, end),
        "agreements": _taken(steps, "record_agreement"),
        "resolved": _entered(steps, "resolved"),
        "referred": _entered(steps, "referred"),
        "withdrawn": _entered(steps, "withdrawn"),
        "escalations_approved": _taken(steps, "approve_escalation"),
        "task_forces": _taken(steps, "form_task_force"),
        "mediation_success": rate(agreed, concluded),
    }


def decisions(session: Session, community_id: uuid.UUID, year: int) -> dict[str, Any]:
    start, end = year_bounds(year)
    listed = repo.created_between(session, Decision, community_id, start, end)
    steps = repo.steps_between(session, "decision", community_id, start, end)
    approvals = repo.approvals_between(session, community_id, start, end)
    return {
        "listed": sum(listed.values()),
        "listed_by_catalog_entry": dict(sorted(listed.items())),
        "proposed": _taken(steps, "propose"),
        "consensus_confirmed": _taken(steps, "confirm_consensus"),
        "legal_reviews": {  # by conclusion (DOMAIN §5)
            "approved": approvals["approved"],
            "approved_with_conditions": approvals["approved_with_conditions"],
            "returned": _taken(steps, "return_for_revision"),
            "rejected": _taken(steps, "reject"),
        },
        "closed": _entered(steps, "closed"),
        "typical_cases": _taken(steps, "mark_typical_case"),
    }


def meetings(session: Session, community_id: uuid.UUID, year: int, today: dt.date) -> dict[str, Any]:
    """The community's own meetings of the year by kind (the street's 联席会商 are the street's), the
    居民议事会 a legal adviser attended, and the resolutions: recorded, done (闭环), open past due."""
    start, end = year_bounds(year)
    held = repo.meetings_between(session, community_id, start, end)
    by_kind = _by_kind(held)
    recorded, done, past_due = repo.resolutions_between(session, community_id, start, end, today)
    return {
        "held": sum(by_kind.values()),
        "by_kind": by_kind,
        "councils_with_legal_adviser": held[("residents_council", True)],
        "resolutions": {"recorded": recorded, "done": done, "open_past_due": past_due},
    }


def patrols(session: Session, community_id: uuid.UUID, year: int, today: dt.date) -> dict[str, Any]:
    """Patrol coverage (DOMAIN §4.3): grid-days with a patrol over grid-days of the year so far (to
    the snapshot's day, or the year's end), and the findings by kind with the clues reported."""
    first = dt.date(year, 1, 1)
    last = min(dt.date(year, 12, 31), today)
    days = max((last - first).days + 1, 0)
    grid_days = repo.grids_of(session, community_id) * days
    patrolled = repo.patrolled_grid_days(session, community_id, first, last) if days else 0
    found = repo.findings_between(session, community_id, first, last)
    return {
        "coverage": rate(patrolled, grid_days),
        "findings_by_kind": _by_kind(found),
        "clues_reported": found[("dispute_clue", True)],
    }


def snapshot(session: Session, community_id: uuid.UUID, year: int, taken_at: dt.datetime) -> dict[str, Any]:
    """Every figure of the year for the community, as of ``taken_at``."""
    today = taken_at.astimezone(SHANGHAI).date()
    return {
        "year": year,
        "taken_at": taken_at.isoformat(),
        "disputes": disputes(session, community_id, year),
        "decisions": decisions(session, community_id, year),
        "meetings": meetings(session, community_id, year, today),
        "patrols": patrols(session, community_id, year, today),
    }
