"""Use cases of webhook subscriptions (DOMAIN §6): each loads within the caller's scope (its own
subscriptions; administrators all), checks the role, then the body, and commits once.

A subscription has no life cycle worth a machine: it is on or off, and its writes are plain CRUD
(as org units and users are), so the order of checks is kept here: scope (404) → role (403) →
body (422) → state (409, redelivery on a disabled subscription)."""

import uuid
from typing import Any

from sqlalchemy.orm import Session

from governance_api.core.actor import Actor
from governance_api.core.errors import Forbidden, NotFound, TransitionNotAllowed, ValidationFailed
from governance_api.core.pagination import PageParams, paginate
from governance_api.core.schemas import parse
from governance_api.models.base import utcnow
from governance_api.models.integration import WebhookDelivery, WebhookSubscription
from governance_api.settings import Settings
from governance_api.webhooks import addresses, secrets
from governance_api.webhooks import repository as repo
from governance_api.webhooks.schemas import (
    DeliveryDetail,
    DeliveryRead,
    WebhookCreate,
    WebhookRead,
    WebhookUpdate,
    WebhookWithSecret,
)
from governance_api.webhooks.views import delivery_detail, delivery_read, to_read, with_secret
from governance_api.webhooks.vocab import SUBSCRIBER_ROLES, DeliveryStatus


def _require_subscriber(actor: Actor) -> None:
    if not actor.holds_any(SUBSCRIBER_ROLES):
        raise Forbidden("only administrators, the 司法所 and integration clients keep webhook subscriptions")


def _visible(session: Session, actor: Actor, subscription_id: uuid.UUID, *, lock: bool = False) -> WebhookSubscription:
    sub = repo.get_visible(session, actor, subscription_id, lock=lock)
    if sub is None:
        raise NotFound("no such webhook subscription")
    _require_subscriber(actor)  # after scope: a subscription of someone else is 404 whoever asks
    return sub


def _checked_url(settings: Settings, url: str) -> str:
    """The URL when it may be saved; else 422 on ``body.url`` saying why (shown to the owner)."""
    try:
        addresses.check_url(settings, url)
    except addresses.Refused as exc:
        raise ValidationFailed.one("body.url", str(exc)) from exc
    except ValueError as exc:  # urlsplit's own refusals, e.g. an unclosed "[" of an IPv6 host
        raise ValidationFailed.one("body.url", "not a valid URL") from exc
    return url


def create_subscription(session: Session, actor: Actor, raw: Any, settings: Settings) -> WebhookWithSecret:
    """Subscribe the caller; the answer carries the signing secret, this once."""
    _require_subscriber(actor)
    data = parse(WebhookCreate, raw)
    secret = secrets.new_secret()
    sub = WebhookSubscription(
        owner_id=actor.user_id,
        url=_checked_url(settings, data.url),
        event_types=[t.value for t in data.event_types],
        active=data.active,
        description=data.description,
        secret_ciphertext=secrets.seal(settings, secret),
    )
    repo.add(session, sub)
    session.commit()
    return with_secret(sub, secret)


def list_subscriptions(session: Session, actor: Actor, page: PageParams) -> tuple[list[WebhookRead], str | None]:
    _require_subscriber(actor)
    rows, cursor = paginate(
        session, repo.subscriptions_query(actor), WebhookSubscription.created_at, WebhookSubscription.id, page
    )
    return [to_read(s) for s in rows], cursor


def get_subscription(session: Session, actor: Actor, subscription_id: uuid.UUID) -> WebhookRead:
    return to_read(_visible(session, actor, subscription_id))


def update_subscription(
    session: Session, actor: Actor, subscription_id: uuid.UUID, raw: Any, settings: Settings
) -> WebhookRead:
    sub = _visible(session, actor, subscription_id, lock=True)
    data = parse(WebhookUpdate, raw)
    for name in data.model_fields_set:  # only the description may be removed with null
        if getattr(data, name) is None and name != "description":
            raise ValidationFailed.one(f"body.{name}", "may not be null")
    if data.url is not None:
        sub.url = _checked_url(settings, data.url)
    if data.event_types is not None:
        sub.event_types = [t.value for t in data.event_types]
    if "description" in data.model_fields_set:
        sub.description = data.description
    if data.active is not None:
        sub.active = data.active
        if data.active:
            sub.disabled_reason = None  # switched back on by its owner: the worker's reason is history
    session.commit()
    return to_read(sub)


def delete_subscription(session: Session, actor: Actor, subscription_id: uuid.UUID) -> None:
    """The subscription, its deliveries and their attempts."""
    sub = _visible(session, actor, subscription_id, lock=True)
    repo.delete(session, sub)
    session.commit()


def rotate_secret(session: Session, actor: Actor, subscription_id: uuid.UUID, settings: Settings) -> WebhookWithSecret:
    """A new secret, answered this once; the one it replaces keeps signing for 24 hours (a second
    rotation within them ends the oldest at once: at most two secrets sign)."""
    sub = _visible(session, actor, subscription_id, lock=True)
    secret = secrets.rotate(settings, sub, utcnow())
    session.commit()
    return with_secret(sub, secret)


def list_deliveries(
    session: Session, actor: Actor, subscription_id: uuid.UUID, status: DeliveryStatus | None, page: PageParams
) -> tuple[list[DeliveryRead], str | None]:
    sub = _visible(session, actor, subscription_id)
    stmt = repo.deliveries_query(sub.id, status.value if status else None)
    rows, cursor = paginate(session, stmt, WebhookDelivery.created_at, WebhookDelivery.id, page)
    attempts = repo.attempts_of(session, [d.id for d in rows])
    return [delivery_read(d, attempts[d.id]) for d in rows], cursor


def get_delivery(session: Session, actor: Actor, subscription_id: uuid.UUID, delivery_id: uuid.UUID) -> DeliveryDetail:
    sub = _visible(session, actor, subscription_id)
    delivery = _delivery(session, sub, delivery_id)
    return delivery_detail(delivery, repo.attempts_of(session, [delivery.id])[delivery.id])


def _delivery(
    session: Session, sub: WebhookSubscription, delivery_id: uuid.UUID, lock: bool = False
) -> WebhookDelivery:
    delivery = repo.get_delivery(session, sub.id, delivery_id, lock=lock)
    if delivery is None:
        raise NotFound("no such delivery of this subscription")
    return delivery


def redeliver(session: Session, actor: Actor, subscription_id: uuid.UUID, delivery_id: uuid.UUID) -> DeliveryRead:
    """Queue the delivery again, due now, for a new round of attempts (a day of retries): the worker
    sends the same body under the same ``webhook-id``, so a receiver that has it already can tell."""
    sub = _visible(session, actor, subscription_id, lock=True)
    delivery = _delivery(session, sub, delivery_id, lock=True)
    if not sub.active:
        # The worker sends nothing to a disabled subscription: queued now, the round would run out
        # while it waits. Switching it back on first is the owner's decision.
        raise TransitionNotAllowed("redeliver", "inactive")
    now = utcnow()
    delivery.status = DeliveryStatus.pending.value
    delivery.queued_at = now
    delivery.next_attempt_at = now
    delivery.locked_until = None
    delivery.delivered_at = None  # as the worker keeps it: set only while delivered
    session.commit()
    return delivery_read(delivery, repo.attempts_of(session, [delivery.id])[delivery.id])
