"""Dispute models (矛盾纠纷): the aggregate, its parties, the 三查三问 screening (columns of the
aggregate), mediation sessions, escalation applications (联动化解申请表), agreements (调解协议),
judicial confirmations (司法确认), the task force (矛盾化解专班) and its disposal report (处置报告),
plus the category list the 司法所 can extend."""

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance_api.models.base import AggregateMixin, Base, IdMixin, utcnow


class DisputeCategory(Base):
    """A dispute category (纠纷类型). Data, not code: the 司法所 adds categories as the street needs."""

    __tablename__ = "dispute_categories"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    builtin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Dispute(AggregateMixin, Base):
    """A dispute on the ladder. ``org_unit_id``/``scope_path`` are its grid when one is given, else its
        community. ``level_entered_at`` is set whenever a level is entered; ``overdue`` compares it in SQL
    with the configured time limit of the current level (so a changed limit applies at once)."""

    __tablename__ = "disputes"
    # (created_at, id) is the list order: a page walks one of these indexes instead of sorting the
    # matching rows; a community's page (in one state) has its own (migration 0006).
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_disputes_created_at_id", "created_at", "id"),
        Index("ix_disputes_community_created", "community_id", "created_at", "id"),
        Index("ix_disputes_community_state_created", "community_id", "state", "created_at", "id"),
        # The dispute's unit is its grid or its community, both foreign keys already; a check ties it
        # to them instead of a third foreign key, whose lookup every insert paid (migration 0014).
        CheckConstraint("org_unit_id = COALESCE(grid_id, community_id)", name="unit_is_grid_or_community"),
        # Of the disputes that have one: most never do (a feed's, one from a patrol until screened),
        # and an index of only those is not written when they are inserted (migration 0015).
        Index(
            "uq_disputes_patrol_finding_id",
            "patrol_finding_id",
            unique=True,
            postgresql_where=text("patrol_finding_id IS NOT NULL"),
            sqlite_where=text("patrol_finding_id IS NOT NULL"),
        ),
        Index(
            "ix_disputes_risk_level",
            "risk_level",
            postgresql_where=text("risk_level IS NOT NULL"),
            sqlite_where=text("risk_level IS NOT NULL"),
        ),
    )

    org_unit_id: Mapped[uuid.UUID] = mapped_column(index=True)  # the mixin's, without its foreign key

    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    grid_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))
    channel: Mapped[str] = mapped_column(String(32))  # filtered by the unique (channel, external_id) index
    category: Mapped[str] = mapped_column(ForeignKey("dispute_categories.code"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    # A feed's own id, unique per source; the source is the channel (一网统管, 110, 联勤, …), so the key
    # is (channel, external_id): two clients relaying one platform cannot file the same case twice.
    external_id: Mapped[str | None] = mapped_column(String(100))
    tracking_code: Mapped[str] = mapped_column(String(32), unique=True)

    level: Mapped[str] = mapped_column(String(16), index=True)
    level_entered_at: Mapped[dt.datetime] = mapped_column(index=True)  # the level's clock restarts here

    # 三查三问 (查背景/查诉求/查风险, 问本人/问邻居/问关联方) and the 研判 result
    background: Mapped[str | None] = mapped_column(Text)
    demands: Mapped[str | None] = mapped_column(Text)
    risks: Mapped[str | None] = mapped_column(Text)
    asked_party: Mapped[str | None] = mapped_column(Text)
    asked_neighbors: Mapped[str | None] = mapped_column(Text)
    asked_related_parties: Mapped[str | None] = mapped_column(Text)
    risk_level: Mapped[str | None] = mapped_column(String(16))  # set by screening; indexed once set
    track: Mapped[str | None] = mapped_column(String(32))
    group_dispute: Mapped[bool] = mapped_column(Boolean, default=False)
    multi_department: Mapped[bool] = mapped_column(Boolean, default=False)
    early_warning: Mapped[bool] = mapped_column(Boolean, default=False)

    task_force_lead_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    task_force_formed_at: Mapped[dt.datetime | None] = mapped_column()
    referral_route: Mapped[str | None] = mapped_column(String(32))
    # Where a dispute turned from a grid patrol's 矛盾纠纷线索 came from. No foreign key on purpose:
    # the patrol finding names the dispute (``patrol_findings.dispute_id``, a foreign key), so the
    # tables depend one way only and disputes know nothing of the patrols' tables.
    patrol_finding_id: Mapped[uuid.UUID | None] = mapped_column()  # unique among those set

    parties: Mapped[list["DisputeParty"]] = relationship(
        lazy="selectin", order_by="DisputeParty.seq", cascade="all, delete-orphan"
    )
    task_force_departments: Mapped[list["TaskForceDepartment"]] = relationship(
        lazy="selectin", order_by="TaskForceDepartment.department_id", cascade="all, delete-orphan"
    )


class DisputeParty(Base):
    """A party (当事人): applicant, respondent or related. Phone and ID number are personal data.
    Keyed by its dispute and its place among the dispute's parties, the order they are read in."""

    __tablename__ = "dispute_parties"

    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(11))
    id_number: Mapped[str | None] = mapped_column(String(18))


class TaskForceDepartment(Base):
    """A department (职能部门) sitting on a dispute's task force. ``department_path`` is the unit's
    materialised path (units never move), so membership is decided without another query."""

    __tablename__ = "dispute_task_force_departments"

    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), primary_key=True)
    department_path: Mapped[str] = mapped_column(String(400), index=True)


class MediationSession(IdMixin, Base):
    """One mediation session (调解记录) at the level the dispute was at when it was held."""

    __tablename__ = "dispute_sessions"

    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    held_at: Mapped[dt.datetime] = mapped_column()
    participants: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EscalationApplication(IdMixin, Base):
    """A 居民区重大矛盾纠纷联动化解申请表 and the 司法所's review of it."""

    __tablename__ = "dispute_escalations"

    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    from_level: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    requested_level: Mapped[str] = mapped_column(String(16))
    applied_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    applied_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(16))  # approved / denied / superseded
    approved_level: Mapped[str | None] = mapped_column(String(16))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    decision_reason: Mapped[str | None] = mapped_column(Text)


class Agreement(IdMixin, Base):
    """A mediation agreement (调解协议): oral (口头, effective when reached) or written (调解协议书,
    effective when signed). After a breach a new one may be reached; the latest is the current one."""

    __tablename__ = "dispute_agreements"

    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    form: Mapped[str] = mapped_column(String(8))
    content: Mapped[str | None] = mapped_column(Text)
    facts: Mapped[str | None] = mapped_column(Text)
    terms: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    signed_by_parties: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="fulfilling")  # fulfilling / breached / fulfilled
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class JudicialConfirmation(IdMixin, Base):
    """An application to a court for judicial confirmation (司法确认) of a written agreement."""

    __tablename__ = "dispute_judicial_confirmations"

    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("dispute_agreements.id"), unique=True)
    court: Mapped[str] = mapped_column(String(200))
    applied_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class DisposalReport(IdMixin, Base):
    """The task force's 矛盾纠纷处置报告 to the 街道党工委/办事处 (one per dispute)."""

    __tablename__ = "dispute_disposal_reports"

    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), unique=True)
    content: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


__all__ = [
    "Agreement",
    "DisposalReport",
    "Dispute",
    "DisputeCategory",
    "DisputeParty",
    "EscalationApplication",
    "JudicialConfirmation",
    "MediationSession",
    "TaskForceDepartment",
]
