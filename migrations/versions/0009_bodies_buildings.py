"""bodies and buildings: a community's buildings (楼栋, DOMAIN §4.6) and the working bodies
(依法治理工作小组 / 工作专班, DOMAIN §4.1) with their members, never deleted

Revision ID: 0009_bodies_buildings
Revises: 0008_evaluations
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_bodies_buildings"
down_revision: str | None = "0008_evaluations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "buildings",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("scope_path", sa.String(length=400), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_buildings_created_by_id_users")),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"], name=op.f("fk_buildings_org_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buildings")),
        sa.UniqueConstraint("org_unit_id", "code", name=op.f("uq_buildings_org_unit_id_code")),
    )
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.create_index("ix_buildings_community_list", ["org_unit_id", "created_at", "id"], unique=False)
        batch_op.create_index("ix_buildings_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_buildings_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_buildings_scope_path"), ["scope_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_buildings_state"), ["state"], unique=False)

    op.create_table(
        "working_bodies",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("scope_path", sa.String(length=400), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_working_bodies_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_working_bodies_org_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_bodies")),
        sa.UniqueConstraint("org_unit_id", "kind", name=op.f("uq_working_bodies_org_unit_id_kind")),
    )
    with op.batch_alter_table("working_bodies", schema=None) as batch_op:
        batch_op.create_index("ix_working_bodies_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_working_bodies_kind_list", ["kind", "created_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_working_bodies_org_unit_id"), ["org_unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_working_bodies_scope_path"), ["scope_path"], unique=False)
        batch_op.create_index(batch_op.f("ix_working_bodies_state"), ["state"], unique=False)

    op.create_table(
        "working_body_members",
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("position", sa.String(length=20), nullable=False),
        sa.Column("duty", sa.Text(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"], ["working_bodies.id"], name=op.f("fk_working_body_members_body_id_working_bodies")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_working_body_members_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(["ended_by_id"], ["users.id"], name=op.f("fk_working_body_members_ended_by_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_working_body_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_body_members")),
    )
    with op.batch_alter_table("working_body_members", schema=None) as batch_op:
        batch_op.create_index("ix_working_body_members_body_list", ["body_id", "from_date", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_working_body_members_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("working_body_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_working_body_members_user_id"))
        batch_op.drop_index("ix_working_body_members_body_list")

    op.drop_table("working_body_members")
    with op.batch_alter_table("working_bodies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_working_bodies_state"))
        batch_op.drop_index(batch_op.f("ix_working_bodies_scope_path"))
        batch_op.drop_index(batch_op.f("ix_working_bodies_org_unit_id"))
        batch_op.drop_index("ix_working_bodies_kind_list")
        batch_op.drop_index("ix_working_bodies_created_at_id")

    op.drop_table("working_bodies")
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buildings_state"))
        batch_op.drop_index(batch_op.f("ix_buildings_scope_path"))
        batch_op.drop_index(batch_op.f("ix_buildings_org_unit_id"))
        batch_op.drop_index("ix_buildings_created_at_id")
        batch_op.drop_index("ix_buildings_community_list")

    op.drop_table("buildings")
