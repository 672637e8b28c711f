"""The delivery log (each event sent to a subscription, with every attempt) and redelivery. The rows
are written straight into the database: the delivery worker, which writes them for real, is another
package."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import event

from conftest import Shared
from governance_api.models.base import utcnow
from governance_api.models.integration import WebhookDelivery
from webhooks.factories import API, TRANSITIONED, add_delivery, counts, ok, problem, subscribe


def test_the_log_newest_first_with_every_attempt(shared: Shared) -> None:
    c, h = shared.client, shared.h("ic")
    sub = subscribe(c, h)
    t0 = utcnow() - dt.timedelta(hours=3)
    failed = add_delivery(shared.db, sub["id"], created_at=t0, attempts=[(500, None), (None, "timed out"), (503, None)])
    delivered = add_delivery(
        shared.db, sub["id"], status="delivered", created_at=t0 + dt.timedelta(hours=1), attempts=[(204, None)]
    )
    pending = add_delivery(
        shared.db, sub["id"], status="pending", created_at=t0 + dt.timedelta(hours=2), event_type=TRANSITIONED
    )
    add_delivery(shared.db, subscribe(c, h)["id"])  # another subscription's: not in this log

    items = ok(c.get(f"{API}/{sub['id']}/deliveries", headers=h))["items"]
    assert [i["id"] for i in items] == [str(pending), str(delivered), str(failed)]
    p, d, f = items
    assert p["status"] == "pending" and p["event_type"] == TRANSITIONED and p["attempts"] == 0
    assert p["attempt_log"] == [] and p["next_attempt_at"] is not None and p["delivered_at"] is None
    assert d["status"] == "delivered" and d["last_status_code"] == 204 and d["delivered_at"] is not None
    assert d["next_attempt_at"] is None  # nothing more is due
    assert f["status"] == "failed" and f["attempts"] == 3 and f["last_status_code"] == 503
    assert [(a["seq"], a["status_code"], a["error"], a["duration_ms"]) for a in f["attempt_log"]] == [
        (1, 500, None, 10),
        (2, None, "timed out", 20),
        (3, 503, None, 30),
    ]
    assert [a["at"] for a in f["attempt_log"]] == sorted(a["at"] for a in f["attempt_log"])
    assert "body" not in f and "event" not in f

    assert [i["id"] for i in ok(c.get(f"{API}/{sub['id']}/deliveries?status=failed", headers=h))["items"]] == [
        str(failed)
    ]
    assert ok(c.get(f"{API}/{sub['id']}/deliveries?status=delivered", headers=h))["items"][0]["id"] == str(delivered)

    first = ok(c.get(f"{API}/{sub['id']}/deliveries?limit=2", headers=h))
    assert [i["id"] for i in first["items"]] == [str(pending), str(delivered)] and first["next_cursor"]
    rest = ok(c.get(f"{API}/{sub['id']}/deliveries", params={"limit": 2, "cursor": first["next_cursor"]}, headers=h))
    assert [i["id"] for i in rest["items"]] == [str(failed)] and rest["next_cursor"] is None

    one = ok(c.get(f"{API}/{sub['id']}/deliveries/{failed}", headers=h))
    assert one["event"]["specversion"] == "1.0" and one["event"]["id"] == f["event_id"]
    assert {k: v for k, v in one.items() if k != "event"} == f


def test_a_page_loads_its_attempts_in_one_query(shared: Shared) -> None:
    c, h = shared.client, shared.h("jo")
    sub = subscribe(c, h)
    for _ in range(5):
        add_delivery(shared.db, sub["id"], attempts=[(500, None), (502, None)])
    statements: list[str] = []

    def note(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(shared.db.engine, "before_cursor_execute", note)
    try:
        items = ok(c.get(f"{API}/{sub['id']}/deliveries", headers=h))["items"]
    finally:
        event.remove(shared.db.engine, "before_cursor_execute", note)
    assert len(items) == 5 and all(len(i["attempt_log"]) == 2 for i in items)
    assert sum("webhook_attempts" in s for s in statements) == 1, statements
    assert sum("FROM webhook_deliveries" in s for s in statements) == 1, statements


def _row(shared: Shared, delivery_id: uuid.UUID) -> WebhookDelivery:
    with shared.db.session(write=False) as s:
        row = s.get(WebhookDelivery, delivery_id)
        assert row is not None
        return row


@pytest.mark.parametrize("status", ["failed", "delivered", "pending"])
def test_redeliver_queues_it_now_under_the_same_id(shared: Shared, status: str) -> None:
    c, h = shared.client, shared.h("ic")
    sub = subscribe(c, h)
    old = utcnow() - dt.timedelta(days=2)
    did = add_delivery(shared.db, sub["id"], status=status, created_at=old, attempts=[(500, None)])
    before, t = counts(shared.db), utcnow()
    r = c.post(f"{API}/{sub['id']}/deliveries/{did}/redeliver", headers=h)
    read = ok(r, 202)
    assert read["id"] == str(did) and read["status"] == "pending"
    assert read["attempts"] == 1 and len(read["attempt_log"]) == 1  # the log is kept; attempts count on
    row = _row(shared, did)
    assert row.status == "pending" and row.locked_until is None and row.delivered_at is None
    assert t <= row.queued_at <= utcnow() and row.next_attempt_at == row.queued_at
    assert row.created_at == old  # still the same event's delivery
    assert counts(shared.db) == before  # no new delivery, no attempt: the worker makes those


def test_redeliver_refuses_while_the_subscription_is_off(shared: Shared) -> None:
    c, h = shared.client, shared.h("jo")
    sub = subscribe(c, h, active=False)
    did = add_delivery(shared.db, sub["id"])
    problem(c.post(f"{API}/{sub['id']}/deliveries/{did}/redeliver", headers=h), 409, "transition_not_allowed")
    assert _row(shared, did).status == "failed"
    ok(c.patch(f"{API}/{sub['id']}", json={"active": True}, headers=h))
    assert ok(c.post(f"{API}/{sub['id']}/deliveries/{did}/redeliver", headers=h), 202)["status"] == "pending"


def test_a_delivery_is_reached_through_its_own_subscription_only(shared: Shared) -> None:
    c = shared.client
    mine, other = subscribe(c, shared.h("jo")), subscribe(c, shared.h("jo"))
    theirs = subscribe(c, shared.h("jo2"))
    did, their_did = add_delivery(shared.db, other["id"]), add_delivery(shared.db, theirs["id"])
    h = shared.h("jo")
    for sub_id, delivery_id in ((mine["id"], did), (mine["id"], their_did), (theirs["id"], their_did)):
        problem(c.get(f"{API}/{sub_id}/deliveries/{delivery_id}", headers=h), 404)
        problem(c.post(f"{API}/{sub_id}/deliveries/{delivery_id}/redeliver", headers=h), 404)
    problem(c.get(f"{API}/{theirs['id']}/deliveries", headers=h), 404)
    assert _row(shared, their_did).status == "failed"
    admin = shared.h("admin")  # the administrator reaches every subscription's log
    assert ok(c.post(f"{API}/{theirs['id']}/deliveries/{their_did}/redeliver", headers=admin), 202)
