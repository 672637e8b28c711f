"""Every query of the webhooks API. Scope lives here: a subscription is its owner's (administrators see
all), so another caller's is never loaded (404). Flushes, never commits."""

import uuid
from collections import defaultdict

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session, defer

from governance_api.core.actor import Actor
from governance_api.models.integration import WebhookAttempt, WebhookDelivery, WebhookSubscription


def visible(actor: Actor) -> ColumnElement[bool]:
    return true() if actor.is_admin else WebhookSubscription.owner_id == actor.user_id


def get_visible(
    session: Session, actor: Actor, subscription_id: uuid.UUID, *, lock: bool = False
) -> WebhookSubscription | None:
    stmt = select(WebhookSubscription).where(WebhookSubscription.id == subscription_id, visible(actor))
    if lock:
        stmt = stmt.with_for_update(of=WebhookSubscription)
    return session.scalar(stmt)


def subscriptions_query(actor: Actor) -> Select[WebhookSubscription]:
    return select(WebhookSubscription).where(visible(actor))


def add(session: Session, sub: WebhookSubscription) -> None:
    session.add(sub)
    session.flush()


def delete(session: Session, sub: WebhookSubscription) -> None:
    """The subscription; its deliveries and their attempts go with it (ON DELETE CASCADE)."""
    session.delete(sub)
    session.flush()


def deliveries_query(subscription_id: uuid.UUID, status: str | None) -> Select[WebhookDelivery]:
    # The frozen body is long and the list does not show it.
    stmt = (
        select(WebhookDelivery)
        .options(defer(WebhookDelivery.body, raiseload=True))
        .where(WebhookDelivery.subscription_id == subscription_id)
    )
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    return stmt


def get_delivery(
    session: Session, subscription_id: uuid.UUID, delivery_id: uuid.UUID, *, lock: bool = False
) -> WebhookDelivery | None:
    stmt = select(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id == subscription_id
    )
    if lock:
        stmt = stmt.with_for_update(of=WebhookDelivery)
    return session.scalar(stmt)


def attempts_of(session: Session, delivery_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[WebhookAttempt]]:
    """The attempts of a page of deliveries, in one query, each delivery's first to last."""
    out: dict[uuid.UUID, list[WebhookAttempt]] = defaultdict(list)
    if not delivery_ids:
        return out
    stmt = (
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.delivery_id, WebhookAttempt.seq)
    )
    for attempt in session.scalars(stmt):
        out[attempt.delivery_id].append(attempt)
    return out
