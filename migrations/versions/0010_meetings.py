"""meetings: governance meetings (DOMAIN §4.2) with their attendees, agenda items (linked to a
decision or dispute) and resolutions; indexes for the list filters in list order.

Revision ID: 0010_meetings
Revises: 0009_bodies_buildings
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_meetings"
down_revision: str | None = "0009_bodies_buildings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "governance_meetings",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("chair_user_id", sa.Uuid(), nullable=False),
        sa.Column("legal_adviser_present", sa.Boolean(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("scope_path", sa.String(length=400), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chair_user_id"], ["users.id"], name=op.f("fk_governance_meetings_chair_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_governance_meetings_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_governance_meetings_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_meetings")),
    )
    with op.batch_alter_table("governance_meetings", schema=None) as batch_op:
        batch_op.create_index("ix_governance_meetings_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_governance_meetings_held_at", ["held_at"], unique=False)
        batch_op.create_index("ix_governance_meetings_kind_created", ["kind", "created_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_governance_meetings_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_governance_meetings_scope_path"), ["scope_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_governance_meetings_state"), ["state"], unique=False)
        batch_op.create_index("ix_governance_meetings_unit_created", ["org_unit_id", "created_at", "id"], unique=False)

    op.create_table(
        "governance_meeting_attendees",
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("capacity", sa.String(length=200), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["governance_meetings.id"],
            name=op.f("fk_governance_meeting_attendees_meeting_id_governance_meetings"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_governance_meeting_attendees_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_meeting_attendees")),
    )
    with op.batch_alter_table("governance_meeting_attendees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_governance_meeting_attendees_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "governance_meeting_resolutions",
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("responsible_unit_id", sa.Uuid(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.Column("done_by_id", sa.Uuid(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["users.id"], name=op.f("fk_governance_meeting_resolutions_done_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["governance_meetings.id"],
            name=op.f("fk_governance_meeting_resolutions_meeting_id_governance_meetings"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_unit_id"],
            ["org_units.id"],
            name=op.f("fk_governance_meeting_resolutions_responsible_unit_id_org_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_meeting_resolutions")),
    )
    with op.batch_alter_table("governance_meeting_resolutions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_governance_meeting_resolutions_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "governance_meeting_agenda",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
        sa.Column("dispute_id", sa.Uuid(), nullable=True),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_governance_meeting_agenda_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_governance_meeting_agenda_dispute_id_disputes")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["governance_meetings.id"],
            name=op.f("fk_governance_meeting_agenda_meeting_id_governance_meetings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_meeting_agenda")),
    )
    with op.batch_alter_table("governance_meeting_agenda", schema=None) as batch_op:
        batch_op.create_index("ix_governance_meeting_agenda_decision", ["decision_id", "meeting_id"], unique=False)
        batch_op.create_index("ix_governance_meeting_agenda_dispute", ["dispute_id", "meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_governance_meeting_agenda_meeting_id"), ["meeting_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("governance_meeting_agenda", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_meeting_agenda_meeting_id"))
        batch_op.drop_index("ix_governance_meeting_agenda_dispute")
        batch_op.drop_index("ix_governance_meeting_agenda_decision")

    op.drop_table("governance_meeting_agenda")
    with op.batch_alter_table("governance_meeting_resolutions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_meeting_resolutions_meeting_id"))

    op.drop_table("governance_meeting_resolutions")
    with op.batch_alter_table("governance_meeting_attendees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_meeting_attendees_meeting_id"))

    op.drop_table("governance_meeting_attendees")
    with op.batch_alter_table("governance_meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_governance_meetings_unit_created")
        batch_op.drop_index(batch_op.f("ix_governance_meetings_state"))
        batch_op.drop_index(batch_op.f("ix_governance_meetings_scope_path"))
        batch_op.drop_index(batch_op.f("ix_governance_meetings_org_unit_id"))
        batch_op.drop_index("ix_governance_meetings_kind_created")
        batch_op.drop_index("ix_governance_meetings_held_at")
        batch_op.drop_index("ix_governance_meetings_created_at_id")

    op.drop_table("governance_meetings")
