"""The one way a dispute comes into being (信息收集), whoever asks: ``POST /disputes`` and a grid
patrol's 矛盾纠纷线索 turned into a dispute (``POST /patrols/{id}/findings/{fid}/report``) both call
``register``. Another domain that creates a dispute calls this module, never ``disputes.service``:
it runs the creation rules (the caller's create role on the dispute's unit, a known category, a
feed's id once per channel), gives the tracking code, and writes the record with its history row and
outbox event through ``core.transitions.record_creation`` — in the caller's transaction, flushed,
not committed (the caller's service commits once, with its own writes)."""

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.actor import Actor
from governance_api.core.transitions import creation_followers, record_creation
from governance_api.disputes import repository as repo
from governance_api.disputes.machine import CREATE_ROLES, DISPUTE_MACHINE
from governance_api.disputes.vocab import Channel, Level, PartyRole
from governance_api.models.base import utcnow
from governance_api.models.disputes import Dispute, DisputeParty
from governance_api.roles import Role

TRACKING_CODE_LENGTH = 16  # base32 characters of 5 random bits each: 80 bits
_BASE32 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648's alphabet
_TO_BASE32 = bytes(_BASE32[b % 32] for b in range(256))  # a byte to the character of its low 5 bits


def new_tracking_code() -> str:
    """解纷码: unguessable, case-insensitive, no padding (e.g. ``K3J7Q2M9X4B6T8VW``)."""
    return new_tracking_codes(1)[0]


def new_tracking_codes(count: int) -> list[str]:
    """``count`` codes from one read of ``secrets``: each random byte becomes the base32 character of
    its low five bits (uniform: 256 is a multiple of 32), in one ``bytes.translate`` — a batch's
    worth of ``base64.b32encode``, pure Python, cost more than the rest of making its disputes' rows."""
    n = TRACKING_CODE_LENGTH
    text = secrets.token_bytes(n * count).translate(_TO_BASE32).decode()
    return [text[i : i + n] for i in range(0, n * count, n)]


class NewParty(Protocol):
    """A party as a new dispute records it: a checked ``PartyIn`` of a body, or a ``Party`` built from
    a work order's reporter."""

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> PartyRole: ...

    @property
    def phone(self) -> str | None: ...

    @property
    def id_number(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Party:
    """A party from values already validated elsewhere (a work order's reporter): a plain record,
    because building a pydantic model per item cost a batch of 500 more than its dataclass does."""

    name: str
    role: PartyRole
    phone: str | None = None
    id_number: str | None = None


class UnitRef(Protocol):
    """An org unit as intake needs it: an ``OrgUnit``, or a plain row of one (a feed's batch)."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def path(self) -> str: ...


@dataclass(frozen=True)
class Intake:
    """What a new dispute is made of. ``community`` (and ``grid``) are resolved units the caller's
    scope reaches; ``patrol_finding_id`` names the patrol finding it came from (微网格巡查)."""

    community: UnitRef
    grid: UnitRef | None
    channel: Channel
    category: str
    title: str
    description: str
    parties: Sequence[NewParty] = ()
    external_id: str | None = None
    patrol_finding_id: uuid.UUID | None = None

    @property
    def unit(self) -> UnitRef:
        """The dispute's unit: its grid when one is given, else its community (DOMAIN §3.3)."""
        return self.grid or self.community


def check_role(actor: Actor, unit: UnitRef) -> None:
    """403 unless the caller holds a create role (DOMAIN §3.3) on ``unit`` or an ancestor."""
    if not actor.holds_any(CREATE_ROLES, unit.path):
        raise errors.Forbidden("your roles may not report disputes here")


def check_category(session: Session, code: str) -> None:
    """422 on ``body.category`` unless it is a code of the category list (data the 司法所 extends)."""
    if repo.get_category(session, code) is None:
        raise errors.ValidationFailed.one("body.category", "unknown category")


def register(session: Session, actor: Actor, intake: Intake) -> Dispute:
    """Record a new dispute at level ``community`` in ``reported``: role, category and feed id
    checked, then the record, its parties, history row and outbox event, flushed."""
    check_role(actor, intake.unit)
    check_category(session, intake.category)
    if intake.external_id is not None:
        refuse_duplicate(session, intake.channel.value, intake.external_id)
    now = utcnow()
    dispute = Dispute(
        id=uuid.uuid4(),
        community_id=intake.community.id,
        grid_id=intake.grid.id if intake.grid else None,
        org_unit_id=intake.unit.id,
        scope_path=intake.unit.path,
        created_by_id=actor.user_id,
        channel=intake.channel.value,
        category=intake.category,
        title=intake.title,
        description=intake.description,
        external_id=intake.external_id,
        patrol_finding_id=intake.patrol_finding_id,
        tracking_code=new_tracking_code(),
        level=Level.community.value,
        level_entered_at=now,
        created_at=now,
        parties=[
            DisputeParty(seq=i, name=p.name, role=p.role.value, phone=p.phone, id_number=p.id_number)
            for i, p in enumerate(intake.parties)
        ],
    )
    try:
        record_creation(session, DISPUTE_MACHINE, dispute, actor)
    except IntegrityError as exc:  # a concurrent feed delivery of the same external id
        session.rollback()
        if intake.external_id is not None:
            refuse_duplicate(session, intake.channel.value, intake.external_id)
        raise errors.Duplicate("the dispute could not be recorded; retry") from exc
    return dispute


def refuse_duplicate(session: Session, channel: str, external_id: str) -> None:
    existing = repo.by_external_id(session, channel, external_id)
    if existing is not None:
        raise errors.Duplicate(f"external_id already recorded for channel {channel}", existing_id=str(existing.id))


def check_feed_channel(session: Session, actor: Actor, channel: Channel) -> None:
    """422 on ``body.channel`` when a feed bound to a channel (DOMAIN §6) reports on another one: its
    external ids are unique per channel, so a case must not enter under a channel it did not come
    from. A client not bound to any channel is not held to one."""
    if not actor.holds(Role.integration_client):
        return
    bound = repo.bound_channel(session, actor.user_id)
    if bound is not None and bound != channel.value:
        raise errors.ValidationFailed.one(
            "body.channel", f"this client relays the channel {bound} and reports on it only"
        )


def register_many(session: Session, actor: Actor, intakes: Sequence[Intake]) -> dict[str, uuid.UUID]:
    """A feed's batch (一网统管 work orders): for each intake the same rules and rows as ``register``
    — role on the unit, a known category, the record at level ``community`` in ``reported`` with its
    parties, history row and outbox event — in a few Core statements, flushed, not committed.

    Every intake carries its channel's ``external_id`` (distinct within the call). An id already
    recorded for the channel is skipped, not refused: the caller answers those itself. Returns the
    new dispute's id of each intake it created, by external id. Concurrent batches create each id
    once: the insert claims ids with ``ON CONFLICT (channel, external_id) DO NOTHING`` (on
    PostgreSQL it waits for a transaction holding the same id, then skips it), and claims them in
    external id order so two batches never wait for each other crosswise (no deadlock)."""
    if not intakes:
        return {}
    if len({i.channel for i in intakes}) > 1:
        raise ValueError("register_many takes one channel's intakes")
    for unit_path in {i.unit.path: None for i in intakes}:
        if not actor.holds_any(CREATE_ROLES, unit_path):
            raise errors.Forbidden("your roles may not report disputes here")
    known = repo.existing_categories(session, {i.category for i in intakes})
    if unknown := {i.category for i in intakes} - known:
        raise errors.ValidationFailed.one("body.category", f"unknown category {sorted(unknown)[0]}")
    now = utcnow()
    rows: list[dict[str, object]] = []
    parties: dict[str, Sequence[NewParty]] = {}
    codes = new_tracking_codes(len(intakes))
    for intake, tracking_code in zip(intakes, codes, strict=True):  # the insert orders them by external id
        if intake.external_id is None:
            raise ValueError("register_many takes feed intakes, each with its external_id")
        rows.append(
            {
                "community_id": intake.community.id,
                "grid_id": intake.grid.id if intake.grid else None,
                "org_unit_id": intake.unit.id,
                "scope_path": intake.unit.path,
                "category": intake.category,
                "title": intake.title,
                "description": intake.description,
                "external_id": intake.external_id,
                "tracking_code": tracking_code,
            }
        )
        parties[intake.external_id] = intake.parties
    alike = {  # what every new feed dispute starts with
        "created_by_id": actor.user_id,
        "channel": intakes[0].channel.value,
        "patrol_finding_id": None,
        "level": Level.community.value,
        "level_entered_at": now,
        "state": DISPUTE_MACHINE.initial,
        "version": 1,
        "group_dispute": False,
        "multi_department": False,
        "early_warning": False,
        "created_at": now,
        "updated_at": now,
    }
    like = Dispute(level=Level.community.value)  # every new dispute starts there
    history_and_event = creation_followers(DISPUTE_MACHINE, like, actor, now)
    created = repo.claim_feed_disputes(session, rows, alike, history_and_event)
    repo.insert_parties(
        session,
        [
            {
                "dispute_id": dispute_id,
                "seq": seq,
                "name": p.name,
                "role": p.role.value,
                "phone": p.phone,
                "id_number": p.id_number,
            }
            for external_id, dispute_id in created.items()
            for seq, p in enumerate(parties[external_id])
        ],
    )
    return created
