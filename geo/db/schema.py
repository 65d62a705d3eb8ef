"""The directory store's tables (SQLAlchemy Core). Alembic's migrations in geo/db/migrations create them;
this module only names them for queries, and a test holds the two to the same shape.

- `directory`: one row, the revision bumped by every write (pages compare it to know the directory changed), the
  commune it serves, and its last exchange with the data folder's structures.csv;
- `structure`: a listing, its place in the exchange file, its version (optimistic locking) and who last wrote it;
- `fact`: one cell of structures.csv per row, as typed, with the day it was last checked;
- `history`: every change ever made, appended and never updated or deleted;
- `notice`: temporary closures, hours and messages, in force between two days;
- `editor`: who may edit (an e-mail, admin or one structure; the provider's issuer and subject once signed in),
  `proposal`: coverage changes awaiting an admin, `report`: residents' « signaler une erreur », with nothing
  personal in them;
- `demand`: anonymous counts of residents' lookups per quartier × kind of help × ISO week (GUP_STATS=1);
- `outbox`: every e-mail, written with the event that causes it and sent after it commits; `mail_preference`:
  what each editor chose to receive; `reminder_series`: each structure's freshness reminders until answered;
- `problem`: a resident's GUP problem report at a point, `problem_event` its statuses (public notes, authors),
  `partner_address`: where each partner of the panel receives reports (a sourced fact), `api_key`: partner
  applications allowed a higher Open311 limit.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

directory = Table(
    "directory", metadata,
    Column("id", Integer, primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("commune", String(200), nullable=True),  # the territory it was built for (zones.written)
    Column("csv_sha256", String(64), nullable=True),  # data/structures.csv as last seeded, imported or exported
    Column("csv_synced_at", DateTime(timezone=True), nullable=True),
)

structure = Table(
    "structure", metadata,
    Column("id", String(100), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("update_months", Integer, nullable=False),
    Column("changed_by", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

fact = Table(
    "fact", metadata,
    Column("structure_id", String(100), ForeignKey("structure.id"), primary_key=True),
    Column("field", String(50), primary_key=True),
    Column("value", Text, nullable=False),
    Column("checked_on", Date, nullable=True),
)

history = Table(
    "history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("structure_id", String(100), nullable=False, index=True),
    Column("field", String(50), nullable=False),
    Column("before", Text, nullable=True),
    Column("after", Text, nullable=True),
    Column("author", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("source", Text, nullable=False),
    Column("reason", Text, nullable=False),
)

notice = Table(
    "notice", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("structure_id", String(100), ForeignKey("structure.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("starts", Date, nullable=False),
    Column("ends", Date, nullable=False),
    Column("hours", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
)

editor = Table(
    "editor", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, index=True),
    Column("structure_id", String(100), nullable=True),  # NULL: an admin (the coordinator); else the structure edited
    Column("zone", String(200), nullable=True),  # with no structure: the coordinator of these zones (zones.written)
    Column("added_by", String(200), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    # Bound at the first sign-in with this verified e-mail: the provider's issuer and subject then name the person.
    Column("issuer", String(500), nullable=True),
    Column("subject", String(255), nullable=True),
)

proposal = Table(
    "proposal", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("structure_id", String(100), ForeignKey("structure.id"), nullable=False, index=True),
    Column("field", String(50), nullable=False),
    Column("before", Text, nullable=False),
    Column("after", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("source", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("decided_by", String(200), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("note", Text, nullable=False),
)

report = Table(
    "report", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("structure_id", String(100), ForeignKey("structure.id"), nullable=False, index=True),
    Column("reason", String(30), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("handled_by", String(200), nullable=True),
    Column("handled_at", DateTime(timezone=True), nullable=True),
    Column("note", Text, nullable=False),
)

demand = Table(
    "demand", metadata,
    Column("quartier", String(20), primary_key=True),
    Column("service", String(50), primary_key=True),
    Column("week", String(8), primary_key=True),  # ISO week, 2026-W49: nothing finer is ever kept
    Column("lookups", Integer, nullable=False),
)

outbox = Table(
    "outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=True, unique=True),  # scheduled messages: a second run writes nothing
    Column("recipient", String(320), nullable=False),
    Column("subject", Text, nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text, nullable=False),
    Column("reason", String(30), nullable=False),
    Column("structure_id", String(100), nullable=True),
    Column("topic", String(100), nullable=False),
    Column("state", String(20), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_try_at", DateTime(timezone=True), nullable=True),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=False),
    Column("bundled_into", Integer, nullable=True),  # a held report's daily summary
)

mail_preference = Table(
    "mail_preference", metadata,
    Column("email", String(320), primary_key=True),
    Column("reports", String(20), nullable=False),
    Column("reminders", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

reminder_series = Table(
    "reminder_series", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("structure_id", String(100), nullable=False, index=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("sent", Integer, nullable=False),
    Column("last_sent_on", Date, nullable=True),
    Column("escalated_on", Date, nullable=True),
    Column("ended_at", DateTime(timezone=True), nullable=True),
)

problem = Table(
    "problem", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("category", String(50), nullable=False, index=True),
    Column("quartier", String(20), nullable=True, index=True),  # NULL: in the commune, outside every quartier
    Column("lon", Float, nullable=False),
    Column("lat", Float, nullable=False),
    Column("precise", Boolean, nullable=False),  # False: a quartier chosen in a list, its point only stands for it
    Column("address", Text, nullable=False),
    Column("description", Text, nullable=False),  # as typed: masked whenever the public reads it
    Column("status", String(20), nullable=False),
    Column("partners", Text, nullable=False),  # the panel's contacts it was routed to, « ; »-separated
    Column("supporters", Integer, nullable=False),  # « moi aussi »
    Column("reporter_email", String(320), nullable=True),  # erased 30 days after the report closes
    Column("hidden", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Column("flagged_on", Date, nullable=True),  # told to the admins as « transmis » without news
    Column("photo", LargeBinary, nullable=True),  # re-encoded without metadata (geo.problems.photos)
    Column("photo_public", Boolean, nullable=False),  # private until an admin publishes it
)

problem_event = Table(
    "problem_event", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("problem_id", Integer, ForeignKey("problem.id"), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("note", Text, nullable=False),
    Column("author", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("public", Boolean, nullable=False),  # a hiding's reason stays with the admins
)

api_key = Table(
    "api_key", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),  # the partner application's name
    Column("key_sha256", String(64), nullable=False, unique=True),  # the key itself is shown once, never kept
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
)

partner_address = Table(
    "partner_address", metadata,
    Column("contact_id", String(100), primary_key=True),
    Column("email", String(320), nullable=False),
    Column("source", Text, nullable=False),
    Column("changed_by", String(200), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)
