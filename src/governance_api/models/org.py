"""Org units (街道/片区/居民区/微网格/职能部门), users and their (role, unit) assignments."""

import uuid

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from governance_api.models.base import Base, IdMixin, TimestampMixin


class OrgUnit(IdMixin, TimestampMixin, Base):
    """A node of the org tree. ``path`` is the materialised chain of ids (``/root/…/self/``) so a
    subtree is one indexed prefix match; units never move, so the path never changes."""

    __tablename__ = "org_units"

    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(IdMixin, TimestampMixin, Base):
    """A person or, with the ``integration_client`` role, a machine client (client_id = username)."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    assignments: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="RoleAssignment.role"
    )


class RoleAssignment(IdMixin, Base):
    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "org_unit_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    user: Mapped[User] = relationship(back_populates="assignments")
    org_unit: Mapped[OrgUnit] = relationship(lazy="joined")
