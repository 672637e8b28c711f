"""The annual evaluation (总结评估) of a community: one per community and year (DOMAIN §4.7)."""

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance_api.models.base import AggregateMixin, Base


class Evaluation(AggregateMixin, Base):
    """``org_unit_id`` is the community. ``indicators`` is the snapshot of the year's figures taken at
    the last ``submit``: the grade is given on those numbers, whatever is recorded afterwards."""

    __tablename__ = "evaluations"
    __table_args__ = (
        UniqueConstraint("org_unit_id", "year"),
        Index("ix_evaluations_year_list", "year", "created_at", "id"),
    )

    year: Mapped[int] = mapped_column(Integer)
    self_assessment: Mapped[str | None] = mapped_column(Text)
    self_score: Mapped[int | None] = mapped_column(Integer)
    indicators: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    score: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(String(16))
    comments: Mapped[str | None] = mapped_column(Text)
    funding_uplift: Mapped[bool | None] = mapped_column(Boolean)
    demonstration_nomination: Mapped[str | None] = mapped_column(String(16))
    evaluated_at: Mapped[dt.datetime | None] = mapped_column()
    commendations: Mapped[list[str]] = mapped_column(JSON, default=list)
    criticisms: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[dt.datetime | None] = mapped_column()
