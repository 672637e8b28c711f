"""Webhook subscriptions and their delivery log (API.md "Integration"). HTTP only: one service call per
route."""

import uuid
from typing import Annotated

from fastapi import Depends, Query, Response

from governance_api.core import errors
from governance_api.core.deps import CurrentActor, ReadSession, WriteSession, get_settings
from governance_api.core.http import RawBody
from governance_api.core.openapi import raw_body
from governance_api.core.pagination import Page, Paging
from governance_api.core.problems import responses
from governance_api.core.routing import domain_router
from governance_api.settings import Settings
from governance_api.webhooks import service
from governance_api.webhooks.schemas import (
    DeliveryDetail,
    DeliveryRead,
    WebhookCreate,
    WebhookRead,
    WebhookUpdate,
    WebhookWithSecret,
)
from governance_api.webhooks.vocab import DeliveryStatus

router = domain_router("webhooks")
Config = Annotated[Settings, Depends(get_settings)]
READ_ERRORS = responses(errors.NotFound, errors.Forbidden)
WRITE_ERRORS = responses(errors.NotFound, errors.Forbidden, errors.IdempotencyKeyReuse)
BASE = "/webhooks"
ONE = BASE + "/{subscription_id}"


@router.get(BASE, response_model=Page[WebhookRead], responses=responses(errors.Forbidden))
def list_webhooks(actor: CurrentActor, session: ReadSession, page: Paging) -> Page[WebhookRead]:
    """The caller's own subscriptions (an administrator's: everyone's), newest first."""
    items, cursor = service.list_subscriptions(session, actor, page)
    return Page(items=items, next_cursor=cursor)


@router.post(
    BASE,
    status_code=201,
    response_model=WebhookWithSecret,
    responses=WRITE_ERRORS,
    openapi_extra=raw_body(WebhookCreate),
)
def create_webhook(
    body: RawBody, response: Response, actor: CurrentActor, session: WriteSession, settings: Config
) -> WebhookWithSecret:
    """Subscribe to event types (admin, judicial_officer, integration_client). The answer holds the
    signing secret: the only time it is shown. A URL the server may not call is 422 on ``body.url``."""
    created = service.create_subscription(session, actor, body, settings)
    response.headers["Location"] = f"/api/v1/webhooks/{created.id}"
    return created


@router.get(ONE, response_model=WebhookRead, responses=READ_ERRORS)
def get_webhook(subscription_id: uuid.UUID, actor: CurrentActor, session: ReadSession) -> WebhookRead:
    return service.get_subscription(session, actor, subscription_id)


@router.patch(ONE, response_model=WebhookRead, responses=READ_ERRORS, openapi_extra=raw_body(WebhookUpdate))
def update_webhook(
    subscription_id: uuid.UUID, body: RawBody, actor: CurrentActor, session: WriteSession, settings: Config
) -> WebhookRead:
    """Change the URL, event types, description, or switch it on or off."""
    return service.update_subscription(session, actor, subscription_id, body, settings)


@router.delete(ONE, status_code=204, response_class=Response, responses=READ_ERRORS)
def delete_webhook(subscription_id: uuid.UUID, actor: CurrentActor, session: WriteSession) -> Response:
    """Unsubscribe: the subscription goes, with its delivery log."""
    service.delete_subscription(session, actor, subscription_id)
    return Response(status_code=204)


@router.post(ONE + "/rotate-secret", response_model=WebhookWithSecret, responses=WRITE_ERRORS)
def rotate_webhook_secret(
    subscription_id: uuid.UUID, actor: CurrentActor, session: WriteSession, settings: Config
) -> WebhookWithSecret:
    """A new signing secret, shown this once. For 24 hours the one it replaces signs too (each message
    carries both signatures), so receivers can switch without losing a message."""
    return service.rotate_secret(session, actor, subscription_id, settings)


@router.get(ONE + "/deliveries", response_model=Page[DeliveryRead], responses=READ_ERRORS)
def list_webhook_deliveries(
    subscription_id: uuid.UUID,
    actor: CurrentActor,
    session: ReadSession,
    page: Paging,
    status: Annotated[DeliveryStatus | None, Query(description="Only deliveries in this status")] = None,
) -> Page[DeliveryRead]:
    """The delivery log, newest first: each event sent to the subscription with every attempt."""
    items, cursor = service.list_deliveries(session, actor, subscription_id, status, page)
    return Page(items=items, next_cursor=cursor)


@router.get(ONE + "/deliveries/{delivery_id}", response_model=DeliveryDetail, responses=READ_ERRORS)
def get_webhook_delivery(
    subscription_id: uuid.UUID, delivery_id: uuid.UUID, actor: CurrentActor, session: ReadSession
) -> DeliveryDetail:
    """One delivery, with the CloudEvent as sent and every attempt."""
    return service.get_delivery(session, actor, subscription_id, delivery_id)


@router.post(
    ONE + "/deliveries/{delivery_id}/redeliver",
    status_code=202,
    response_model=DeliveryRead,
    responses=responses(errors.NotFound, errors.Forbidden, errors.TransitionNotAllowed, errors.IdempotencyKeyReuse),
)
def redeliver(
    subscription_id: uuid.UUID, delivery_id: uuid.UUID, actor: CurrentActor, session: WriteSession
) -> DeliveryRead:
    """Send a delivery again (whatever its status): queued now for a new day of attempts, same body,
    same ``webhook-id``. 409 while the subscription is switched off."""
    return service.redeliver(session, actor, subscription_id, delivery_id)
