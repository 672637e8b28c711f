"""Bodies and reads of webhook subscriptions and their delivery log (API.md "Integration")."""

import datetime as dt
import re
import uuid
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from governance_api.core.schemas import Input, Unset, example
from governance_api.core.validators import SPACES, ShortText
from governance_api.webhooks.event_types import EventType
from governance_api.webhooks.vocab import MAX_URL_LENGTH, DeliveryStatus


def _each_once(types: list[EventType]) -> list[EventType]:
    if len(set(types)) != len(types):
        raise ValueError("name each event type once")
    return types


# No spaces or control characters anywhere (urlsplit would drop some silently, a receiver not).
# Published as the pattern, refused with a message of our own (a pattern's says nothing to a person).
URL_PATTERN = rf"^[^\u0000-\u0020\u007f-\u009f{SPACES}]+$"
_URL_RE = re.compile(URL_PATTERN)


def _no_spaces(url: str) -> str:
    if not _URL_RE.fullmatch(url):
        raise ValueError("the URL must not contain spaces or control characters")
    return url


WebhookUrl = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_URL_LENGTH),
    AfterValidator(_no_spaces),
    Field(
        json_schema_extra={"pattern": URL_PATTERN},
        description="Where events are POSTed: http(s) (https only in production), no credentials in it, never a "
        "private, loopback, link-local, shared or other non-public address unless the server allow-lists its "
        "network (checked on save, and again on what the host resolves to at every attempt)",
        examples=["https://hooks.example.com/governance"],
    ),
]
EventTypes = Annotated[
    list[EventType],
    Field(
        min_length=1,
        max_length=len(EventType),
        description="The event types to receive, each once",
        json_schema_extra={"uniqueItems": True},  # the contract says what _each_once checks
    ),
    AfterValidator(_each_once),
]
AUDIENCE = (
    "A subscription receives only events about records its owner may read, raised after it was made: an "
    "administrator's every event; a 司法所 officer's those of the records in the streets it holds the role on; an "
    "integration client's those of the disputes its feed reported, with the work order's `external_id` in the data."
)


class WebhookCreate(Input):
    __doc__ = "A new webhook subscription (admin, judicial_officer, integration_client). " + AUDIENCE
    model_config = example(
        url="https://hooks.example.com/governance",
        event_types=["governance.dispute.created.v1", "governance.dispute.transitioned.v1"],
        description="一网统管工单状态回传",
    )

    url: WebhookUrl
    event_types: EventTypes
    active: bool = Field(True, description="false: kept, but nothing is sent to it")
    description: ShortText | None = None


class WebhookUpdate(Input):
    """The fields to change; those left out keep their value. Setting ``active`` to true again on a
    subscription the worker disabled (the endpoint answered 410) clears ``disabled_reason``."""

    model_config = example(active=True)

    url: WebhookUrl | Unset = None
    event_types: EventTypes | Unset = None
    active: bool | Unset = None
    description: ShortText | None = Field(None, description="null removes the description")


class WebhookRead(BaseModel):
    __doc__ = "A webhook subscription (never its secret). " + AUDIENCE

    id: uuid.UUID
    owner_id: uuid.UUID = Field(description="the user who made it: only they (and administrators) see it")
    url: str
    event_types: list[EventType]
    active: bool
    disabled_reason: str | None = Field(
        description="why the delivery worker disabled it (e.g. the endpoint answered 410 Gone); null otherwise"
    )
    description: str | None
    secret_rotated_at: dt.datetime | None = Field(description="when the secret was last rotated; null: never")
    previous_secret_expires_at: dt.datetime | None = Field(
        description="until when the secret before the last rotation still signs too (each message then carries "
        "two signatures); null: never rotated"
    )
    created_at: dt.datetime
    updated_at: dt.datetime


class WebhookWithSecret(WebhookRead):
    """A subscription with its signing secret: answered only by the create and by a rotation."""

    secret: str = Field(
        description="The Standard Webhooks signing secret (`whsec_` + base64 key). Shown this once: keep it; it is "
        "never returned again (a lost secret is replaced by rotating it)"
    )


class AttemptRead(BaseModel):
    """One HTTP attempt of a delivery."""

    seq: int = Field(description="1 for the first attempt, counting on across redeliveries")
    at: dt.datetime
    status_code: int | None = Field(description="what the endpoint answered; null when nothing came back")
    error: str | None = Field(description="why the attempt failed or was not made (timeout, refused address …)")
    duration_ms: int


class DeliveryRead(BaseModel):
    """One event for this subscription, with every attempt to deliver it."""

    id: uuid.UUID = Field(description="sent as the `webhook-id` header, the same on every attempt and redelivery")
    event_id: uuid.UUID = Field(description="the CloudEvent's `id`")
    event_type: EventType
    status: DeliveryStatus
    attempts: int = Field(description="attempts made so far")
    created_at: dt.datetime
    queued_at: dt.datetime = Field(
        description="when the current round of attempts began (the event, or the last redelivery): retries stop a "
        "day after it"
    )
    next_attempt_at: dt.datetime | None = Field(description="when the next attempt is due; null unless pending")
    delivered_at: dt.datetime | None = Field(description="when the endpoint accepted it; null unless delivered")
    last_status_code: int | None = Field(description="what the endpoint answered last")
    attempt_log: list[AttemptRead] = Field(description="every attempt, first to last")


class DeliveryDetail(DeliveryRead):
    """A delivery with the event exactly as it is sent."""

    event: dict[str, Any] = Field(description="the CloudEvents 1.0 structured JSON body sent (a thin payload)")
