"""patrols: grid patrols (微网格巡查) and their findings; a dispute names the finding it came from

Revision ID: 0011_patrols
Revises: 0010_meetings
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_patrols"
down_revision: str | None = "0010_meetings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patrols",
        sa.Column("grid_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("patrol_date", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("nil_report", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("scope_path", sa.String(length=400), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["grid_id"], ["org_units.id"], name=op.f("fk_patrols_grid_id_org_units")),
        sa.ForeignKeyConstraint(["community_id"], ["org_units.id"], name=op.f("fk_patrols_community_id_org_units")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_patrols_created_by_id_users")),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"], name=op.f("fk_patrols_org_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrols")),
    )
    with op.batch_alter_table("patrols", schema=None) as batch_op:
        batch_op.create_index("ix_patrols_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_patrols_grid_created", ["grid_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_patrols_community_created", ["community_id", "created_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrols_patrol_date"), ["patrol_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrols_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrols_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_patrols_scope_path"), ["scope_path"], unique=False)

    op.create_table(
        "patrol_findings",
        sa.Column("patrol_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("dispute_id", sa.Uuid(), nullable=True),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patrol_id"], ["patrols.id"], name=op.f("fk_patrol_findings_patrol_id_patrols"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["dispute_id"], ["disputes.id"], name=op.f("fk_patrol_findings_dispute_id_disputes")),
        sa.ForeignKeyConstraint(["reported_by_id"], ["users.id"], name=op.f("fk_patrol_findings_reported_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_findings")),
        sa.UniqueConstraint("dispute_id", name=op.f("uq_patrol_findings_dispute_id")),
    )
    with op.batch_alter_table("patrol_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patrol_findings_patrol_id"), ["patrol_id"], unique=False)

    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("patrol_finding_id", sa.Uuid(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_disputes_patrol_finding_id"), ["patrol_finding_id"])


def downgrade() -> None:
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_disputes_patrol_finding_id"), type_="unique")
        batch_op.drop_column("patrol_finding_id")
    with op.batch_alter_table("patrol_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patrol_findings_patrol_id"))
    op.drop_table("patrol_findings")
    with op.batch_alter_table("patrols", schema=None) as batch_op:
        for name in (
            "ix_patrols_scope_path",
            "ix_patrols_org_unit_id",
            "ix_patrols_state",
            "ix_patrols_patrol_date",
            "ix_patrols_community_created",
            "ix_patrols_grid_created",
            "ix_patrols_created_at_id",
        ):
            batch_op.drop_index(name)
    op.drop_table("patrols")
