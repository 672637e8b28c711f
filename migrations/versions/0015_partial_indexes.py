"""two indexes of disputes hold only the disputes that have a value: most new disputes have none
(a feed's work orders, anything not yet screened), and an index entry for a NULL was written on
every insert for queries that never look for one

- ``uq_disputes_patrol_finding_id``: a unique index of the disputes turned from a patrol finding
  (unique among those, as the constraint it replaces was: NULLs never conflicted).
- ``ix_disputes_risk_level``: of the screened disputes; the list filter asks for one level
  (``risk_level = …``), which implies a value.

Revision ID: 0015_partial_indexes
Revises: 0014_fewer_row_checks
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_partial_indexes"
down_revision: str | None = "0014_fewer_row_checks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _where(column: str) -> dict[str, sa.TextClause]:
    return {f"{dialect}_where": sa.text(f"{column} IS NOT NULL") for dialect in ("postgresql", "sqlite")}


def upgrade() -> None:
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_constraint("uq_disputes_patrol_finding_id", type_="unique")
        batch_op.drop_index("ix_disputes_risk_level")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index(
            "uq_disputes_patrol_finding_id", ["patrol_finding_id"], unique=True, **_where("patrol_finding_id")
        )
        batch_op.create_index("ix_disputes_risk_level", ["risk_level"], unique=False, **_where("risk_level"))


def downgrade() -> None:
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index("ix_disputes_risk_level")
        batch_op.drop_index("uq_disputes_patrol_finding_id")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index("ix_disputes_risk_level", ["risk_level"], unique=False)
        batch_op.create_unique_constraint("uq_disputes_patrol_finding_id", ["patrol_finding_id"])
