"""An increment ("3,000 more troops", qualifier "more") is its own fact: its key is the counted
thing's with "_added" (see watcher.models.ADDED). Figures learnt before keep their meaning.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_figures = sa.table("figures", sa.column("key", sa.Text()), sa.column("qualifier", sa.Text()))


def upgrade() -> None:
    op.execute(_figures.update()
               .where(_figures.c.qualifier == "more", ~_figures.c.key.endswith("_added", autoescape=True))
               .values(key=_figures.c.key + "_added"))


def downgrade() -> None:
    # Nothing to undo: older code reads "troops_added" as a key of its own, which is what it
    # is (renaming back could also collide with a total of the same number learnt since).
    pass
