"""The index of items awaiting analysis holds only those (a partial index on updated_at, id
where not analysed), instead of a flag for every item ever stored.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    unanalysed = sa.column("analysed", sa.Boolean()).is_(False)
    op.create_index("ix_items_unanalysed", "items", ["updated_at", "id"], unique=False,
                    sqlite_where=unanalysed, postgresql_where=unanalysed)
    op.drop_index(op.f("ix_items_analysed"), table_name="items")


def downgrade() -> None:
    op.create_index(op.f("ix_items_analysed"), "items", ["analysed"], unique=False)
    op.drop_index("ix_items_unanalysed", table_name="items")
