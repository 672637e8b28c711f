"""The decision's activities (活动): writes that depend on its state without changing it — ballots
and meetings while consulting, answers to filings, legal opinions in review, progress, publicity
and review conditions while implementing, and the 典型案例 mark after closing (DOMAIN.md §2.3)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from governance_api.core import errors
from governance_api.core.machine import Activity, AnyRole, Item, WriteContext, given
from governance_api.decisions import repository as repo
from governance_api.decisions import rules
from governance_api.decisions import tally as t
from governance_api.decisions.permissions import (
    FILING_TARGETS,
    OpinionAuthors,
    filing_open,
    is_filing_target,
    opinion_role,
)
from governance_api.decisions.schemas import (
    BallotCreate,
    BallotRead,
    ConditionRead,
    FilingRead,
    FilingResponseBody,
    LegalOpinionCreate,
    LegalOpinionRead,
    MeetingCreate,
    MeetingRead,
    NoteBody,
    NoteRead,
    ProgressCreate,
    PublicityCreate,
    TypicalCaseBody,
)
from governance_api.models.decisions import (
    Ballot,
    Decision,
    DecisionNote,
    LegalOpinion,
    Meeting,
)
from governance_api.roles import Role

Ctx = WriteContext[Decision]

RECORDERS = AnyRole[Decision]((Role.community_secretary, Role.community_staff))
BALLOT_RECORDERS = AnyRole[Decision]((Role.community_secretary, Role.community_staff, Role.owners_committee))


# --- 表决票 (ballots) ------------------------------------------------------------------------------


def _ballot_fits(ctx: Ctx) -> None:
    """One owner's units carry one choice; ballots never exceed the scope's area or owners."""
    d, data = ctx.aggregate, ctx.body
    if d.consensus_rule not in rules.OWNERS_RULES:
        raise errors.ValidationFailed.one("body", f"a '{d.consensus_rule}' decision takes meetings, not ballots")
    recorded = [b for b in repo.ballots(ctx.session, d) if b.unit_ref != data.unit_ref]
    if data.owner_ref:
        same = next((b for b in recorded if b.owner_ref == data.owner_ref), None)
        if same is not None and same.choice != data.choice:
            raise errors.ValidationFailed.one(
                "body.choice", f"owner '{data.owner_ref}' voted '{same.choice}' on unit '{same.unit_ref}'"
            )
    area = sum((b.area_m2 for b in recorded), Decimal(0)) + data.area_m2
    if d.total_area_m2 is not None and area > d.total_area_m2:
        raise errors.ValidationFailed.one(
            "body.area_m2", f"ballots would cover {area} m², over total {d.total_area_m2}"
        )
    owners = {t.owner_key(t.BallotFacts(b.unit_ref, b.owner_ref, b.area_m2, b.choice)) for b in recorded}
    owners.add(t.owner_key(t.BallotFacts(data.unit_ref, data.owner_ref, data.area_m2, data.choice)))
    if d.total_owners is not None and len(owners) > d.total_owners:
        raise errors.ValidationFailed.one("body.owner_ref", f"ballots would count {len(owners)} owners, over total")


def _one_ballot_per_unit(ctx: Ctx) -> None:
    if existing := repo.ballot_for_unit(ctx.session, ctx.aggregate, ctx.body.unit_ref):
        raise errors.Duplicate(f"unit '{ctx.body.unit_ref}' has voted", str(existing.id))


def _record_ballot(ctx: Ctx) -> Ballot:
    d, b = ctx.aggregate, ctx.body
    ballot = Ballot(
        decision_id=d.id,
        round=d.consultation_round,
        unit_ref=b.unit_ref,
        owner_ref=b.owner_ref,
        area_m2=b.area_m2,
        choice=b.choice,
        created_by_id=ctx.actor.user_id,
    )
    repo.add(ctx.session, ballot)
    return ballot


# --- 协商议事会议 / 居民会议 (meetings) ----------------------------------------------------------------


def _meeting_fits(ctx: Ctx) -> None:
    d, b = ctx.aggregate, ctx.body
    if b.kind == "residents_meeting" and d.eligible_residents is not None and b.attendees > d.eligible_residents:
        raise errors.ValidationFailed.one("body.attendees", f"more than the {d.eligible_residents} eligible residents")


def _record_meeting(ctx: Ctx) -> Meeting:
    d, b = ctx.aggregate, ctx.body
    meeting = Meeting(
        decision_id=d.id,
        round=d.consultation_round,
        held_at=b.held_at,
        kind=b.kind,
        attendees=b.attendees,
        votes_for=b.votes_for,
        votes_against=b.votes_against,
        minutes=b.minutes,
        created_by_id=ctx.actor.user_id,
    )
    repo.add(ctx.session, meeting)
    return meeting


# --- 报备 answers, 法制审核意见 (legal opinions) --------------------------------------------------------


def _once(what: str, done: Callable[[Any], bool], of_item: bool = True) -> Callable[[Ctx], None]:
    """Uniqueness: 409 ``duplicate`` when the item (or the decision) is ``done`` already."""

    def check(ctx: Ctx) -> None:
        subject = ctx.item if of_item else ctx.aggregate
        if done(subject):
            raise errors.Duplicate(f"{what} already", str(subject.id))

    return check


def _respond_to_filing(ctx: Ctx) -> Any:
    f, b = ctx.item, ctx.body
    f.response, f.opinion = b.response, b.opinion
    f.responded_by_id, f.responded_at = ctx.actor.user_id, ctx.now
    return f


def _give_legal_opinion(ctx: Ctx) -> LegalOpinion:
    d = ctx.aggregate
    role = opinion_role(ctx.actor, d)
    assert role is not None  # admitted by OpinionAuthors
    opinion = LegalOpinion(
        decision_id=d.id,
        round=d.filing_round,
        author_role=role.value,
        author_name=ctx.actor.display_name,
        conclusion=ctx.body.conclusion,
        opinion=ctx.body.opinion,
        created_by_id=ctx.actor.user_id,
    )
    repo.add(ctx.session, opinion)
    return opinion


# --- 闭环: conditions, progress, publicity, typical case --------------------------------------------


def _mark_condition_met(ctx: Ctx) -> Any:
    c = ctx.item
    c.met, c.met_note, c.met_by_id, c.met_at = True, ctx.body.note, ctx.actor.user_id, ctx.now
    return c


def _note(kind: str) -> Any:
    def effect(ctx: Ctx) -> DecisionNote:
        note = DecisionNote(
            decision_id=ctx.aggregate.id,
            kind=kind,
            content=ctx.body.content,
            channel=getattr(ctx.body, "channel", None),
            created_by_id=ctx.actor.user_id,
        )
        repo.add(ctx.session, note)
        return note

    return effect


def _mark_typical_case(ctx: Ctx) -> Decision:
    d = ctx.aggregate
    d.typical_case, d.typical_case_note, d.typical_case_at = True, ctx.body.note, ctx.now
    return d


ACTIVITIES: tuple[Activity[Decision], ...] = (
    Activity(
        "record_ballot",
        "记录表决票",
        ("consulting",),
        BALLOT_RECORDERS,
        _record_ballot,
        body=BallotCreate,
        result=BallotRead,
        validate=_ballot_fits,
        unique=_one_ballot_per_unit,
    ),
    Activity(
        "record_meeting",
        "记录会议",
        ("consulting",),
        RECORDERS,
        _record_meeting,
        body=MeetingCreate,
        result=MeetingRead,
        validate=_meeting_fits,
    ),
    Activity(
        "respond_to_filing",
        "答复报备",
        ("filing", "implementing", "closed"),
        FILING_TARGETS,
        _respond_to_filing,
        body=FilingResponseBody,
        result=FilingRead,
        unique=_once("this filing is answered", lambda f: f.response is not None),
        item=Item(
            "filing",
            lambda session, d, filing_id: repo.filing(session, d.id, filing_id),
            lambda session, d: repo.filings(session, d.id),
            open=filing_open,
            allows=lambda actor, d, f: is_filing_target(actor, f),
        ),
    ),
    Activity(
        "give_legal_opinion",
        "出具法制审核意见",
        ("legal_review",),
        OpinionAuthors(),
        _give_legal_opinion,
        body=LegalOpinionCreate,
        result=LegalOpinionRead,
    ),
    Activity(
        "mark_condition_met",
        "审核条件已落实",
        ("implementing",),
        AnyRole((Role.community_secretary,)),
        _mark_condition_met,
        body=NoteBody,
        result=ConditionRead,
        guards=(given("note", "说明"),),
        unique=_once("this condition is marked met", lambda c: c.met),
        item=Item(
            "review condition",
            lambda session, d, condition_id: repo.condition(session, d.id, condition_id),
            lambda session, d: repo.conditions(session, d.id),
        ),
    ),
    Activity(
        "record_progress",
        "记录进展",
        ("implementing",),
        RECORDERS,
        _note("progress"),
        body=ProgressCreate,
        result=NoteRead,
    ),
    Activity(
        "record_publicity",
        "记录公示",
        ("implementing",),
        RECORDERS,
        _note("publicity"),
        body=PublicityCreate,
        result=NoteRead,
    ),
    Activity(
        "mark_typical_case",
        "列为典型案例",
        ("closed",),
        AnyRole((Role.judicial_officer,)),
        _mark_typical_case,
        body=TypicalCaseBody,
        guards=(given("note", "说明"),),
        unique=_once("marked a typical case", lambda d: d.typical_case, of_item=False),
        in_history=True,
        comment_field="note",
    ),
)
