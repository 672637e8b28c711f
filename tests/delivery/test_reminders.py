"""Reminders fire once each, on the right Shanghai day, with a clock the test holds."""

import datetime as dt
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from decisions.factories import decision_in
from delivery.support import Clock, Receiver, loopback_settings, rounds, subscribe, worker
from disputes.factories import Disputes, days_ago, today
from governance_api.core.validators import SHANGHAI
from governance_api.db import Database
from governance_api.delivery import reminders
from governance_api.models.decisions import Filing
from governance_api.models.disputes import Dispute
from governance_api.models.records import OutboxEvent
from governance_api.settings import Settings
from world import World


def _events(db: Database, kind: str) -> list[OutboxEvent]:
    with db.session(write=False) as s:
        return list(s.scalars(select(OutboxEvent).where(OutboxEvent.kind == kind)))


def _raise(db: Database, settings: Settings, now: dt.datetime, kind: str) -> int:
    """Run the reminders at ``now``; how many of ``kind`` they raised (others may fire too)."""
    before = len(_events(db, kind))
    reminders.run(db, settings, now)
    return len(_events(db, kind)) - before


def _shanghai_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.UTC)


def test_overdue_once_per_level(db: Database, settings: Settings, d: Disputes) -> None:
    did = d.mediating()
    with db.session(write=False) as s:
        entered = s.get(Dispute, uuid.UUID(did)).level_entered_at  # type: ignore[union-attr]
    due = entered + dt.timedelta(days=settings.dispute_time_limits.community)
    assert reminders.run(db, settings, due - dt.timedelta(seconds=1)) == 0
    assert reminders.run(db, settings, due + dt.timedelta(seconds=1)) == 1
    assert reminders.run(db, settings, due + dt.timedelta(days=3)) == 0  # once for this level
    [event] = _events(db, "dispute.overdue")
    assert str(event.aggregate_id) == did and event.payload["level"] == "community"

    d.session("med1", did)
    d.do("sec1", did, "request_escalation", {"summary": "s", "reason": "r", "requested_level": "street_joint"})
    d.do("jo", did, "approve_escalation", {"level": "street_joint"})
    now = dt.datetime.now(dt.UTC)
    assert reminders.run(db, settings, now) == 0  # the clock restarted at the new level
    later = now + dt.timedelta(days=settings.dispute_time_limits.street_joint, minutes=1)
    assert reminders.run(db, settings, later) == 1
    assert reminders.run(db, settings, later) == 0
    assert sorted(e.payload["level"] for e in _events(db, "dispute.overdue")) == ["community", "street_joint"]


def test_a_resolved_dispute_is_not_overdue(db: Database, settings: Settings, d: Disputes) -> None:
    did = d.reported()
    d.do("staff1", did, "withdraw", {"reason": "当事人撤回"})
    assert reminders.run(db, settings, dt.datetime.now(dt.UTC) + dt.timedelta(days=400)) == 0


def test_confirmation_deadline_on_the_shanghai_day_five_days_before(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    subscribe(db, s, world, "jo", receiver, "deadline", ["governance.agreement.confirmation_deadline.v1"])
    did = d.mediating()
    signed = today() - dt.timedelta(days=1)
    d.do("staff1", did, "record_agreement", d.written(signed.isoformat()))
    notice_day = signed + dt.timedelta(days=25)  # the deadline is signed + 30
    midnight = _shanghai_midnight(notice_day)

    assert (
        _raise(db, s, midnight - dt.timedelta(seconds=30), "dispute.confirmation_deadline") == 0
    )  # 23:59:30 the day before
    assert _raise(db, s, midnight + dt.timedelta(seconds=30), "dispute.confirmation_deadline") == 1
    assert _raise(db, s, midnight + dt.timedelta(days=2), "dispute.confirmation_deadline") == 0
    [event] = _events(db, "dispute.confirmation_deadline")
    assert event.payload["deadline"] == (signed + dt.timedelta(days=30)).isoformat()

    clock = Clock(midnight + dt.timedelta(minutes=1))
    rounds(worker(s, db, clock), 2, clock, seconds=1)
    [r] = receiver.at("deadline")
    assert r.event["type"] == "governance.agreement.confirmation_deadline.v1"
    assert r.event["subject"] == f"disputes/{did}" and r.event["data"]["deadline"] == event.payload["deadline"]
    assert receiver.bad_signatures == []


def test_no_confirmation_notice_once_applied_for_or_past_the_deadline(
    db: Database, settings: Settings, client: TestClient, world: World, d: Disputes
) -> None:
    did = d.mediating()
    signed = today() - dt.timedelta(days=1)
    d.do("staff1", did, "record_agreement", d.written(signed.isoformat()))
    # a worker that was down until the day after the deadline raises nothing any more
    assert (
        _raise(
            db,
            settings,
            _shanghai_midnight(signed + dt.timedelta(days=31)) + dt.timedelta(hours=1),
            "dispute.confirmation_deadline",
        )
        == 0
    )
    # a late worker still within the window raises it
    assert (
        _raise(
            db,
            settings,
            _shanghai_midnight(signed + dt.timedelta(days=30)) + dt.timedelta(hours=23),
            "dispute.confirmation_deadline",
        )
        == 1
    )

    other = d.mediating()
    d.do("staff1", other, "record_agreement", d.written(days_ago(1)))
    body = {"court": "静安区人民法院", "applied_on": days_ago(0)}
    r = client.post(f"/api/v1/disputes/{other}/judicial-confirmation", json=body, headers=world.h("jo"))
    assert r.status_code in (200, 201), r.text
    assert (
        _raise(db, settings, _shanghai_midnight(signed + dt.timedelta(days=26)), "dispute.confirmation_deadline") == 0
    )


KIND = "decision.filing_unanswered"


def test_unanswered_filings_reminded_once_after_the_set_days(
    db: Database, settings: Settings, client: TestClient, world: World
) -> None:
    decision = decision_in(client, world, "filing")
    filed_day = today()
    due = _shanghai_midnight(filed_day + dt.timedelta(days=settings.filing_reminder_days))
    assert _raise(db, settings, due - dt.timedelta(seconds=30), KIND) == 0
    with db.session(write=False) as s:
        unanswered = {
            str(f)
            for f in s.scalars(
                select(Filing.id).where(Filing.decision_id == uuid.UUID(decision["id"]), Filing.response.is_(None))
            )
        }
    assert unanswered  # the 报备 opened one filing per leader it went to
    assert _raise(db, settings, due + dt.timedelta(seconds=30), KIND) == len(unanswered)
    assert _raise(db, settings, due + dt.timedelta(days=1), KIND) == 0
    events = _events(db, KIND)
    assert {str(e.aggregate_id) for e in events} == {decision["id"]}
    assert sorted(e.payload["filing_id"] for e in events) == sorted(unanswered)  # each one once
