"""The items of each feed's last body (``feeds.present_keys``), so that retention keeps the
items a feed still lists: pruned, they came back as new items at the next poll.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(sa.Column("present_keys", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("present_keys")
