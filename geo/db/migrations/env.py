"""Alembic's entry point, run by geo.db.store on the connection it opened (never from an alembic.ini)."""

from __future__ import annotations

from alembic import context

from geo.db.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
