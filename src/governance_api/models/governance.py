"""Governance-work records (依法治理工作机制, DOMAIN.md §4) of this package: a community's buildings
(楼栋) and the working bodies (工作小组 / 工作专班) with their members."""

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance_api.models.base import AggregateMixin, Base, IdMixin, utcnow


class Building(AggregateMixin, Base):
    """A building (楼栋) registered by its community (``org_unit_id``); its code is unique there."""

    __tablename__ = "buildings"
    __table_args__ = (
        UniqueConstraint("org_unit_id", "code"),
        Index("ix_buildings_created_at_id", "created_at", "id"),  # the list order
        Index("ix_buildings_community_list", "org_unit_id", "created_at", "id"),  # ?community_id=
    )

    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))


class WorkingBody(AggregateMixin, Base):
    """A 依法治理工作小组 (on a community) or 工作专班 (on a street): one of each kind per unit."""

    __tablename__ = "working_bodies"
    __table_args__ = (
        UniqueConstraint("org_unit_id", "kind"),
        Index("ix_working_bodies_created_at_id", "created_at", "id"),
        Index("ix_working_bodies_kind_list", "kind", "created_at", "id"),  # ?kind=
    )

    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))


class BodyMember(IdMixin, Base):
    """A membership (成员): a user or a named person, from ``from_date`` to ``to_date``. Never
    deleted: ending it records the last day (``to_date``), when and by whom (``ended_at``)."""

    __tablename__ = "working_body_members"
    __table_args__ = (Index("ix_working_body_members_body_list", "body_id", "from_date", "created_at"),)

    body_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("working_bodies.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(20))
    duty: Mapped[str] = mapped_column(Text)
    from_date: Mapped[dt.date] = mapped_column(Date)
    to_date: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    ended_at: Mapped[dt.datetime | None] = mapped_column()
    ended_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


__all__ = ["BodyMember", "Building", "WorkingBody"]
