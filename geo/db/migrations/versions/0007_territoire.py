"""Territories: the directory remembers the territory it serves (« 11069 », « 11 », « region:76 » or a list of
codes), no longer one commune's five characters; a role may coordinate a zone (its communes' listings). Nothing
else changes: a Carcassonne directory keeps its code, and its admins and editors their roles.

Revision ID: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("directory") as table:
        table.alter_column("commune", existing_type=sa.String(5), type_=sa.String(200), existing_nullable=True)
    op.add_column("editor", sa.Column("zone", sa.String(200), nullable=True))


def downgrade() -> None:
    op.drop_column("editor", "zone")
    with op.batch_alter_table("directory") as table:
        table.alter_column("commune", existing_type=sa.String(200), type_=sa.String(5), existing_nullable=True)
