"""indexes that no query needs, dropped: every batch of work orders, and every step of every
machine (a history row and an outbox row each), paid for them on each insert

- ``ix_disputes_channel``: the unique (channel, external_id) index leads with the channel and
  serves a channel filter as well.
- ``ix_transition_history_aggregate_id``: history is read by (aggregate_type, aggregate_id), which
  the unique (aggregate_type, aggregate_id, seq) index serves.
- ``ix_outbox_events_kind``, ``ix_outbox_events_aggregate_id``: nothing reads the outbox by kind or
  by aggregate; the worker claims unpublished rows by ``ix_outbox_events_unpublished``.

Revision ID: 0013_fewer_indexes
Revises: 0012_integration
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_fewer_indexes"
down_revision: str | None = "0012_integration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = [
    ("disputes", "ix_disputes_channel", "channel"),
    ("transition_history", "ix_transition_history_aggregate_id", "aggregate_id"),
    ("outbox_events", "ix_outbox_events_kind", "kind"),
    ("outbox_events", "ix_outbox_events_aggregate_id", "aggregate_id"),
]


def upgrade() -> None:
    for table, index, _column in DROPPED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)


def downgrade() -> None:
    for table, index, column in DROPPED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(index, [column], unique=False)
