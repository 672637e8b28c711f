"""community list indexes: a community's page (and its page in one state) walks an index in list order

The list most screens open is one community's disputes, often in one state, newest first. With only
single-column indexes PostgreSQL had to collect the community's rows and sort them for every page
(at a million disputes: seconds). (community_id, created_at, id) and (community_id, state,
created_at, id) give it the page in order; the first replaces the plain community_id index.

Revision ID: 0006_community_list_indexes
Revises: 0005_idempotency_lease
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_community_list_indexes"
down_revision: str | None = "0005_idempotency_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_disputes_community_id", table_name="disputes")
    op.create_index("ix_disputes_community_created", "disputes", ["community_id", "created_at", "id"])
    op.create_index("ix_disputes_community_state_created", "disputes", ["community_id", "state", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_disputes_community_state_created", table_name="disputes")
    op.drop_index("ix_disputes_community_created", table_name="disputes")
    op.create_index("ix_disputes_community_id", "disputes", ["community_id"])
