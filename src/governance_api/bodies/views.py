"""Read models of working bodies for a caller: labels, ``allowed_activities`` from the machine, and
every membership with whether it is current today."""

from collections.abc import Sequence

from governance_api.bodies.machine import BODY_MACHINE as MACHINE
from governance_api.bodies.schemas import MemberRead, WorkingBodyRead
from governance_api.core.actor import Actor
from governance_api.core.validators import today_in_shanghai
from governance_api.models.governance import BodyMember, WorkingBody


def member_read(m: BodyMember, body_version: int | None = None) -> MemberRead:
    today = today_in_shanghai()
    return MemberRead(
        id=m.id,
        body_id=m.body_id,
        user_id=m.user_id,
        name=m.name,
        organisation=m.organisation,
        position=m.position,  # a MemberPosition code, validated on the way in
        duty=m.duty,
        from_date=m.from_date,
        to_date=m.to_date,
        ended=m.ended_at is not None,
        current=m.from_date <= today and (m.to_date is None or today <= m.to_date),
        end_reason=m.end_reason,
        ended_at=m.ended_at,
        ended_by_id=m.ended_by_id,
        created_at=m.created_at,
        body_version=body_version,
    )


def to_read(b: WorkingBody, actor: Actor, members: Sequence[BodyMember]) -> WorkingBodyRead:
    return WorkingBodyRead(
        **MACHINE.record_fields(b, actor),
        kind=b.kind,  # a BodyKind code
        org_unit_id=b.org_unit_id,
        name=b.name,
        created_by_id=b.created_by_id,
        members=[member_read(m) for m in members],
    )
