"""Who receives what. A thin payload still tells that something happened to a record, so a
subscription receives an event only when its owner could read the record (DOMAIN §1, mirroring
``disputes.repository.visible`` and ``decisions.repository.visible`` for the roles that may own a
subscription):

- the owner must be an active user (``load_actor`` finds none otherwise);
- ``admin``: every event;
- ``judicial_officer``: records whose scope lies under a unit it holds that role on;
- ``integration_client``: only the disputes it reported (``disputes.created_by_id``), with the
  feed's own ``external_id`` added to the data;
- and only active subscriptions, only the event types asked for, only events raised at or after
  the subscription was made (a new subscription is not sent the past)."""

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from governance_api.core.actor import Actor, load_actor
from governance_api.delivery.events import Subject
from governance_api.models.integration import WebhookSubscription
from governance_api.models.records import OutboxEvent
from governance_api.roles import Role


@dataclass(frozen=True)
class Receiver:
    subscription: WebhookSubscription
    owner: Actor
    event_types: frozenset[str]

    def sees(self, subject: Subject) -> bool:
        owner = self.owner
        if owner.is_admin:
            return True
        if any(subject.scope_path.startswith(p) for p in owner.paths([Role.judicial_officer])):
            return True
        return self.reported(subject)

    def reported(self, subject: Subject) -> bool:
        """The owner is the feed that reported this dispute (it then gets the dispute's external id)."""
        return (
            subject.aggregate_type == "dispute"
            and subject.created_by_id == self.owner.user_id
            and self.owner.holds(Role.integration_client)
        )

    def wants(self, event: OutboxEvent, event_type: str, subject: Subject) -> bool:
        return (
            event_type in self.event_types and event.created_at >= self.subscription.created_at and self.sees(subject)
        )


def receivers(session: Session, subscriptions: list[WebhookSubscription]) -> list[Receiver]:
    """The active subscriptions whose owner is an active user, each with the owner's grants."""
    owners: dict[uuid.UUID, Actor | None] = {}
    out = []
    for sub in subscriptions:
        if not sub.active:
            continue
        if sub.owner_id not in owners:
            owners[sub.owner_id] = load_actor(session, sub.owner_id)
        owner = owners[sub.owner_id]
        if owner is not None:
            out.append(Receiver(sub, owner, frozenset(sub.event_types or ())))
    return out
