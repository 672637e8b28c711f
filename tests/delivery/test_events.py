"""What goes out: CloudEvents 1.0 with thin data, to the subscriptions whose owner may see the record."""

import re
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from delivery.support import Clock, Receiver, deliveries, loopback_settings, rounds, subscribe, worker
from disputes.factories import ID_NUMBER, PHONE, SCREENING, Disputes
from governance_api.db import Database
from governance_api.models.records import OutboxEvent
from governance_api.settings import Settings
from world import World

ALL_DISPUTE = [
    "governance.dispute.created.v1",
    "governance.dispute.transitioned.v1",
    "governance.dispute.early_warning.v1",
]


def _run(db: Database, s: Settings) -> None:
    clock = Clock()
    rounds(worker(s, db, clock), 2, clock, seconds=1)


def test_a_cloud_event_is_thin_and_well_formed(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    subscribe(db, s, world, "admin", receiver, "all", ALL_DISPUTE)
    did = d.mediating(
        title="楼上噪音-标题秘密",
        description="描述里的秘密",
        parties=[
            {"name": "王秘密", "role": "applicant", "phone": PHONE, "id_number": ID_NUMBER},
            {"name": "赵隐私", "role": "respondent", "phone": "13999998888"},
        ],
    )
    d.do("staff1", did, "record_agreement", {"form": "oral", "content": "晚十点后保持安静-协议内容"})
    tracking = d.get(did)["tracking_code"]
    _run(db, s)

    got = receiver.at("all")
    assert receiver.bad_signatures == []
    types = [r.event["type"] for r in got]
    assert types.count("governance.dispute.created.v1") == 1  # sent concurrently: no order among them
    assert types.count("governance.dispute.transitioned.v1") == 3  # accept, complete_screening, record_agreement
    for r in got:
        assert r.headers["content-type"] == "application/cloudevents+json"
        e = r.event
        assert set(e) == {"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"}
        assert e["specversion"] == "1.0" and e["datacontenttype"] == "application/json"
        assert e["subject"] == f"disputes/{did}" and e["source"] == "/governance-api"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", e["time"])
        assert e["data"]["dispute_id"] == did
        for secret in (
            "王秘密",
            "赵隐私",
            PHONE,
            "13999998888",
            ID_NUMBER,
            "标题秘密",
            "描述里的秘密",
            "协议内容",
            tracking,
        ):
            assert secret not in r.body
    accept = next(r.event for r in got if r.event["data"].get("action") == "accept")
    assert accept["data"]["from"] == "reported" and accept["data"]["to"] == "screening"
    assert accept["data"]["level"] == "community"  # where the dispute stood after the step
    created = next(r.event for r in got if r.event["type"] == "governance.dispute.created.v1")
    assert created["data"]["level"] == "community" and created["data"]["to"] == "reported"
    with db.session(write=False) as session:
        ids = {
            str(i) for i in session.scalars(select(OutboxEvent.id).where(OutboxEvent.aggregate_id == uuid.UUID(did)))
        }
    assert {r.event["id"] for r in got} <= ids


def test_an_early_warning_is_its_own_type(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    subscribe(db, s, world, "jo", receiver, "warn", ["governance.dispute.early_warning.v1"])
    did = d.screening()
    d.do("staff1", did, "complete_screening", SCREENING | {"risk_level": "high", "group_dispute": True})
    _run(db, s)
    [r] = receiver.at("warn")
    assert r.event["type"] == "governance.dispute.early_warning.v1"
    assert r.event["data"]["risk_level"] == "high" and r.event["data"]["group_dispute"] is True


def test_an_integration_client_gets_its_own_disputes_with_the_external_id(
    db: Database, settings: Settings, world: World, d: Disputes, client: TestClient, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    subscribe(db, s, world, "ic", receiver, "feed", ALL_DISPUTE)
    subscribe(db, s, world, "admin", receiver, "admin", ALL_DISPUTE)
    mine = d.create("ic", channel="yiwangtongguan", external_id="YWTG-0001")["id"]
    d.do("staff1", mine, "accept")
    d.create()  # someone else's, in the same street
    _run(db, s)

    feed = receiver.at("feed")
    assert {r.event["data"]["dispute_id"] for r in feed} == {mine}
    assert len(feed) == 2 and all(r.event["data"]["external_id"] == "YWTG-0001" for r in feed)
    admin = receiver.at("admin")
    assert len(admin) == 3 and all("external_id" not in r.event["data"] for r in admin)


def test_a_judicial_officer_gets_its_street_only(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    subscribe(db, s, world, "jo", receiver, "s1", ALL_DISPUTE)
    subscribe(db, s, world, "jo2", receiver, "s2", ALL_DISPUTE)
    d.create()  # in C1, street S1
    _run(db, s)
    assert len(receiver.at("s1")) == 1
    assert receiver.at("s2") == []


def test_types_asked_for_only_and_nothing_from_before_the_subscription(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    d.create()  # before any subscription
    sub = subscribe(db, s, world, "admin", receiver, "t", ["governance.dispute.transitioned.v1"])
    did = d.reported()
    d.do("staff1", did, "accept")
    _run(db, s)
    [only] = receiver.at("t")
    assert only.event["type"] == "governance.dispute.transitioned.v1" and only.event["data"]["action"] == "accept"
    assert len(deliveries(db, sub)) == 1


def test_other_machines_events_are_published_without_deliveries(
    db: Database, settings: Settings, world: World, receiver: Receiver
) -> None:
    s = loopback_settings(settings)
    sub = subscribe(db, s, world, "admin", receiver, "x")
    with db.transaction() as session:
        session.add(
            OutboxEvent(aggregate_type="meeting", aggregate_id=world.units["C1"], kind="meeting.create", payload={})
        )
        session.add(
            OutboxEvent(
                aggregate_type="dispute", aggregate_id=world.units["C1"], kind="dispute.no_such_step", payload={}
            )
        )
    _run(db, s)
    with db.session(write=False) as session:
        assert session.scalars(select(OutboxEvent).where(OutboxEvent.published_at.is_(None))).all() == []
    assert deliveries(db, sub) == [] and receiver.received == []


def test_an_inactive_owner_gets_nothing(
    db: Database, settings: Settings, world: World, d: Disputes, client: TestClient, receiver: Receiver
) -> None:
    from governance_api.models.org import User

    s = loopback_settings(settings)
    sub = subscribe(db, s, world, "jo", receiver, "off", ALL_DISPUTE)
    with db.transaction() as session:
        user = session.get(User, world.users["jo"])
        assert user is not None
        user.active = False
    d.create()
    _run(db, s)
    assert deliveries(db, sub) == []


def test_a_transition_tells_the_level_the_dispute_stood_at_then(
    db: Database, settings: Settings, world: World, d: Disputes, receiver: Receiver
) -> None:
    """An escalation's event carries the level it reached; a later event is not rewritten by it."""
    s = loopback_settings(settings)
    subscribe(db, s, world, "admin", receiver, "levels", ALL_DISPUTE)
    did = d.at_street()
    _run(db, s)
    levels = {
        r.event["data"]["action"]: r.event["data"]["level"]
        for r in receiver.at("levels")
        if "action" in r.event["data"]
    }
    assert levels["accept"] == "community" and levels["request_escalation"] == "community"
    assert levels["approve_escalation"] == "street_joint"
    assert d.get(did)["level"] == "street_joint"


def test_a_decisions_events_count_its_rounds_from_zero(db: Database, client: TestClient, world: World) -> None:
    """The create's event reads the rounds before the insert: they are 0 then, never null."""
    from decisions.factories import decision_in

    decision = decision_in(client, world, "filing")
    with db.session(write=False) as session:
        events = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.aggregate_id == uuid.UUID(decision["id"]), OutboxEvent.kind.like("decision.%"))
            .order_by(OutboxEvent.created_at)
        ).all()
    rounds_of = {e.kind: (e.payload.get("consultation_round"), e.payload.get("filing_round")) for e in events}
    assert rounds_of["decision.create"] == (0, 0)
    assert rounds_of["decision.open_consultation"] == (1, 0)
    assert rounds_of["decision.confirm_consensus"] == (1, 1)  # entering 报备 opens a filing round
