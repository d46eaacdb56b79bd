"""Indexes on (rule, id) of figures and actors: an instance catching up on what others learnt
for a rule reads only the rows past the last one it saw.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_figures_rule_id"), "figures", ["rule", "id"], unique=False)
    op.create_index(op.f("ix_actors_rule_id"), "actors", ["rule", "id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_actors_rule_id"), table_name="actors")
    op.drop_index(op.f("ix_figures_rule_id"), table_name="figures")
