"""list indexes: (created_at, id) on decisions and disputes, the keyset order of their lists

Without them a scoped page sorted the caller's whole subtree (bench/RESULTS.md, 2026-11-21).

Revision ID: 0004_list_indexes
Revises: 0003_disputes
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_list_indexes"
down_revision: str | None = "0003_disputes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_decisions_created_at_id", "decisions", ["created_at", "id"])
    op.create_index("ix_disputes_created_at_id", "disputes", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_disputes_created_at_id", table_name="disputes")
    op.drop_index("ix_decisions_created_at_id", table_name="decisions")
