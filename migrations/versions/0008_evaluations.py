"""evaluations: the annual evaluation (总结评估) of each community, one per community and year.

Revision ID: 0008_evaluations
Revises: 0007_sign_in_windows
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_evaluations"
down_revision: str | None = "0007_sign_in_windows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("self_assessment", sa.Text(), nullable=True),
        sa.Column("self_score", sa.Integer(), nullable=True),
        sa.Column("indicators", sa.JSON(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("grade", sa.String(length=16), nullable=True),
        sa.Column("comments", sa.Text(), nullable=True),
        sa.Column("funding_uplift", sa.Boolean(), nullable=True),
        sa.Column("demonstration_nomination", sa.String(length=16), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("commendations", sa.JSON(), nullable=False),
        sa.Column("criticisms", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("scope_path", sa.String(length=400), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_evaluations_created_by_id_users")),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"], name=op.f("fk_evaluations_org_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("org_unit_id", "year", name=op.f("uq_evaluations_org_unit_id_year")),
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluations_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_scope_path"), ["scope_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_evaluations_state"), ["state"], unique=False)
        batch_op.create_index("ix_evaluations_year_list", ["year", "created_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluations_year_list")
        batch_op.drop_index(batch_op.f("ix_evaluations_state"))
        batch_op.drop_index(batch_op.f("ix_evaluations_scope_path"))
        batch_op.drop_index(batch_op.f("ix_evaluations_org_unit_id"))

    op.drop_table("evaluations")
