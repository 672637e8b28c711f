"""``seed-demo`` on a fresh database: one seed (it takes seconds), then everything checked on it.

The world must cover every state of every machine (taken from their definitions, so a new state
fails here until the demo shows it), every level of the ladder and every role; a second run must
change nothing; and a demo user must be able to sign in with the password and see records."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Select, func, select

from governance_api.app import create_app
from governance_api.db import Database
from governance_api.decisions.machine import DECISION_MACHINE
from governance_api.demo import DEMO_PASSWORD, seed_demo
from governance_api.disputes.machine import DISPUTE_MACHINE
from governance_api.disputes.vocab import Level
from governance_api.evaluations.machine import EVALUATION_MACHINE
from governance_api.models.decisions import Decision
from governance_api.models.disputes import Dispute
from governance_api.models.evaluations import Evaluation
from governance_api.models.org import OrgUnit, RoleAssignment, User
from governance_api.models.patrols import Patrol, PatrolFinding
from governance_api.models.records import TransitionRecord
from governance_api.roles import Role
from governance_api.settings import Settings

COUNTED = {
    "units": OrgUnit,
    "users": User,
    "decisions": Decision,
    "disputes": Dispute,
    "evaluations": Evaluation,
    "patrols": Patrol,
    "history": TransitionRecord,
}


def _counts(db: Database) -> dict[str, int]:
    with db.session(write=False) as s:
        return {name: s.scalar(select(func.count()).select_from(model)) or 0 for name, model in COUNTED.items()}


def _present(db: Database, stmt: Select[Any]) -> set[str]:
    with db.session(write=False) as s:
        return {str(v) for v in s.scalars(stmt.distinct())}


def _sign_in_and_list(settings: Settings, db: Database, username: str) -> dict[str, int]:
    """How many decisions and disputes ``username`` sees, signed in with the demo password."""
    with TestClient(create_app(settings, db)) as client:
        token = client.post("/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        seen = {}
        for resource in ("decisions", "disputes"):
            r = client.get(f"/api/v1/{resource}", headers=headers)
            assert r.status_code == 200, r.text
            seen[resource] = len(r.json()["items"])
        return seen


def test_seed_demo_builds_every_state_once(settings: Settings, db: Database) -> None:
    assert "demo data created" in seed_demo(settings)
    first = _counts(db)

    decision_states = _present(db, select(Decision.state))
    dispute_states = _present(db, select(Dispute.state))
    assert {s.code for s in DECISION_MACHINE.states} <= decision_states
    assert {s.code for s in DISPUTE_MACHINE.states} <= dispute_states
    assert {s.code for s in EVALUATION_MACHINE.states} <= _present(db, select(Evaluation.state))
    assert first["evaluations"] == 5  # one per demo community, this year
    assert {level.value for level in Level} <= _present(db, select(Dispute.level))
    assert {role.value for role in Role} <= _present(db, select(RoleAssignment.role))

    # Patrols: most days of the year, some nil reports, a few findings, one clue become a dispute.
    assert first["patrols"] > 1000
    assert {True, False} == {v == "True" for v in _present(db, select(Patrol.nil_report))}
    assert _present(db, select(PatrolFinding.kind)) == {"dispute_clue", "violation", "safety_hazard", "other"}
    with db.session(write=False) as s:
        reported = s.scalars(select(PatrolFinding.dispute_id).where(PatrolFinding.dispute_id.is_not(None))).all()
        assert len(reported) == 1
        dispute = s.get(Dispute, reported[0])
        assert dispute is not None and dispute.channel == "grid_patrol" and dispute.patrol_finding_id is not None

    seen = _sign_in_and_list(settings, db, "demo_community_secretary")
    assert seen["decisions"] > 0 and seen["disputes"] > 0

    assert "already present" in seed_demo(settings)
    assert _counts(db) == first
