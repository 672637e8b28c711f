"""Governance meetings (DOMAIN §4.2): 依法治理工作例会, 民情分析会, 居民议事会 and 治理难题联席会商, with
their attendees, agenda items (each optionally linked to a decision or dispute) and resolutions that
are later marked done (闭环)."""

import datetime as dt
import uuid

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance_api.models.base import AggregateMixin, Base, IdMixin


class GovernanceMeeting(AggregateMixin, Base):
    """A meeting (会议) of a community or a street. A one-state aggregate: after it is recorded only its
    resolutions change (marked done)."""

    __tablename__ = "governance_meetings"
    # The list order is (created_at, id), newest first; each list filter has its index in that order.
    __table_args__ = (
        Index("ix_governance_meetings_created_at_id", "created_at", "id"),
        Index("ix_governance_meetings_kind_created", "kind", "created_at", "id"),
        Index("ix_governance_meetings_unit_created", "org_unit_id", "created_at", "id"),
        Index("ix_governance_meetings_held_at", "held_at"),
    )

    kind: Mapped[str] = mapped_column(String(32))
    held_at: Mapped[dt.datetime] = mapped_column()
    chair_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    legal_adviser_present: Mapped[bool] = mapped_column(Boolean)
    minutes: Mapped[str] = mapped_column(Text)

    attendees: Mapped[list["MeetingAttendee"]] = relationship(
        lazy="selectin", order_by="MeetingAttendee.seq", cascade="all, delete-orphan"
    )
    agenda: Mapped[list["MeetingAgendaItem"]] = relationship(
        lazy="selectin", order_by="MeetingAgendaItem.seq", cascade="all, delete-orphan"
    )
    resolutions: Mapped[list["MeetingResolution"]] = relationship(
        lazy="selectin", order_by="MeetingResolution.seq", cascade="all, delete-orphan"
    )


class _Part(IdMixin):
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("governance_meetings.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)


class MeetingAttendee(_Part, Base):
    """An attendee (参会人员): a user or a named person, with the capacity in which they attended."""

    __tablename__ = "governance_meeting_attendees"

    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[str] = mapped_column(String(200))


class MeetingAgendaItem(_Part, Base):
    """An agenda item (议题), optionally the decision or dispute it discussed."""

    __tablename__ = "governance_meeting_agenda"
    # GET /meetings?decision_id= and ?dispute_id= find meetings through these.
    __table_args__ = (
        Index("ix_governance_meeting_agenda_decision", "decision_id", "meeting_id"),
        Index("ix_governance_meeting_agenda_dispute", "dispute_id", "meeting_id"),
    )

    subject: Mapped[str] = mapped_column(String(200))
    decision_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decisions.id"))
    dispute_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("disputes.id"))


class MeetingResolution(_Part, Base):
    """A resolution (会议决议/分工): what is to be done, by which unit, by when; marked done (闭环)."""

    __tablename__ = "governance_meeting_resolutions"

    text: Mapped[str] = mapped_column(Text)
    responsible_unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_note: Mapped[str | None] = mapped_column(Text)
    done_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    done_at: Mapped[dt.datetime | None] = mapped_column()


__all__ = ["GovernanceMeeting", "MeetingAgendaItem", "MeetingAttendee", "MeetingResolution"]
