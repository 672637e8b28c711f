"""Intake (DOMAIN §6): a feed's batches of work orders, the channels' category maps, and binding a
feed to its channel. HTTP only: the services check the caller's role before reading the body."""

import uuid
from typing import Annotated

from fastapi import Path

from governance_api.core import errors
from governance_api.core.deps import CurrentActor, ReadSession, WriteSession
from governance_api.core.http import JsonBytes, RawBody
from governance_api.core.openapi import raw_body
from governance_api.core.pagination import Page
from governance_api.core.problems import responses
from governance_api.core.routing import domain_router
from governance_api.intake import service
from governance_api.intake.schemas import (
    CategoryMapRead,
    CategoryMapUpdate,
    ClientBindingUpdate,
    ClientRead,
    WorkOrderBatch,
    WorkOrderResults,
)
from governance_api.intake.vocab import FeedChannel

router = domain_router("intake")

WORK_ORDERS_PATH = "/intake/work-orders"
ChannelPath = Annotated[FeedChannel, Path(description="The feed's channel (a city platform)")]


@router.post(
    WORK_ORDERS_PATH,
    response_model=WorkOrderResults,
    responses=responses(errors.Forbidden, errors.PayloadTooLarge, errors.IdempotencyKeyReuse),
    openapi_extra=raw_body(WorkOrderBatch),
)
def receive_work_orders(actor: CurrentActor, session: WriteSession, body: JsonBytes) -> WorkOrderResults:
    """A feed's batch of up to 500 work orders (工单), on the channel the feed is bound to. Each item is
    answered on its own, in order: ``created`` (a new dispute), ``unchanged`` (the same id with the
    same content again), ``duplicate`` (the same id with other content: nothing changed) or
    ``rejected`` (with its field errors). A bad item never fails the others; a malformed batch
    (not 1–500 items) is a 422 and records nothing. The body may be up to 8 MiB."""
    return service.receive_work_orders(session, actor, body)


@router.get(
    "/intake/sources/{channel}/category-map",
    response_model=CategoryMapRead,
    responses=responses(errors.Forbidden),
)
def get_category_map(channel: ChannelPath, actor: CurrentActor, session: ReadSession) -> CategoryMapRead:
    """The channel's category table: the platform's codes → dispute categories (unmapped: ``other``).
    One per channel for the deployment. Read by the 司法所, an administrator or the channel's feed."""
    return service.get_category_map(session, actor, channel)


@router.put(
    "/intake/sources/{channel}/category-map",
    response_model=CategoryMapRead,
    responses=responses(errors.Forbidden),
    openapi_extra=raw_body(CategoryMapUpdate),
)
def put_category_map(
    channel: ChannelPath, actor: CurrentActor, session: WriteSession, body: RawBody
) -> CategoryMapRead:
    """Replace the channel's whole category table (judicial_officer or admin)."""
    return service.put_category_map(session, actor, channel, body)


@router.get("/intake/clients", response_model=Page[ClientRead], responses=responses(errors.Forbidden))
def list_clients(actor: CurrentActor, session: ReadSession) -> Page[ClientRead]:
    """Every integration client with the channel it is bound to (admin)."""
    return Page.whole(service.list_clients(session, actor))


@router.put(
    "/intake/clients/{user_id}",
    response_model=ClientRead,
    responses=responses(errors.Forbidden, errors.NotFound),
    openapi_extra=raw_body(ClientBindingUpdate),
)
def bind_client(
    user_id: Annotated[uuid.UUID, Path(description="The integration client's user id")],
    actor: CurrentActor,
    session: WriteSession,
    body: RawBody,
) -> ClientRead:
    """Bind an integration client to the one channel it relays (admin); re-binding moves it."""
    return service.bind_client(session, actor, user_id, body)
