"""The directory: structures and their facts, history, notices, and the revision pages watch.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("directory", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("revision", sa.Integer, nullable=False))
    op.create_table(
        "structure",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("update_months", sa.Integer, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "fact",
        sa.Column("structure_id", sa.String(100), sa.ForeignKey("structure.id"), primary_key=True),
        sa.Column("field", sa.String(50), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("checked_on", sa.Date, nullable=True),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("structure_id", sa.String(100), nullable=False, index=True),
        sa.Column("field", sa.String(50), nullable=False),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("after", sa.Text, nullable=True),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
    )
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("structure_id", sa.String(100), sa.ForeignKey("structure.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("starts", sa.Date, nullable=False),
        sa.Column("ends", sa.Date, nullable=False),
        sa.Column("hours", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute("INSERT INTO directory (id, revision) VALUES (1, 0)")


def downgrade() -> None:
    for table in ("notice", "history", "fact", "structure", "directory"):
        op.drop_table(table)
