"""The database: engine and transactions, tables (SQLAlchemy Core) and Alembic migrations."""
