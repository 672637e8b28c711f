"""disputes: the dispute aggregate and its sub-records, and the category list seeded with the
nine categories of DOMAIN.md §3.1 (the 司法所 adds more through the API).

Revision ID: 0003_disputes
Revises: 0002_decisions
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_disputes"
down_revision: str | None = "0002_decisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_CATEGORIES = [
    ("neighbor", "邻里纠纷"),
    ("property_management", "物业纠纷"),
    ("parking", "停车纠纷"),
    ("elevator", "加装电梯"),
    ("renovation_noise", "装修噪音"),
    ("family", "婚姻家庭"),
    ("labor", "劳资纠纷"),
    ("tenancy", "租赁纠纷"),
    ("other", "其他"),
]


def upgrade() -> None:
    op.create_table(
        "dispute_categories",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("builtin", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_dispute_categories_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_dispute_categories")),
    )
    op.create_table(
        "disputes",
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("grid_id", sa.Uuid(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("tracking_code", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("level_entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("background", sa.Text(), nullable=True),
        sa.Column("demands", sa.Text(), nullable=True),
        sa.Column("risks", sa.Text(), nullable=True),
        sa.Column("asked_party", sa.Text(), nullable=True),
        sa.Column("asked_neighbors", sa.Text(), nullable=True),
        sa.Column("asked_related_parties", sa.Text(), nullable=True),
        sa.Column("risk_level", sa.String(length=16), nullable=True),
        sa.Column("track", sa.String(length=32), nullable=True),
        sa.Column("group_dispute", sa.Boolean(), nullable=False),
        sa.Column("multi_department", sa.Boolean(), nullable=False),
        sa.Column("early_warning", sa.Boolean(), nullable=False),
        sa.Column("task_force_lead_id", sa.Uuid(), nullable=True),
        sa.Column("task_force_formed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("referral_route", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("scope_path", sa.String(length=400), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category"], ["dispute_categories.code"], name=op.f("fk_disputes_category_dispute_categories")
        ),
        sa.ForeignKeyConstraint(["community_id"], ["org_units.id"], name=op.f("fk_disputes_community_id_org_units")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_disputes_created_by_id_users")),
        sa.ForeignKeyConstraint(["grid_id"], ["org_units.id"], name=op.f("fk_disputes_grid_id_org_units")),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"], name=op.f("fk_disputes_org_unit_id_org_units")),
        sa.ForeignKeyConstraint(
            ["task_force_lead_id"], ["users.id"], name=op.f("fk_disputes_task_force_lead_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
        sa.UniqueConstraint("channel", "external_id", name=op.f("uq_disputes_channel_external_id")),
        sa.UniqueConstraint("tracking_code", name=op.f("uq_disputes_tracking_code")),
    )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disputes_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_channel"), ["channel"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_community_id"), ["community_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_level_entered_at"), ["level_entered_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_risk_level"), ["risk_level"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_scope_path"), ["scope_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_state"), ["state"], unique=False)

    op.create_table(
        "dispute_agreements",
        sa.Column("dispute_id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("form", sa.String(length=8), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("facts", sa.Text(), nullable=True),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("signed_by_parties", sa.Boolean(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_agreements_dispute_id_disputes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_dispute_agreements_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_agreements")),
    )
    with op.batch_alter_table("dispute_agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_agreements_dispute_id"), ["dispute_id"], unique=False)

    op.create_table(
        "dispute_disposal_reports",
        sa.Column("dispute_id", sa.Uuid(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_dispute_disposal_reports_dispute_id_disputes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_dispute_disposal_reports_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_disposal_reports")),
        sa.UniqueConstraint("dispute_id", name=op.f("uq_dispute_disposal_reports_dispute_id")),
    )
    op.create_table(
        "dispute_escalations",
        sa.Column("dispute_id", sa.Uuid(), nullable=False),
        sa.Column("from_level", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_level", sa.String(length=16), nullable=False),
        sa.Column("applied_by_id", sa.Uuid(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=True),
        sa.Column("approved_level", sa.String(length=16), nullable=True),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applied_by_id"], ["users.id"], name=op.f("fk_dispute_escalations_applied_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_dispute_escalations_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_escalations_dispute_id_disputes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_escalations")),
    )
    with op.batch_alter_table("dispute_escalations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_escalations_dispute_id"), ["dispute_id"], unique=False)

    op.create_table(
        "dispute_parties",
        sa.Column("dispute_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("phone", sa.String(length=11), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_parties_dispute_id_disputes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_parties")),
    )
    with op.batch_alter_table("dispute_parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_parties_dispute_id"), ["dispute_id"], unique=False)

    op.create_table(
        "dispute_sessions",
        sa.Column("dispute_id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_sessions_dispute_id_disputes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_dispute_sessions_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_sessions")),
    )
    with op.batch_alter_table("dispute_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_sessions_dispute_id"), ["dispute_id"], unique=False)

    op.create_table(
        "dispute_task_force_departments",
        sa.Column("dispute_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("department_path", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["org_units.id"], name=op.f("fk_dispute_task_force_departments_department_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_dispute_task_force_departments_dispute_id_disputes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dispute_id", "department_id", name=op.f("pk_dispute_task_force_departments")),
    )
    with op.batch_alter_table("dispute_task_force_departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispute_task_force_departments_department_path"), ["department_path"], unique=False
        )

    op.create_table(
        "dispute_judicial_confirmations",
        sa.Column("dispute_id", sa.Uuid(), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["dispute_agreements.id"],
            name=op.f("fk_dispute_judicial_confirmations_agreement_id_dispute_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_dispute_judicial_confirmations_dispute_id_disputes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_dispute_judicial_confirmations_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_judicial_confirmations")),
        sa.UniqueConstraint("agreement_id", name=op.f("uq_dispute_judicial_confirmations_agreement_id")),
    )
    with op.batch_alter_table("dispute_judicial_confirmations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dispute_judicial_confirmations_dispute_id"), ["dispute_id"], unique=False)

    categories = sa.table(
        "dispute_categories",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("builtin", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    seeded_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    op.bulk_insert(
        categories,
        [{"code": c, "name": n, "builtin": True, "created_at": seeded_at} for c, n in DEFAULT_CATEGORIES],
    )


def downgrade() -> None:
    with op.batch_alter_table("dispute_judicial_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_judicial_confirmations_dispute_id"))

    op.drop_table("dispute_judicial_confirmations")
    with op.batch_alter_table("dispute_task_force_departments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_task_force_departments_department_path"))

    op.drop_table("dispute_task_force_departments")
    with op.batch_alter_table("dispute_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_sessions_dispute_id"))

    op.drop_table("dispute_sessions")
    with op.batch_alter_table("dispute_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_parties_dispute_id"))

    op.drop_table("dispute_parties")
    with op.batch_alter_table("dispute_escalations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_escalations_dispute_id"))

    op.drop_table("dispute_escalations")
    op.drop_table("dispute_disposal_reports")
    with op.batch_alter_table("dispute_agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_agreements_dispute_id"))

    op.drop_table("dispute_agreements")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disputes_state"))
        batch_op.drop_index(batch_op.f("ix_disputes_scope_path"))
        batch_op.drop_index(batch_op.f("ix_disputes_risk_level"))
        batch_op.drop_index(batch_op.f("ix_disputes_org_unit_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_level_entered_at"))
        batch_op.drop_index(batch_op.f("ix_disputes_level"))
        batch_op.drop_index(batch_op.f("ix_disputes_community_id"))
        batch_op.drop_index(batch_op.f("ix_disputes_channel"))
        batch_op.drop_index(batch_op.f("ix_disputes_category"))

    op.drop_table("disputes")
    op.drop_table("dispute_categories")
