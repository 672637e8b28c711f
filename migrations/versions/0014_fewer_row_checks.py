"""fewer checks and indexes per inserted row, no second copy of a key: a feed's batch inserts 500 disputes and
500 work orders, and every foreign key is one lookup per row

- ``disputes.org_unit_id`` is the dispute's grid, else its community, both foreign keys already: a
  check ties it to them (``org_unit_id = COALESCE(grid_id, community_id)``) in place of its own
  foreign key. Every dispute recorded so far satisfies it: the unit is set once, at intake.
- ``work_orders`` is keyed by its dispute (one work order per dispute). Its ``channel``,
  ``external_id``, ``received_by_id`` and ``received_at`` were the dispute's ``channel``,
  ``external_id``, ``created_by_id`` and ``created_at`` again, with a unique index and a foreign key
  of their own; they go.
- ``dispute_parties`` is keyed by (dispute, seq), the order a dispute's parties are read in: its id,
  which nothing read, and its index of the dispute, which the new key serves, go.

Revision ID: 0014_fewer_row_checks
Revises: 0013_fewer_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_fewer_row_checks"
down_revision: str | None = "0013_fewer_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNIT_CHECK = "org_unit_id = COALESCE(grid_id, community_id)"


def upgrade() -> None:
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_constraint("fk_disputes_org_unit_id_org_units", type_="foreignkey")
        batch_op.create_check_constraint(op.f("ck_disputes_unit_is_grid_or_community"), UNIT_CHECK)
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_constraint("fk_work_orders_received_by_id_users", type_="foreignkey")
        batch_op.drop_constraint("uq_work_orders_dispute_id", type_="unique")
        batch_op.drop_constraint("pk_work_orders", type_="primary")
        batch_op.create_primary_key("pk_work_orders", ["dispute_id"])
        for column in ("channel", "external_id", "received_by_id", "received_at"):
            batch_op.drop_column(column)
    with op.batch_alter_table("dispute_parties", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_parties_dispute_id")
        batch_op.drop_constraint("pk_dispute_parties", type_="primary")
        batch_op.create_primary_key("pk_dispute_parties", ["dispute_id", "seq"])
        batch_op.drop_column("id")


def downgrade() -> None:
    with op.batch_alter_table("dispute_parties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id", sa.Uuid(), nullable=True))
    # a new id for each party (SQLite keeps a UUID as 32 hex digits)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE dispute_parties SET id = gen_random_uuid()")
    else:
        op.execute("UPDATE dispute_parties SET id = lower(hex(randomblob(16)))")
    with op.batch_alter_table("dispute_parties", schema=None) as batch_op:
        batch_op.alter_column("id", nullable=False)
        batch_op.drop_constraint("pk_dispute_parties", type_="primary")
        batch_op.create_primary_key("pk_dispute_parties", ["id"])
        batch_op.create_index("ix_dispute_parties_dispute_id", ["dispute_id"], unique=False)
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("external_id", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("received_by_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
    # the dispute's values, which they were
    op.execute(
        "UPDATE work_orders SET channel = d.channel, external_id = d.external_id, "
        "received_by_id = d.created_by_id, received_at = d.created_at "
        "FROM disputes AS d WHERE d.id = work_orders.dispute_id"
    )
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        for column in ("channel", "external_id", "received_by_id", "received_at"):
            batch_op.alter_column(column, nullable=False)
        batch_op.drop_constraint("pk_work_orders", type_="primary")
        batch_op.create_primary_key("pk_work_orders", ["channel", "external_id"])
        batch_op.create_unique_constraint("uq_work_orders_dispute_id", ["dispute_id"])
        batch_op.create_foreign_key("fk_work_orders_received_by_id_users", "users", ["received_by_id"], ["id"])
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_disputes_unit_is_grid_or_community"), type_="check")
        batch_op.create_foreign_key("fk_disputes_org_unit_id_org_units", "org_units", ["org_unit_id"], ["id"])
