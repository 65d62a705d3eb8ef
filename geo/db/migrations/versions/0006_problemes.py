"""GUP problem reports: a problem at a point, its public history of statuses, and each partner's reporting address
(a sourced fact the admin records).

Revision ID: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "problem",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("category", sa.String(50), nullable=False, index=True),
        sa.Column("quartier", sa.String(20), nullable=True, index=True),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("precise", sa.Boolean, nullable=False),
        sa.Column("address", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("partners", sa.Text, nullable=False),
        sa.Column("supporters", sa.Integer, nullable=False),
        sa.Column("reporter_email", sa.String(320), nullable=True),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("flagged_on", sa.Date, nullable=True),
        sa.Column("photo", sa.LargeBinary, nullable=True),
        sa.Column("photo_public", sa.Boolean, nullable=False),
    )
    op.create_table(
        "problem_event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("problem_id", sa.Integer, sa.ForeignKey("problem.id"), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("public", sa.Boolean, nullable=False),
    )
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("key_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "partner_address",
        sa.Column("contact_id", sa.String(100), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("partner_address", "api_key", "problem_event", "problem"):
        op.drop_table(table)
