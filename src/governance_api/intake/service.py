"""Use cases of intake (DOMAIN §6). A batch of work orders is one transaction: every item answered
on its own (``created`` / ``unchanged`` / ``duplicate`` / ``rejected``), the new disputes written in
bulk through ``disputes.intake.register_many`` (the one way a dispute comes into being) with their
work orders, committed once.

The category map is one table per channel for the whole deployment: a channel is one city platform
(one 一网统管 per city), whose category codes mean the same in every street, so the 司法所 of any
street keeps it (and an administrator)."""

import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.actor import Actor
from governance_api.core.problems import ProblemFieldError, pydantic_errors
from governance_api.core.schemas import nul_free, parse, parse_json
from governance_api.disputes.intake import Intake, Party, register_many
from governance_api.disputes.schemas import ExternalId
from governance_api.disputes.vocab import Channel, PartyRole
from governance_api.intake import repository as repo
from governance_api.intake.schemas import (
    ITEM,
    CategoryMapEntryRead,
    CategoryMapRead,
    CategoryMapUpdate,
    ClientBindingUpdate,
    ClientRead,
    Envelope,
    WorkOrderBatch,
    WorkOrderIn,
    WorkOrderResult,
    WorkOrderResults,
    WorkOrderStatus,
    content_hash,
)
from governance_api.intake.vocab import UNMAPPED_CATEGORY, FeedChannel
from governance_api.models.base import utcnow
from governance_api.roles import OrgKind, Role

NOT_IN_SCOPE = "no such community or grid in your scope"  # unknown and out of scope alike: nothing leaks


def _bound_channel(session: Session, actor: Actor) -> str:
    if not actor.holds(Role.integration_client):
        raise errors.Forbidden("only a feed (integration_client) posts work orders")
    binding = repo.binding(session, actor.user_id)
    if binding is None:
        raise errors.Forbidden("this client is not bound to a channel: an administrator binds it first")
    return binding.channel


@dataclass
class _Accepted:
    """An item that passed every check, on its way to a dispute."""

    index: int
    order: WorkOrderIn
    content_hash: str
    community: repo.Unit
    grid: repo.Unit | None


_EXTERNAL_ID: TypeAdapter[str] = TypeAdapter(ExternalId)


def _external_id(raw: Any) -> str | None:
    """The id a rejected item is answered with: its ``external_id`` when that is valid on its own,
    read as an accepted item's is (so the answer can always be written, whatever the rest holds)."""
    try:
        return _EXTERNAL_ID.validate_python(raw.get("external_id") if isinstance(raw, dict) else None)
    except ValidationError:
        return None


def _rejected(external_id: str | None, errs: list[errors.FieldError]) -> WorkOrderResult:
    return WorkOrderResult(
        external_id=external_id,
        status=WorkOrderStatus.rejected,
        errors=[ProblemFieldError(field=e.field, message=e.message) for e in errs],
    )


def _whole(body: bytes, context: dict[str, bool]) -> list[WorkOrderIn] | None:
    """The batch's items when every one is valid (the usual case): validated from the bytes in one
    call. None when any is not, or the body is no batch at all (``_items`` then tells which)."""
    try:
        return WorkOrderBatch.model_validate_json(body, context=context).items
    except ValidationError:
        return None


def _items(
    whole: list[WorkOrderIn] | None, raw: Any, context: dict[str, bool]
) -> tuple[list[WorkOrderResult | None], list[tuple[int, WorkOrderIn]]]:
    """A slot for each item's answer (filled for those rejected here) and the valid items by index.
    From ``whole`` when every item was valid; else the parsed body ``raw`` is checked as an envelope
    (a 422 for the request) and each item validated on its own, so a bad one is answered and the
    others go on."""
    if whole is not None:
        return [None] * len(whole), list(enumerate(whole))
    envelope = parse(Envelope, raw)
    results: list[WorkOrderResult | None] = [None] * len(envelope.items)
    valid: list[tuple[int, WorkOrderIn]] = []
    for i, item in enumerate(envelope.items):
        try:
            valid.append((i, ITEM.validate_python(item, context=context)))
        except ValidationError as exc:
            results[i] = _rejected(_external_id(item), pydantic_errors(exc, f"body.items.{i}").errors)
    return results, valid


def _resolve(
    index: int, order: WorkOrderIn, units: dict[str, repo.Unit], by_id: dict[uuid.UUID, repo.Unit]
) -> tuple[repo.Unit, repo.Unit | None] | errors.FieldError:
    """The item's community and grid, or why not. ``units``: those in the feed's scope by code; one
    outside it is answered exactly as one that does not exist. ``by_id``: the parents of grids."""
    where = f"body.items.{index}"
    community = units.get(order.community_code) if order.community_code is not None else None
    grid = units.get(order.grid_code) if order.grid_code is not None else None
    if order.community_code is not None and community is None:
        return errors.FieldError(f"{where}.community_code", NOT_IN_SCOPE)
    if order.grid_code is not None and grid is None:
        return errors.FieldError(f"{where}.grid_code", NOT_IN_SCOPE)
    if community is not None and community.kind != OrgKind.community:
        return errors.FieldError(f"{where}.community_code", "not a community (居民区)")
    if grid is not None:
        if grid.kind != OrgKind.grid:
            return errors.FieldError(f"{where}.grid_code", "not a grid (微网格)")
        if community is not None and grid.parent_id != community.id:
            return errors.FieldError(f"{where}.grid_code", "not a grid of this community")
        if community is None and grid.parent_id is not None:
            community = by_id.get(grid.parent_id)
    if community is None:  # the schema requires a community_code or a grid_code; a grid has a parent
        return errors.FieldError(f"{where}.grid_code", NOT_IN_SCOPE)
    return community, grid


def receive_work_orders(session: Session, actor: Actor, body: bytes) -> WorkOrderResults:
    """A feed's batch on its channel: a body that is not JSON is a 400, then a caller that is not a
    bound feed a 403 whatever the body says; a malformed envelope is a 422 and writes nothing; then
    each item is validated, its unit resolved and its category mapped on its own.
    An external id named twice in the batch: the first valid item with it stands, a later one is
    ``unchanged`` when identical, else ``duplicate``. Ids already recorded for the channel are
    answered from what is recorded; the rest become disputes with their work orders."""
    context = nul_free(body)
    whole = _whole(body, context)
    # JSON that does not parse is a 400 before the caller's role, as on every route with a body;
    # the role (403) comes before what the body says (422).
    raw = parse_json(body) if whole is None else None
    channel = _bound_channel(session, actor)
    results, valid = _items(whole, raw, context)

    codes = {c for _, o in valid for c in (o.community_code, o.grid_code) if c is not None}
    found = repo.units_named(session, codes)
    # A unit counts only within the feed's scope (where it holds integration_client): judged once per
    # unit, not per item naming it.
    units = {u.code: u for u in found if actor.holds(Role.integration_client, u.path)}
    by_id = {u.id: u for u in found}

    accepted: dict[str, _Accepted] = {}  # by external id: the first valid item with it wins
    later: list[_Accepted] = []
    for i, order in valid:
        resolved = _resolve(i, order, units, by_id)
        if isinstance(resolved, errors.FieldError):
            results[i] = _rejected(order.external_id, [resolved])
            continue
        one = _Accepted(i, order, content_hash(order), *resolved)
        if one.order.external_id in accepted:
            later.append(one)
        else:
            accepted[one.order.external_id] = one

    known = repo.received(session, channel, accepted.keys())
    mapped = repo.category_map(session, channel, {a.order.category_code for a in accepted.values()})
    fresh = [a for ext, a in accepted.items() if ext not in known]
    created = register_many(session, actor, [_intake(a, channel, mapped) for a in fresh])
    if lost := [a.order.external_id for a in fresh if a.order.external_id not in created]:
        known |= repo.received(session, channel, lost)  # recorded meanwhile by a concurrent request
    repo.insert_work_orders(
        session,
        [
            {
                "dispute_id": created[a.order.external_id],
                "content_hash": a.content_hash,
                "source_category_code": a.order.category_code,
                "reported_at": a.order.reported_at,
                "address": a.order.address,
                "attachments": [{"url": att.url, "name": att.name} for att in a.order.attachments],
            }
            for a in fresh
            if a.order.external_id in created
        ],
    )
    session.commit()

    # external id → (its dispute, if the caller may learn it, and the hash it holds); a dispute
    # another caller reported on the channel is out of this caller's scope (DOMAIN §1): its id stays home
    first: dict[str, tuple[uuid.UUID | None, str | None]] = {}
    for ext, a in accepted.items():
        if ext in created:
            first[ext] = (created[ext], a.content_hash)
            results[a.index] = WorkOrderResult(external_id=ext, status=WorkOrderStatus.created, dispute_id=created[ext])
        else:
            was = known[ext]
            own = was.dispute_id if was.created_by_id == actor.user_id else None
            first[ext] = (own, was.content_hash)
            status = WorkOrderStatus.unchanged if was.content_hash == a.content_hash else WorkOrderStatus.duplicate
            results[a.index] = WorkOrderResult(external_id=ext, status=status, dispute_id=own)
    for a in later:
        dispute_id, first_hash = first[a.order.external_id]
        status = WorkOrderStatus.unchanged if first_hash == a.content_hash else WorkOrderStatus.duplicate
        results[a.index] = WorkOrderResult(external_id=a.order.external_id, status=status, dispute_id=dispute_id)
    return WorkOrderResults(results=[r for r in results if r is not None])


def _intake(a: _Accepted, channel: str, mapped: dict[str, str]) -> Intake:
    order = a.order
    reporter = order.reporter
    parties = (Party(reporter.name, PartyRole.applicant, reporter.phone),) if reporter is not None else ()
    return Intake(
        community=a.community,
        grid=a.grid,
        channel=Channel(channel),
        category=mapped.get(order.category_code, UNMAPPED_CATEGORY),
        title=order.title,
        description=order.description,
        parties=parties,
        external_id=order.external_id,
    )


# ---- category maps ------------------------------------------------------------------------------


def _may_keep_maps(actor: Actor) -> bool:
    return actor.is_admin or actor.holds(Role.judicial_officer)


def get_category_map(session: Session, actor: Actor, channel: FeedChannel) -> CategoryMapRead:
    """The 司法所 and administrators read any channel's table; a feed reads its own channel's."""
    if not _may_keep_maps(actor):
        binding = repo.binding(session, actor.user_id) if actor.holds(Role.integration_client) else None
        if binding is None or binding.channel != channel.value:
            raise errors.Forbidden("only the 司法所, an administrator or the channel's own feed reads its category map")
    return _map_read(session, channel)


def _map_read(session: Session, channel: FeedChannel) -> CategoryMapRead:
    rows = repo.category_map(session, channel.value)
    return CategoryMapRead(
        channel=channel, entries=[CategoryMapEntryRead(source_code=s, category=c) for s, c in rows.items()]
    )


def put_category_map(session: Session, actor: Actor, channel: FeedChannel, raw: Any) -> CategoryMapRead:
    """Replace the channel's whole table (the 司法所 or an administrator)."""
    if not _may_keep_maps(actor):
        raise errors.Forbidden("only the 司法所 (judicial_officer) or an administrator keeps category maps")
    body = parse(CategoryMapUpdate, raw)
    problems: list[errors.FieldError] = []
    seen: set[str] = set()
    for i, entry in enumerate(body.entries):
        if entry.source_code in seen:
            problems.append(errors.FieldError(f"body.entries.{i}.source_code", "listed twice"))
        seen.add(entry.source_code)
    known = repo.existing_categories(session, {e.category for e in body.entries})
    problems += [
        errors.FieldError(f"body.entries.{i}.category", "unknown category")
        for i, e in enumerate(body.entries)
        if e.category not in known
    ]
    if problems:
        raise errors.ValidationFailed(problems)
    repo.lock_category_map(session, channel.value)
    now = utcnow()
    repo.replace_category_map(
        session,
        channel.value,
        [
            {
                "channel": channel.value,
                "source_code": e.source_code,
                "category": e.category,
                "updated_by_id": actor.user_id,
                "updated_at": now,
            }
            for e in body.entries
        ],
    )
    read = _map_read(session, channel)
    session.commit()
    return read


# ---- feeds --------------------------------------------------------------------------------------


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise errors.Forbidden("only an administrator binds feeds to channels")


def list_clients(session: Session, actor: Actor) -> list[ClientRead]:
    _require_admin(actor)
    return [
        ClientRead(
            user_id=user.id,
            username=user.username,
            display_name=user.display_name,
            channel=FeedChannel(binding.channel) if binding else None,
            bound_at=binding.created_at if binding else None,
        )
        for user, binding in repo.clients(session)
    ]


def bind_client(session: Session, actor: Actor, user_id: uuid.UUID, raw: Any) -> ClientRead:
    """Bind a feed to the one channel it relays (admin): its work orders come in on that channel."""
    _require_admin(actor)
    user = repo.get_user(session, user_id)
    if user is None:
        raise errors.NotFound("no such user")
    if not repo.holds_client_role(session, user_id):
        raise errors.ValidationFailed.one("path.user_id", "not an integration client (role integration_client)")
    body = parse(ClientBindingUpdate, raw)
    repo.bind(session, user_id, body.channel.value)
    binding = repo.binding(session, user_id)
    assert binding is not None
    session.refresh(binding)
    read = ClientRead(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        channel=FeedChannel(binding.channel),
        bound_at=binding.created_at,
    )
    session.commit()
    return read
