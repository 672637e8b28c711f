"""decisions (placeholder until the decisions capability lands)

Revision ID: 0002_decisions
Revises: 0001_foundation
"""

from collections.abc import Sequence

revision: str = "0002_decisions"
down_revision: str | None = "0001_foundation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
