"""Signed-in editing: editors and their roles, coverage proposals awaiting an admin, residents' reports.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editor",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(320), nullable=False, index=True),
        sa.Column("structure_id", sa.String(100), nullable=True),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("structure_id", sa.String(100), sa.ForeignKey("structure.id"), nullable=False, index=True),
        sa.Column("field", sa.String(50), nullable=False),
        sa.Column("before", sa.Text, nullable=False),
        sa.Column("after", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_table(
        "report",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("structure_id", sa.String(100), sa.ForeignKey("structure.id"), nullable=False, index=True),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("handled_by", sa.String(200), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("report", "proposal", "editor"):
        op.drop_table(table)
