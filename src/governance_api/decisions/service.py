"""Use cases of major decisions (重大决策事项). Each mutating use case is one transaction, committed
once at the end; every write loads the decision within the caller's scope, locked, and hands it to
the machine's one admission path (``core.transitions``): actions and activities alike."""

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from governance_api.core import errors
from governance_api.core.action_routes import Command
from governance_api.core.actor import Actor
from governance_api.core.history import history_of
from governance_api.core.pagination import Page, PageParams, paginate
from governance_api.core.schemas import parse, peek
from governance_api.core.scope import street_id
from governance_api.core.transitions import do_activity, record_creation, take_action
from governance_api.decisions import repository as repo
from governance_api.decisions.machine import DECISION_MACHINE as MACHINE
from governance_api.decisions.schemas import (
    BallotRead,
    ConditionRead,
    DecisionCreate,
    DecisionRead,
    DecisionTarget,
    FilingRead,
    HistoryRead,
    LegalOpinionRead,
    MeetingRead,
    NoteRead,
    SubRead,
    TallyRead,
)
from governance_api.decisions.views import tally_read, to_read
from governance_api.models.decisions import Decision
from governance_api.roles import OrgKind

# --- reading ---------------------------------------------------------------------------------


def _visible(session: Session, actor: Actor, decision_id: uuid.UUID, *, lock: bool = False) -> Decision:
    d = repo.get_decision(session, actor, decision_id, lock=lock)
    if d is None:
        raise errors.NotFound("no such decision")
    return d


def _read(session: Session, d: Decision, actor: Actor) -> DecisionRead:
    return to_read(d, actor, repo.conditions(session, d.id))


def get_decision(session: Session, actor: Actor, decision_id: uuid.UUID) -> DecisionRead:
    return _read(session, _visible(session, actor, decision_id), actor)


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
) -> Page[DecisionRead]:
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
    # List rows carry the conditions too (one model for the item everywhere), read in one IN query
    # for the page rather than one per row.
    conditions = repo.conditions_of(session, [d.id for d in rows])
    return Page(items=[to_read(d, actor, conditions.get(d.id, [])) for d in rows], next_cursor=cursor)


def history(session: Session, actor: Actor, decision_id: uuid.UUID) -> Page[HistoryRead]:
    _visible(session, actor, decision_id)
    records = history_of(session, MACHINE.name, decision_id)
    return Page.whole([HistoryRead.of(r, details=r.details) for r in records])


def get_tally(session: Session, actor: Actor, decision_id: uuid.UUID) -> TallyRead:
    return tally_read(session, _visible(session, actor, decision_id))


def list_ballots(session: Session, actor: Actor, decision_id: uuid.UUID) -> Page[BallotRead]:
    d = _visible(session, actor, decision_id)
    return Page.whole([BallotRead.model_validate(b) for b in repo.ballots(session, d)])


def list_meetings(session: Session, actor: Actor, decision_id: uuid.UUID) -> Page[MeetingRead]:
    d = _visible(session, actor, decision_id)
    return Page.whole([MeetingRead.model_validate(m) for m in repo.meetings(session, d, current_only=False)])


def list_filings(session: Session, actor: Actor, decision_id: uuid.UUID) -> Page[FilingRead]:
    _visible(session, actor, decision_id)
    return Page.whole([FilingRead.model_validate(f) for f in repo.filings(session, decision_id)])


def list_opinions(session: Session, actor: Actor, decision_id: uuid.UUID) -> Page[LegalOpinionRead]:
    _visible(session, actor, decision_id)
    return Page.whole([LegalOpinionRead.model_validate(o) for o in repo.opinions(session, decision_id)])


def list_conditions(session: Session, actor: Actor, decision_id: uuid.UUID) -> Page[ConditionRead]:
    _visible(session, actor, decision_id)
    return Page.whole([ConditionRead.model_validate(c) for c in repo.conditions(session, decision_id)])


def list_notes(session: Session, actor: Actor, decision_id: uuid.UUID, kind: str) -> Page[NoteRead]:
    _visible(session, actor, decision_id)
    return Page.whole([NoteRead.model_validate(n) for n in repo.notes(session, decision_id, kind)])


# --- create, actions and activities ----------------------------------------------------------


def create_decision(session: Session, actor: Actor, raw: Any) -> DecisionRead:
    """列入清单: a community's secretary or staff lists a matter under a catalog entry.

    Scope here is the community, not a decision (there is none yet): a community the caller reaches
    under any grant is in scope, so a resident or integration client there is refused by role (403),
    as in the disputes' create; only a community outside every grant is 404. (Reading decisions is
    narrower: ``repository.SCOPE_ROLES`` leaves residents out of what they see.)"""
    target = peek(DecisionTarget, raw)
    if target is not None:
        unit = repo.unit(session, target.community_id)
        if unit is None or not actor.reaches(unit.path):
            raise errors.NotFound("no such community")
        if not actor.holds_any(MACHINE.create_roles, unit.path):
            raise errors.Forbidden("only the community's secretary or staff list a decision")
    data = parse(DecisionCreate, raw)
    community = repo.unit(session, data.community_id)
    if community is None or not actor.reaches(community.path):
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
        street_id=street_id(community.path),
        created_by_id=actor.user_id,
        catalog_code=entry.code,
        catalog_version=entry.version,
        consensus_rule=entry.consensus_rule,
        title=data.title,
        description=data.description,
        amount=data.amount,
        # set here, not left to the column defaults: the create's history row and event read them
        # before the insert
        consultation_round=0,
        filing_round=0,
    )
    record_creation(session, MACHINE, d, actor)
    session.commit()
    return to_read(d, actor, [])  # a new decision has no review yet


def perform(cmd: Command) -> DecisionRead:
    """One action of the decision machine."""
    d = _visible(cmd.session, cmd.actor, cmd.aggregate_id, lock=True)
    take_action(cmd.session, MACHINE, d, cmd.actor, cmd.code, cmd.body, cmd.if_match)
    read = _read(cmd.session, d, cmd.actor)  # the engine flushed: an approval's conditions are seen
    cmd.session.commit()
    return read


def record(cmd: Command) -> BaseModel:
    """One activity of the decision machine: a ballot, meeting, filing answer, legal opinion,
    condition met, progress or publicity note, or the typical-case mark. A sub-record's read
    carries the decision's new version (``decision_version``) for the next If-Match."""
    d = _visible(cmd.session, cmd.actor, cmd.aggregate_id, lock=True)
    _, written = do_activity(cmd.session, MACHINE, d, cmd.actor, cmd.code, cmd.body, cmd.if_match, cmd.item_id)
    activity = MACHINE.activity(cmd.code)
    assert activity is not None  # do_activity answered 404 otherwise
    read: BaseModel = (
        _read(cmd.session, d, cmd.actor) if activity.result is None else activity.result.model_validate(written)
    )
    if isinstance(read, SubRead):
        read.decision_version = d.version
    cmd.session.commit()
    return read
