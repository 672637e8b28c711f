"""The working body's activities (活动): its members join and leave (DOMAIN.md §4.1). A membership
is never deleted: ending it records its last day, so the body's composition on any day stays known."""

from sqlalchemy.orm import Session

from governance_api.bodies import repository as repo
from governance_api.bodies.permissions import BodyManagers
from governance_api.bodies.schemas import MemberCreate, MemberEnd, MemberRead
from governance_api.bodies.vocab import MemberPosition
from governance_api.core import errors
from governance_api.core.machine import Activity, Item, WriteContext
from governance_api.models.governance import BodyMember, WorkingBody

Ctx = WriteContext[WorkingBody]
MANAGERS = BodyManagers()


def _name_of(ctx: Ctx) -> str:
    """The member's name: as given, or for a user left unnamed, the user's display name."""
    data: MemberCreate = ctx.body
    if data.name is not None:
        return data.name
    user = repo.active_user(ctx.session, data.user_id) if data.user_id else None
    assert user is not None, "_member_fits found the user"
    return user.display_name


def _member_fits(ctx: Ctx) -> None:
    """A member named by ``user_id`` is an existing, active user (else 404, like any unknown id)."""
    data: MemberCreate = ctx.body
    if data.user_id is not None and repo.active_user(ctx.session, data.user_id) is None:
        raise errors.NotFound("no such active user")


def _one_seat_each(ctx: Ctx) -> None:
    """One 组长 at a time, and a user sits once at a time: a second membership whose period meets a
    recorded one is a duplicate (409 with the existing one's id)."""
    data: MemberCreate = ctx.body
    for m in ctx.session.scalars(repo.overlapping(ctx.aggregate.id, data.from_date, data.to_date)):
        if data.user_id is not None and m.user_id == data.user_id:
            raise errors.Duplicate("this user is a member for that period already", existing_id=str(m.id))
        if data.position == MemberPosition.leader and m.position == MemberPosition.leader.value:
            raise errors.Duplicate("the body has a leader (组长) for that period; end it first", existing_id=str(m.id))


def _add_member(ctx: Ctx) -> BodyMember:
    data: MemberCreate = ctx.body
    name = _name_of(ctx)
    m = BodyMember(
        body_id=ctx.aggregate.id,
        user_id=data.user_id,
        name=name,
        organisation=data.organisation,
        position=data.position.value,
        duty=data.duty,
        from_date=data.from_date,
        to_date=data.to_date,
        created_by_id=ctx.actor.user_id,
        created_at=ctx.now,
    )
    ctx.comment = f"{name}: {data.position.label}"
    ctx.session.add(m)
    return m


def _ends_after_start(ctx: Ctx) -> None:
    """An end shortens a membership, never lengthens it: past a term already set, it could overlap a
    leader or seat taken since (the one-at-a-time rule is checked when a member is added)."""
    if ctx.body.to_date < ctx.item.from_date:
        raise errors.ValidationFailed.one("body.to_date", f"before the membership began ({ctx.item.from_date})")
    if ctx.item.to_date is not None and ctx.body.to_date > ctx.item.to_date:
        raise errors.ValidationFailed.one("body.to_date", f"after the term's last day ({ctx.item.to_date})")


def _end_member(ctx: Ctx) -> BodyMember:
    m: BodyMember = ctx.item
    m.to_date = ctx.body.to_date
    m.end_reason = ctx.body.reason
    m.ended_at = ctx.now
    m.ended_by_id = ctx.actor.user_id
    ctx.comment = f"{m.name}: {ctx.body.reason}" if ctx.body.reason else m.name
    return m


def _members(session: Session, body: WorkingBody) -> list[BodyMember]:
    return repo.members(session, body.id)


ACTIVITIES = (
    Activity[WorkingBody](
        "add_member",
        "增补成员",
        ("active",),
        MANAGERS,
        _add_member,
        body=MemberCreate,
        result=MemberRead,
        validate=_member_fits,
        unique=_one_seat_each,
        in_history=True,
    ),
    Activity[WorkingBody](
        "end_member",
        "成员退出",
        ("active",),
        MANAGERS,
        _end_member,
        body=MemberEnd,
        result=MemberRead,
        validate=_ends_after_start,
        item=Item(
            "member",
            lambda session, body, member_id: repo.member(session, body.id, member_id),
            _members,
            # An ended membership stays as it was: ending it again is 409, not a second last day.
            open=lambda body, member: member.ended_at is None,
        ),
        in_history=True,
    ),
)
