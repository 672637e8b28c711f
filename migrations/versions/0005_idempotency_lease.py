"""idempotency lease: a reservation's attempt, lease end and business commit

A worker killed mid-request left its reservation unfinished, and every retry answered 409 "still in
progress" for the key's whole TTL. A reservation now holds for a lease (``locked_until``), after
which a retry takes it over (``attempt`` + 1, the fencing token); ``committed_at`` is set in the
request's own transaction, so a request that committed is never run again. Rows already unfinished
have no lease, so the first retry after the upgrade takes them over.

Revision ID: 0005_idempotency_lease
Revises: 0004_list_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_idempotency_lease"
down_revision: str | None = "0004_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempt", sa.Integer(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("committed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_column("committed_at")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("attempt")
