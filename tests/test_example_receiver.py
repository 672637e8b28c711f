"""The README's example receiver (``examples/webhook_receiver.py``) accepts exactly what the
``standardwebhooks`` package signs: a message signed with the right secret, among other signatures
too (a rotation), and nothing tampered, stale or signed with another secret."""

import datetime as dt
import importlib.util
import time
from pathlib import Path
from types import ModuleType

import pytest
from standardwebhooks import Webhook

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"


@pytest.fixture(scope="module")
def receiver() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "examples" / "webhook_receiver.py"
    spec = importlib.util.spec_from_file_location("webhook_receiver", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _signed(secret: str, body: str, at: dt.datetime) -> dict[str, str]:
    return {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign("msg_1", at, body),
    }


def test_accepts_what_standardwebhooks_signs(receiver: ModuleType) -> None:
    body = '{"type": "governance.dispute.created.v1"}'
    headers = _signed(SECRET, body, dt.datetime.now(dt.UTC))
    assert receiver.verify(SECRET, headers, body.encode())
    rotated = headers | {"webhook-signature": _signed(OTHER, body, dt.datetime.now(dt.UTC))["webhook-signature"]}
    rotated["webhook-signature"] += " " + headers["webhook-signature"]
    assert receiver.verify(SECRET, rotated, body.encode())


def test_refuses_tampered_stale_or_foreign(receiver: ModuleType) -> None:
    body = '{"type": "governance.dispute.created.v1"}'
    now = dt.datetime.now(dt.UTC)
    assert not receiver.verify(SECRET, _signed(SECRET, body, now), body.encode() + b" ")
    assert not receiver.verify(OTHER, _signed(SECRET, body, now), body.encode())
    stale = dt.datetime.fromtimestamp(time.time() - 3600, dt.UTC)
    assert not receiver.verify(SECRET, _signed(SECRET, body, stale), body.encode())
    assert not receiver.verify(SECRET, {"webhook-id": "msg_1"}, body.encode())
