"""The directory speaks first: an outbox of e-mail written in the same transaction as the event that causes it,
each editor's choice of what they receive, and each structure's series of freshness reminders.

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(300), nullable=True, unique=True),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body_text", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("structure_id", sa.String(100), nullable=True),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("bundled_into", sa.Integer, nullable=True),
    )
    op.create_table(
        "mail_preference",
        sa.Column("email", sa.String(320), primary_key=True),
        sa.Column("reports", sa.String(20), nullable=False),
        sa.Column("reminders", sa.Boolean, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reminder_series",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("structure_id", sa.String(100), nullable=False, index=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent", sa.Integer, nullable=False),
        sa.Column("last_sent_on", sa.Date, nullable=True),
        sa.Column("escalated_on", sa.Date, nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    for table in ("reminder_series", "mail_preference", "outbox"):
        op.drop_table(table)
