"""Read models of subscriptions and deliveries, built from their rows (a secret never reaches a read
unless the use case hands it over: create and rotation)."""

import json
from typing import Any

from governance_api.models.integration import WebhookAttempt, WebhookDelivery, WebhookSubscription
from governance_api.webhooks.event_types import EventType
from governance_api.webhooks.schemas import AttemptRead, DeliveryDetail, DeliveryRead, WebhookRead, WebhookWithSecret
from governance_api.webhooks.secrets import ROTATION_OVERLAP
from governance_api.webhooks.vocab import DeliveryStatus


def to_read(sub: WebhookSubscription) -> WebhookRead:
    return WebhookRead(**_fields(sub))


def with_secret(sub: WebhookSubscription, secret: str) -> WebhookWithSecret:
    return WebhookWithSecret(**_fields(sub), secret=secret)


def _fields(sub: WebhookSubscription) -> dict[str, Any]:
    expires = sub.previous_secret_expires_at
    return {
        "id": sub.id,
        "owner_id": sub.owner_id,
        "url": sub.url,
        "event_types": [EventType(t) for t in sub.event_types],
        "active": sub.active,
        "disabled_reason": sub.disabled_reason,
        "description": sub.description,
        "secret_rotated_at": expires - ROTATION_OVERLAP if expires is not None else None,
        "previous_secret_expires_at": expires,
        "created_at": sub.created_at,
        "updated_at": sub.updated_at,
    }


def delivery_read(delivery: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryRead:
    return DeliveryRead(**_delivery_fields(delivery, attempts))


def delivery_detail(delivery: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryDetail:
    return DeliveryDetail(**_delivery_fields(delivery, attempts), event=json.loads(delivery.body))


def _delivery_fields(delivery: WebhookDelivery, attempts: list[WebhookAttempt]) -> dict[str, Any]:
    status = DeliveryStatus(delivery.status)
    return {
        "id": delivery.id,
        "event_id": delivery.event_id,
        "event_type": EventType(delivery.event_type),
        "status": status,
        "attempts": delivery.attempts,
        "created_at": delivery.created_at,
        "queued_at": delivery.queued_at,
        "next_attempt_at": delivery.next_attempt_at if status is DeliveryStatus.pending else None,
        "delivered_at": delivery.delivered_at,
        "last_status_code": delivery.last_status_code,
        "attempt_log": [
            AttemptRead(seq=a.seq, at=a.at, status_code=a.status_code, error=a.error, duration_ms=a.duration_ms)
            for a in attempts
        ],
    }
