"""What the directory remembers of the world outside it: the commune it was built for, and the fingerprint and
time of its last exchange with the data folder's structures.csv (seed, import or export), so that an edit of the
file that was never applied can be said instead of ignored.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("directory") as table:
        table.add_column(sa.Column("commune", sa.String(5), nullable=True))
        table.add_column(sa.Column("csv_sha256", sa.String(64), nullable=True))
        table.add_column(sa.Column("csv_synced_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("directory") as table:
        for column in ("csv_synced_at", "csv_sha256", "commune"):
            table.drop_column(column)
