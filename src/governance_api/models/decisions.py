"""Major-decision models (重大决策事项前置法制审核): the catalog (清单) with its versions, the
residents-meeting rule data, the decision aggregate and its sub-records (ballots, meetings,
filings 报备, legal opinions, review conditions, progress and publicity notes)."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance_api.models.base import AggregateMixin, Base, IdMixin, utcnow

MONEY = Numeric(14, 2)
AREA = Numeric(12, 2)


class CatalogEntry(IdMixin, Base):
    """The current text of a catalog entry (清单事项); every edit appends a ``CatalogVersion``."""

    __tablename__ = "decision_catalog"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    consensus_rule: Mapped[str] = mapped_column(String(20))
    amount_threshold: Mapped[Decimal | None] = mapped_column(MONEY)
    departments: Mapped[list[str]] = mapped_column(JSON, default=list)  # department unit ids (hex)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CatalogVersion(IdMixin, Base):
    """An immutable snapshot of an entry as of one version; a decision reads its rule from here."""

    __tablename__ = "decision_catalog_versions"
    __table_args__ = (UniqueConstraint("code", "version"),)

    code: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20))
    consensus_rule: Mapped[str] = mapped_column(String(20))
    amount_threshold: Mapped[Decimal | None] = mapped_column(MONEY)
    departments: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ResidentsMeetingRule(IdMixin, Base):
    """Quorum and majority of a 居民会议 in force from ``effective_from`` (rule data, not code):
    attendance vs eligible residents, and votes for vs attendees, each a fraction that is either
    strictly exceeded (``过半数``) or at least reached."""

    __tablename__ = "residents_meeting_rules"

    effective_from: Mapped[dt.date] = mapped_column(Date, unique=True)
    quorum_num: Mapped[int] = mapped_column(Integer)
    quorum_den: Mapped[int] = mapped_column(Integer)
    quorum_strict: Mapped[bool] = mapped_column(Boolean)
    majority_num: Mapped[int] = mapped_column(Integer)
    majority_den: Mapped[int] = mapped_column(Integer)
    majority_strict: Mapped[bool] = mapped_column(Boolean)
    basis: Mapped[str] = mapped_column(String(400))


class Decision(AggregateMixin, Base):
    """A 重大决策事项 of one community (its ``org_unit_id``), listed under one catalog version."""

    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_created_at_id", "created_at", "id"),)  # the list order

    street_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    catalog_code: Mapped[str] = mapped_column(String(64), index=True)
    catalog_version: Mapped[int] = mapped_column(Integer)
    consensus_rule: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(MONEY)
    plan: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(Text)
    schedule: Mapped[str | None] = mapped_column(Text)
    total_area_m2: Mapped[Decimal | None] = mapped_column(AREA)
    total_owners: Mapped[int | None] = mapped_column(Integer)
    eligible_residents: Mapped[int | None] = mapped_column(Integer)
    consultation_round: Mapped[int] = mapped_column(Integer, default=0)
    filing_round: Mapped[int] = mapped_column(Integer, default=0)
    review_conclusion: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str | None] = mapped_column(Text)
    typical_case: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    typical_case_note: Mapped[str | None] = mapped_column(Text)
    typical_case_at: Mapped[dt.datetime | None] = mapped_column()


class _SubRecord(IdMixin):
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decisions.id"), index=True)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Ballot(_SubRecord, Base):
    """One unit's vote (表决票); ``owner_ref`` ties several units to one owner."""

    __tablename__ = "decision_ballots"
    __table_args__ = (UniqueConstraint("decision_id", "round", "unit_ref"),)

    round: Mapped[int] = mapped_column(Integer)  # the consultation round it was cast in
    unit_ref: Mapped[str] = mapped_column(String(100))
    owner_ref: Mapped[str | None] = mapped_column(String(100))
    area_m2: Mapped[Decimal] = mapped_column(AREA)
    choice: Mapped[str] = mapped_column(String(10))


class Meeting(_SubRecord, Base):
    """A 协商议事会议 or 居民会议 held while consulting."""

    __tablename__ = "decision_meetings"

    round: Mapped[int] = mapped_column(Integer)
    held_at: Mapped[dt.datetime] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))
    attendees: Mapped[int] = mapped_column(Integer)
    votes_for: Mapped[int] = mapped_column(Integer)
    votes_against: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[str] = mapped_column(Text)


class Filing(_SubRecord, Base):
    """A 报备 to one role on one unit. ``stage`` is ``decision`` (entering filing; one set per
    ``round``) or ``review_result`` (the legal-review result to the rule-of-law leader)."""

    __tablename__ = "decision_filings"

    round: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    target_role: Mapped[str] = mapped_column(String(40))
    target_org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    target_path: Mapped[str] = mapped_column(String(400), index=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    response: Mapped[str | None] = mapped_column(String(20))
    opinion: Mapped[str | None] = mapped_column(Text)
    responded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[dt.datetime | None] = mapped_column()


class LegalOpinion(_SubRecord, Base):
    """A 法制审核意见 by a legal adviser, the 司法所 or a department filed to."""

    __tablename__ = "decision_legal_opinions"

    round: Mapped[int] = mapped_column(Integer)
    author_role: Mapped[str] = mapped_column(String(40))
    author_name: Mapped[str] = mapped_column(String(100))
    conclusion: Mapped[str] = mapped_column(String(30))
    opinion: Mapped[str] = mapped_column(Text)


class ReviewCondition(_SubRecord, Base):
    """A condition of an ``approved_with_conditions`` review, marked met during implementing."""

    __tablename__ = "decision_review_conditions"

    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    met: Mapped[bool] = mapped_column(Boolean, default=False)
    met_note: Mapped[str | None] = mapped_column(Text)
    met_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    met_at: Mapped[dt.datetime | None] = mapped_column()


class DecisionNote(_SubRecord, Base):
    """A progress note (进展) or a publicity record (公示) kept while implementing."""

    __tablename__ = "decision_notes"

    kind: Mapped[str] = mapped_column(String(20), index=True)
    content: Mapped[str] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(200))


__all__ = [
    "Ballot",
    "CatalogEntry",
    "CatalogVersion",
    "Decision",
    "DecisionNote",
    "Filing",
    "LegalOpinion",
    "Meeting",
    "ResidentsMeetingRule",
    "ReviewCondition",
]
