"""A story's alerts reach a channel in order across instances: ``outbox.story`` (the rule)
and ``outbox.holds_story``, read when alerts are claimed (an alert waits while an earlier one
of its story to the same channel is being sent or waits for its retry, unless that one was
refused for good or reached some of its recipients).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("story", sa.Text(), nullable=True))
        batch.add_column(sa.Column("holds_story", sa.Boolean(), nullable=False,
                                   server_default=sa.true()))
        batch.create_index("ix_outbox_channel_story_status_next_attempt_at",
                           ["channel", "story", "status", "next_attempt_at"])
    # the stories of the alerts still to send (sent ones are never read for it)
    conn = op.get_bind()
    outbox = sa.table("outbox", sa.column("id", sa.Integer), sa.column("payload", sa.Text),
                      sa.column("status", sa.String), sa.column("story", sa.Text))
    rows = conn.execute(sa.select(outbox.c.id, outbox.c.payload)
                        .where(outbox.c.status == "pending")).all()
    for row in rows:
        payload = row.payload if isinstance(row.payload, dict) else json.loads(row.payload)
        rule = payload.get("rule") if isinstance(payload, dict) else None
        if isinstance(rule, str):
            conn.execute(sa.update(outbox).where(outbox.c.id == row.id).values(story=rule))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_channel_story_status_next_attempt_at")
        batch.drop_column("holds_story")
        batch.drop_column("story")
