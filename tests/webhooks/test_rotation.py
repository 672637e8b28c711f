"""Secret rotation with a 24-hour overlap, checked with an independent Standard Webhooks
implementation (the ``standardwebhooks`` package): during the overlap a message verifies with the old
secret and with the new one; after it, only with the new one."""

import datetime as dt
import json
import time
import uuid

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from conftest import Shared
from governance_api.models.base import utcnow
from governance_api.models.integration import WebhookSubscription
from governance_api.webhooks import secrets, signing
from webhooks.factories import API, ok, problem, subscribe

BODY = json.dumps({"specversion": "1.0", "id": str(uuid.uuid4()), "type": "governance.dispute.created.v1"}).encode()


def _signed(shared: Shared, sub_id: str, now: dt.datetime) -> dict[str, str]:
    """The headers the worker would send at ``now`` (the signatures of the secrets in force then; the
    timestamp is the real one, which the receiver checks against its clock)."""
    with shared.db.session(write=False) as s:
        row = s.get(WebhookSubscription, uuid.UUID(sub_id))
        assert row is not None
        in_force = secrets.signing_secrets(shared.settings, row, now)
    return signing.headers(in_force, f"msg_{uuid.uuid4().hex}", int(time.time()), BODY)


def _verifies(secret: str, headers: dict[str, str]) -> bool:
    try:
        Webhook(secret).verify(BODY, headers)
    except WebhookVerificationError:
        return False
    return True


def test_rotation_overlaps_for_a_day(shared: Shared) -> None:
    c, h = shared.client, shared.h("ic")
    sub = subscribe(c, h)
    old = sub["secret"]
    assert _verifies(old, _signed(shared, sub["id"], utcnow()))

    before = utcnow()
    rotated = ok(c.post(f"{API}/{sub['id']}/rotate-secret", headers=h), 200)
    new = rotated["secret"]
    assert new.startswith("whsec_") and new != old
    expires = dt.datetime.fromisoformat(rotated["previous_secret_expires_at"])
    assert before + dt.timedelta(hours=24) <= expires <= utcnow() + dt.timedelta(hours=24)
    assert dt.datetime.fromisoformat(rotated["secret_rotated_at"]) == expires - dt.timedelta(hours=24)
    read = ok(c.get(f"{API}/{sub['id']}", headers=h))
    assert "secret" not in read and read["previous_secret_expires_at"] == rotated["previous_secret_expires_at"]

    during = _signed(shared, sub["id"], utcnow() + dt.timedelta(hours=23, minutes=59))
    assert len(during["webhook-signature"].split(" ")) == 2
    assert _verifies(old, during) and _verifies(new, during)

    after = _signed(shared, sub["id"], expires + dt.timedelta(seconds=1))
    assert len(after["webhook-signature"].split(" ")) == 1
    assert _verifies(new, after) and not _verifies(old, after)


def test_a_second_rotation_ends_the_oldest_secret(shared: Shared) -> None:
    c, h = shared.client, shared.h("jo")
    sub = subscribe(c, h)
    first = sub["secret"]
    second = ok(c.post(f"{API}/{sub['id']}/rotate-secret", headers=h))["secret"]
    third = ok(c.post(f"{API}/{sub['id']}/rotate-secret", headers=h))["secret"]
    now = _signed(shared, sub["id"], utcnow())
    assert _verifies(third, now) and _verifies(second, now) and not _verifies(first, now)


@pytest.mark.parametrize("who", ["jo2", "ic", "staff1"])
def test_only_the_owner_rotates(shared: Shared, who: str) -> None:
    sub = subscribe(shared.client, shared.h("jo"))
    problem(shared.client.post(f"{API}/{sub['id']}/rotate-secret", headers=shared.h(who)), 404)
    assert _verifies(sub["secret"], _signed(shared, sub["id"], utcnow()))
    assert ok(shared.client.get(f"{API}/{sub['id']}", headers=shared.h("jo")))["secret_rotated_at"] is None
