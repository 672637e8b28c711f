"""Grid patrol models (微网格巡查): the patrol a grid worker logs for its grid on a Shanghai day, and
its findings (发现问题), each of which — when a 矛盾纠纷线索 — may become a dispute."""

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance_api.models.base import AggregateMixin, Base, IdMixin


class Patrol(AggregateMixin, Base):
    """One patrol (巡查) of a grid. ``org_unit_id``/``scope_path`` are the grid's; ``community_id`` is
    the grid's community, kept so a community's list is one equal column, not a path prefix."""

    __tablename__ = "patrols"
    # (filter…, created_at, id): a list page walks an index in list order instead of sorting.
    __table_args__ = (
        Index("ix_patrols_created_at_id", "created_at", "id"),
        Index("ix_patrols_grid_created", "grid_id", "created_at", "id"),
        Index("ix_patrols_community_created", "community_id", "created_at", "id"),
    )

    grid_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    patrol_date: Mapped[dt.date] = mapped_column(Date, index=True)
    started_at: Mapped[dt.datetime] = mapped_column()
    ended_at: Mapped[dt.datetime] = mapped_column()
    nil_report: Mapped[bool] = mapped_column(Boolean)

    findings: Mapped[list["PatrolFinding"]] = relationship(
        lazy="selectin", order_by="PatrolFinding.seq", cascade="all, delete-orphan"
    )


class PatrolFinding(IdMixin, Base):
    """A finding of a patrol: 矛盾纠纷线索, 违法违规, 安全隐患 or other. ``dispute_id`` is the dispute it
    became once reported (a 矛盾纠纷线索 only, once); the dispute names it back in
    ``disputes.patrol_finding_id``."""

    __tablename__ = "patrol_findings"

    patrol_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patrols.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    dispute_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("disputes.id"), unique=True)
    reported_at: Mapped[dt.datetime | None] = mapped_column()
    reported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


__all__ = ["Patrol", "PatrolFinding"]
