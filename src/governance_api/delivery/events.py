"""Outbox rows as CloudEvents 1.0 (structured JSON) with thin payloads.

An outbox row's ``kind`` is ``{machine}.{action}`` for every history entry and ``{machine}.{effect}``
for what an effect or a reminder emitted. Only disputes and decisions are published (API.md's event
types); the other machines' rows are marked published without deliveries.

The ``data`` is thin on purpose: ids, states, levels and codes, never names, phones, ID numbers,
titles, descriptions or tracking codes. It is built from an allow-list of payload keys, so a payload
that one day carries more does not leak it."""

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from governance_api.decisions.machine import DECISION_MACHINE
from governance_api.disputes.machine import DISPUTE_MACHINE
from governance_api.models.records import OutboxEvent
from governance_api.webhooks.event_types import EventType

SPECVERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"

# Kinds that are not history entries: effects of an action, and the worker's own reminders.
EARLY_WARNING = "dispute.early_warning"
FILED = "decision.filed"
OVERDUE = "dispute.overdue"
CONFIRMATION_DEADLINE = "dispute.confirmation_deadline"
FILING_UNANSWERED = "decision.filing_unanswered"

_EFFECTS = {
    EARLY_WARNING: EventType.dispute_early_warning,
    FILED: EventType.decision_filing_created,
    OVERDUE: EventType.dispute_overdue,
    CONFIRMATION_DEADLINE: EventType.agreement_confirmation_deadline,
    FILING_UNANSWERED: EventType.decision_filing_unanswered,
}

# Payload keys that may go out: states, levels, codes, counts, ids and days. Anything else stays home.
_THIN_KEYS = frozenset(
    {
        "from",
        "to",
        "risk_level",
        "group_dispute",
        "multi_department",
        "org_unit_id",
        "round",
        "targets",
        "level",
        "level_deadline",
        "agreement_id",
        "signed_on",
        "deadline",
        "filing_id",
        "stage",
        "target_role",
        "target_org_unit_id",
        "filed_at",
        "consultation_round",
        "filing_round",
    }
)


def _history_codes(machine: Any) -> frozenset[str]:
    return frozenset({"create", *(a.code for a in machine.actions), *(a.code for a in machine.activities)})


_DISPUTE_STEPS = _history_codes(DISPUTE_MACHINE)
_DECISION_STEPS = _history_codes(DECISION_MACHINE)


def event_type(kind: str) -> EventType | None:
    """The event type an outbox row is published as; ``None``: not published."""
    if kind in _EFFECTS:
        return _EFFECTS[kind]
    machine, _, step = kind.partition(".")
    if machine == DISPUTE_MACHINE.name and step in _DISPUTE_STEPS:
        return EventType.dispute_created if step == "create" else EventType.dispute_transitioned
    if machine == DECISION_MACHINE.name and step in _DECISION_STEPS:
        return EventType.decision_transitioned
    return None


@dataclass(frozen=True)
class Subject:
    """What a receiver may learn of the event's record, and what decides who receives it."""

    aggregate_type: str
    id: uuid.UUID
    scope_path: str
    org_unit_id: uuid.UUID
    created_by_id: uuid.UUID | None
    external_id: str | None = None  # a feed's own id of a dispute it reported


def rfc3339(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def thin_data(event: OutboxEvent, subject: Subject) -> dict[str, Any]:
    """The event's data before the per-subscription ``external_id``."""
    data: dict[str, Any] = {f"{subject.aggregate_type}_id": str(subject.id), "org_unit_id": str(subject.org_unit_id)}
    _, _, step = event.kind.partition(".")
    if event.kind not in _EFFECTS:
        data["action"] = step
    data.update({k: v for k, v in (event.payload or {}).items() if k in _THIN_KEYS})
    return data


def cloud_event(event: OutboxEvent, etype: EventType, subject: Subject, source: str, external_id: str | None) -> str:
    """The CloudEvent as the exact JSON text every attempt sends."""
    data = thin_data(event, subject)
    if external_id is not None:
        data["external_id"] = external_id
    envelope = {
        "specversion": SPECVERSION,
        "id": str(event.id),
        "source": source,
        "type": etype.value,
        "subject": f"{subject.aggregate_type}s/{subject.id}",
        "time": rfc3339(event.created_at),
        "datacontenttype": "application/json",
        "data": data,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
