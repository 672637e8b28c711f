"""Use cases of major decisions (重大决策事项). Each mutating use case is one transaction, committed
once at the end; every write loads the decision within the caller's scope and locked.

Sub-resource writes follow API.md's order of checks: scope 404 → If-Match 412 → the state they
belong to (409 ``transition_not_allowed``) → role 403 → body 422 → duplicate 409 → guard 409."""

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.actor import Actor
from governance_api.core.history import history_of
from governance_api.core.pagination import PageParams, paginate
from governance_api.core.problems import pydantic_errors
from governance_api.core.transitions import check_version, record_creation, take_action, touch
from governance_api.decisions import repository as repo
from governance_api.decisions import rules
from governance_api.decisions import tally as t
from governance_api.decisions.machine import DECISION_MACHINE as MACHINE
from governance_api.decisions.schemas import (
    BallotCreate,
    BallotRead,
    ConditionRead,
    DecisionCreate,
    DecisionRead,
    FilingRead,
    FilingResponseBody,
    HistoryRead,
    LegalOpinionCreate,
    LegalOpinionRead,
    MeetingCreate,
    MeetingRead,
    NoteBody,
    NoteRead,
    ProgressCreate,
    PublicityCreate,
    SubRead,
    TallyRead,
    ThresholdRead,
    TypicalCaseBody,
)
from governance_api.models.base import utcnow
from governance_api.models.decisions import Ballot, Decision, DecisionNote, LegalOpinion, Meeting
from governance_api.models.records import TransitionRecord
from governance_api.roles import OrgKind, Role

M = TypeVar("M", bound=BaseModel)
S = TypeVar("S", bound=SubRead)
RoleCheck = Callable[[Actor, Decision], bool]

BALLOT_ROLES = (Role.community_secretary, Role.community_staff, Role.owners_committee)
RECORD_ROLES = (Role.community_secretary, Role.community_staff)


# --- reading ---------------------------------------------------------------------------------


def to_read(d: Decision, actor: Actor) -> DecisionRead:
    return DecisionRead(
        id=d.id,
        state=d.state,
        state_label=MACHINE.label_of(d.state),
        version=d.version,
        allowed_actions=MACHINE.allowed_actions(d, actor),
        created_at=d.created_at,
        updated_at=d.updated_at,
        community_id=d.org_unit_id,
        street_id=d.street_id,
        created_by_id=d.created_by_id,
        catalog_code=d.catalog_code,
        catalog_version=d.catalog_version,
        consensus_rule=d.consensus_rule,
        title=d.title,
        description=d.description,
        amount=d.amount,
        plan=d.plan,
        scope=d.scope,
        schedule=d.schedule,
        total_area_m2=d.total_area_m2,
        total_owners=d.total_owners,
        eligible_residents=d.eligible_residents,
        review_conclusion=d.review_conclusion,
        summary=d.summary,
        typical_case=d.typical_case,
        typical_case_note=d.typical_case_note,
    )


def _visible(session: Session, actor: Actor, decision_id: uuid.UUID) -> Decision:
    d = repo.get_decision(session, actor, decision_id)
    if d is None:
        raise errors.NotFound("no such decision")
    return d


def get_decision(session: Session, actor: Actor, decision_id: uuid.UUID) -> DecisionRead:
    return to_read(_visible(session, actor, decision_id), actor)


def list_decisions(
    session: Session,
    actor: Actor,
    page: PageParams,
    *,
    state: str | None = None,
    catalog_code: str | None = None,
    org_unit_id: uuid.UUID | None = None,
    created_from: dt.datetime | None = None,
    created_to: dt.datetime | None = None,
    q: str | None = None,
    typical_case: bool | None = None,
) -> tuple[list[DecisionRead], str | None]:
    if state is not None and state not in {s.code for s in MACHINE.states}:
        raise errors.ValidationFailed.one("query.state", "not a decision state (see /meta/state-machines/decision)")
    under = None
    if org_unit_id is not None:
        root = repo.unit(session, org_unit_id)
        under = root.path if root is not None else "/nothing/"  # an unknown unit matches nothing
    stmt = repo.decisions_query(
        actor,
        state=state,
        catalog_code=catalog_code,
        under_path=under,
        created_from=created_from,
        created_to=created_to,
        q=q,
        typical_case=typical_case,
    )
    rows, cursor = paginate(session, stmt, Decision.created_at, Decision.id, page)
    return [to_read(d, actor) for d in rows], cursor


def history(session: Session, actor: Actor, decision_id: uuid.UUID) -> list[HistoryRead]:
    _visible(session, actor, decision_id)
    return [HistoryRead.of(r, details=r.details) for r in history_of(session, "decision", decision_id)]


def get_tally(session: Session, actor: Actor, decision_id: uuid.UUID) -> TallyRead:
    d = _visible(session, actor, decision_id)
    result = rules.tally(session, d)
    return TallyRead(
        consensus_rule=d.consensus_rule,
        totals=result.totals,
        thresholds=[
            ThresholdRead(
                code=th.code,
                label=t.LABELS[th.code],
                fraction=t.fraction_text(th.fraction),
                strict=th.strict,
                base=t.number_text(th.base),
                required=t.number_text(th.fraction * th.base),
                actual=t.number_text(th.actual),
                holds=th.holds,
            )
            for th in result.thresholds
        ],
        satisfied=result.satisfied,
        unmet=result.unmet,
        explanation=t.explain(result),
    )


# --- create and actions ----------------------------------------------------------------------


def _parse(model: type[M], raw: Any) -> M:
    try:
        return model.model_validate({} if raw is None else raw)
    except ValidationError as exc:
        raise pydantic_errors(exc) from exc


def _peek_uuid(raw: Any, name: str) -> uuid.UUID | None:
    value = raw.get(name) if isinstance(raw, dict) else None
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _sees(actor: Actor, path: str) -> bool:
    return actor.is_admin or actor.holds_any(repo.SCOPE_ROLES, path)


def create_decision(session: Session, actor: Actor, raw: Any) -> DecisionRead:
    """列入清单: a community's secretary or staff lists a matter under a catalog entry."""
    community_id = _peek_uuid(raw, "community_id")
    if community_id is not None:
        unit = repo.unit(session, community_id)
        if unit is None or not _sees(actor, unit.path):
            raise errors.NotFound("no such community")
        if not actor.holds_any(MACHINE.create_roles, unit.path):
            raise errors.Forbidden("only the community's secretary or staff list a decision")
    data = _parse(DecisionCreate, raw)
    community = repo.unit(session, data.community_id)
    if community is None or not _sees(actor, community.path):
        raise errors.NotFound("no such community")
    if community.kind != OrgKind.community:
        raise errors.ValidationFailed.one("body.community_id", "not a community (居民区)")
    entry = repo.catalog_entry(session, data.catalog_code)
    if entry is None:
        raise errors.ValidationFailed.one("body.catalog_code", "no such catalog entry")
    if not entry.active:
        raise errors.GuardFailed(["catalog_entry_active"], "the catalog entry is inactive")
    if entry.amount_threshold is not None and data.amount is not None and data.amount < entry.amount_threshold:
        raise errors.NotAMajorDecision(f"amount {data.amount} is below the threshold {entry.amount_threshold}")
    d = Decision(
        id=uuid.uuid4(),
        org_unit_id=community.id,
        scope_path=community.path,
        street_id=uuid.UUID(hex=rules.street_path(community.path).strip("/")),
        created_by_id=actor.user_id,
        catalog_code=entry.code,
        catalog_version=entry.version,
        consensus_rule=entry.consensus_rule,
        title=data.title,
        description=data.description,
        amount=data.amount,
    )
    record_creation(session, MACHINE, d, actor)
    session.commit()
    return to_read(d, actor)


def perform(
    session: Session, actor: Actor, decision_id: uuid.UUID, code: str, raw: Any, if_match: int | None
) -> DecisionRead:
    d = _locked(session, actor, decision_id)
    take_action(session, MACHINE, d, actor, code, raw, if_match)
    session.commit()
    return to_read(d, actor)


# --- sub-resources ---------------------------------------------------------------------------


def _locked(session: Session, actor: Actor, decision_id: uuid.UUID) -> Decision:
    d = repo.get_decision(session, actor, decision_id, lock=True)
    if d is None:
        raise errors.NotFound("no such decision")
    return d


def _admit(d: Decision, actor: Actor, if_match: int | None, states: tuple[str, ...], what: str, may: RoleCheck) -> None:
    """If-Match (412) → the state the write belongs to (409) → role (403)."""
    check_version(d, if_match)
    if d.state not in states:
        raise errors.TransitionNotAllowed(what, d.state)
    if not may(actor, d):
        raise errors.Forbidden(f"your roles may not {what.replace('_', ' ')} on this decision")


def _for_write(
    session: Session,
    actor: Actor,
    decision_id: uuid.UUID,
    if_match: int | None,
    states: tuple[str, ...],
    what: str,
    may: RoleCheck,
) -> Decision:
    d = _locked(session, actor, decision_id)
    _admit(d, actor, if_match, states, what, may)
    return d


def _any_of(*roles: Role) -> RoleCheck:
    return lambda actor, d: actor.holds_any(roles, d.scope_path)


def _finish(session: Session, d: Decision, read: S) -> S:
    """Bump the decision's version with its sub-record, commit, and tell the client the version."""
    touch(session, d)
    session.commit()
    read.decision_version = d.version
    return read


def add_ballot(session: Session, actor: Actor, decision_id: uuid.UUID, raw: Any, if_match: int | None) -> BallotRead:
    """表决票: one per unit; an owner's units add up and carry one choice; totals never exceeded."""
    d = _for_write(session, actor, decision_id, if_match, ("consulting",), "record_ballot", _any_of(*BALLOT_ROLES))
    data = _parse(BallotCreate, raw)
    if d.consensus_rule not in rules.OWNERS_RULES:
        raise errors.ValidationFailed.one("body", f"a '{d.consensus_rule}' decision takes meetings, not ballots")
    if existing := repo.ballot_for_unit(session, d, data.unit_ref):
        raise errors.Duplicate(f"unit '{data.unit_ref}' has voted", str(existing.id))
    recorded = repo.ballots(session, d)
    _check_ballot(d, data, recorded)
    ballot = Ballot(
        decision_id=d.id,
        round=d.consultation_round,
        unit_ref=data.unit_ref,
        owner_ref=data.owner_ref,
        area_m2=data.area_m2,
        choice=data.choice,
        created_by_id=actor.user_id,
    )
    repo.add(session, ballot)
    return _finish(session, d, BallotRead.model_validate(ballot))


def _check_ballot(d: Decision, data: BallotCreate, recorded: list[Ballot]) -> None:
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
    new = t.BallotFacts(data.unit_ref, data.owner_ref, data.area_m2, data.choice)
    owners = {t.owner_key(t.BallotFacts(b.unit_ref, b.owner_ref, b.area_m2, b.choice)) for b in recorded}
    owners.add(t.owner_key(new))
    if d.total_owners is not None and len(owners) > d.total_owners:
        raise errors.ValidationFailed.one("body.owner_ref", f"ballots would count {len(owners)} owners, over total")


def list_ballots(session: Session, actor: Actor, decision_id: uuid.UUID) -> list[BallotRead]:
    d = _visible(session, actor, decision_id)
    return [BallotRead.model_validate(b) for b in repo.ballots(session, d)]


def add_meeting(session: Session, actor: Actor, decision_id: uuid.UUID, raw: Any, if_match: int | None) -> MeetingRead:
    """协商议事会议 / 居民会议, recorded while consulting."""
    d = _for_write(session, actor, decision_id, if_match, ("consulting",), "record_meeting", _any_of(*RECORD_ROLES))
    data = _parse(MeetingCreate, raw)
    if data.held_at > utcnow() + dt.timedelta(minutes=5):
        raise errors.ValidationFailed.one("body.held_at", "a meeting is recorded after it was held")
    if data.kind == "residents_meeting" and d.eligible_residents is not None and data.attendees > d.eligible_residents:
        raise errors.ValidationFailed.one("body.attendees", f"more than the {d.eligible_residents} eligible residents")
    meeting = Meeting(
        decision_id=d.id,
        round=d.consultation_round,
        held_at=data.held_at,
        kind=data.kind,
        attendees=data.attendees,
        votes_for=data.votes_for,
        votes_against=data.votes_against,
        minutes=data.minutes,
        created_by_id=actor.user_id,
    )
    repo.add(session, meeting)
    return _finish(session, d, MeetingRead.model_validate(meeting))


def list_meetings(session: Session, actor: Actor, decision_id: uuid.UUID) -> list[MeetingRead]:
    d = _visible(session, actor, decision_id)
    return [MeetingRead.model_validate(m) for m in repo.meetings(session, d, current_only=False)]


def list_filings(session: Session, actor: Actor, decision_id: uuid.UUID) -> list[FilingRead]:
    _visible(session, actor, decision_id)
    return [FilingRead.model_validate(f) for f in repo.filings(session, decision_id)]


def respond_to_filing(
    session: Session, actor: Actor, decision_id: uuid.UUID, filing_id: uuid.UUID, raw: Any, if_match: int | None
) -> FilingRead:
    """A target answers its 报备. Decision filings are answered while the decision is in ``filing``
    (their round); the review-result filing to the rule-of-law leader at any time later."""
    d = _locked(session, actor, decision_id)
    f = repo.filing(session, decision_id, filing_id)
    if f is None:
        raise errors.NotFound("no such filing")
    check_version(d, if_match)
    if f.stage == "decision" and (d.state != "filing" or f.round != d.filing_round):
        raise errors.TransitionNotAllowed("respond_to_filing", d.state)
    if not actor.holds(Role(f.target_role), f.target_path):
        raise errors.Forbidden(f"only a {f.target_role} of the unit filed to answers this filing")
    data = _parse(FilingResponseBody, raw)
    if f.response is not None:
        raise errors.Duplicate("this filing has been answered", str(f.id))
    f.response, f.opinion = data.response, data.opinion
    f.responded_by_id, f.responded_at = actor.user_id, utcnow()
    return _finish(session, d, FilingRead.model_validate(f))


def _opinion_role(session: Session, actor: Actor, d: Decision) -> Role | None:
    """Who may give a 法制审核意见: the legal adviser, the 司法所, or a department filed to."""
    for role in (Role.legal_adviser, Role.judicial_officer):
        if actor.holds(role, d.scope_path):
            return role
    for f in repo.current_filings(session, d):
        if f.target_role == Role.department_officer.value and actor.holds(Role.department_officer, f.target_path):
            return Role.department_officer
    return None


def add_opinion(
    session: Session, actor: Actor, decision_id: uuid.UUID, raw: Any, if_match: int | None
) -> LegalOpinionRead:
    role: list[Role] = []

    def may(a: Actor, d: Decision) -> bool:
        found = _opinion_role(session, a, d)
        role.extend([found] if found else [])
        return found is not None

    d = _for_write(session, actor, decision_id, if_match, ("legal_review",), "give_legal_opinion", may)
    data = _parse(LegalOpinionCreate, raw)
    opinion = LegalOpinion(
        decision_id=d.id,
        round=d.filing_round,
        author_role=role[0].value,
        author_name=actor.display_name,
        conclusion=data.conclusion,
        opinion=data.opinion,
        created_by_id=actor.user_id,
    )
    repo.add(session, opinion)
    return _finish(session, d, LegalOpinionRead.model_validate(opinion))


def list_opinions(session: Session, actor: Actor, decision_id: uuid.UUID) -> list[LegalOpinionRead]:
    _visible(session, actor, decision_id)
    return [LegalOpinionRead.model_validate(o) for o in repo.opinions(session, decision_id)]


def list_conditions(session: Session, actor: Actor, decision_id: uuid.UUID) -> list[ConditionRead]:
    _visible(session, actor, decision_id)
    return [ConditionRead.model_validate(c) for c in repo.conditions(session, decision_id)]


def mark_condition_met(
    session: Session, actor: Actor, decision_id: uuid.UUID, condition_id: uuid.UUID, raw: Any, if_match: int | None
) -> ConditionRead:
    d = repo.get_decision(session, actor, decision_id, lock=True)
    c = repo.condition(session, decision_id, condition_id) if d is not None else None
    if d is None or c is None:
        raise errors.NotFound("no such review condition")
    _for_write(
        session,
        actor,
        decision_id,
        if_match,
        ("implementing",),
        "mark_condition_met",
        _any_of(Role.community_secretary),
    )
    data = _parse(NoteBody, raw)
    if c.met:
        raise errors.Duplicate("this condition is marked met", str(c.id))
    if not (data.note or "").strip():
        raise errors.GuardFailed(["note"], "say how the condition was met")
    c.met, c.met_note, c.met_by_id, c.met_at = True, data.note, actor.user_id, utcnow()
    return _finish(session, d, ConditionRead.model_validate(c))


def add_note(
    session: Session, actor: Actor, decision_id: uuid.UUID, kind: str, raw: Any, if_match: int | None
) -> NoteRead:
    """进展 (progress) or 公示 (publicity), kept while implementing."""
    d = _for_write(session, actor, decision_id, if_match, ("implementing",), f"record_{kind}", _any_of(*RECORD_ROLES))
    model: type[ProgressCreate | PublicityCreate] = PublicityCreate if kind == "publicity" else ProgressCreate
    data = _parse(model, raw)
    note = DecisionNote(
        decision_id=d.id,
        kind=kind,
        content=data.content,
        channel=getattr(data, "channel", None),
        created_by_id=actor.user_id,
    )
    repo.add(session, note)
    return _finish(session, d, NoteRead.model_validate(note))


def list_notes(session: Session, actor: Actor, decision_id: uuid.UUID, kind: str) -> list[NoteRead]:
    _visible(session, actor, decision_id)
    return [NoteRead.model_validate(n) for n in repo.notes(session, decision_id, kind)]


def mark_typical_case(
    session: Session, actor: Actor, decision_id: uuid.UUID, raw: Any, if_match: int | None
) -> DecisionRead:
    """典型案例: after closing, the 司法所 marks the item; recorded in the history (no state change)."""
    d = _for_write(
        session, actor, decision_id, if_match, ("closed",), "mark_typical_case", _any_of(Role.judicial_officer)
    )
    data = _parse(TypicalCaseBody, raw)
    if d.typical_case:
        raise errors.Duplicate("already a typical case", str(d.id))
    if not (data.note or "").strip():
        raise errors.GuardFailed(["note"], "say what makes it a typical case")
    now = utcnow()
    d.typical_case, d.typical_case_note, d.typical_case_at, d.updated_at = True, data.note, now, now
    session.flush()
    session.add(
        TransitionRecord(
            aggregate_type=MACHINE.name,
            aggregate_id=d.id,
            seq=d.version,
            action="mark_typical_case",
            from_state=d.state,
            to_state=d.state,
            actor_id=actor.user_id,
            actor_name=actor.display_name,
            at=now,
            comment=data.note,
            details={},
        )
    )
    session.commit()
    return to_read(d, actor)
