"""sign-in windows: the sign-in limiter's counts move from each process's memory to the database

With several instances (or workers) each counted on its own, so a guesser got the limit once per
process, and a check made before the failure was recorded let concurrent guesses through. One row
per (address, username) key, counted with an atomic upsert, is shared by every instance.

Revision ID: 0007_sign_in_windows
Revises: 0006_community_list_indexes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_sign_in_windows"
down_revision: str | None = "0006_community_list_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_windows",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_windows")),
    )
    op.create_index(op.f("ix_sign_in_windows_started_at"), "sign_in_windows", ["started_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_windows_started_at"), table_name="sign_in_windows")
    op.drop_table("sign_in_windows")
