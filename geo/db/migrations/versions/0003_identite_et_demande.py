"""An editor's role bound to the identity provider's issuer and subject at the first verified sign-in; the demand
counters (lookups per quartier × kind of help × ISO week) in the directory's database instead of a file of their own.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("editor") as table:  # SQLite alters a table by copying it: batch mode does that
        table.add_column(sa.Column("issuer", sa.String(500), nullable=True))
        table.add_column(sa.Column("subject", sa.String(255), nullable=True))
    op.create_table(
        "demand",
        sa.Column("quartier", sa.String(20), primary_key=True),
        sa.Column("service", sa.String(50), primary_key=True),
        sa.Column("week", sa.String(8), primary_key=True),
        sa.Column("lookups", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("demand")
    with op.batch_alter_table("editor") as table:
        table.drop_column("subject")
        table.drop_column("issuer")
