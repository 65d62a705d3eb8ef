"""The directory store: the structures' facts in a database (SQLite by default, PostgreSQL when shared).

The database is the source of truth at run time; `structures.csv` stays the exchange format (seed, import,
export). Every write runs in one transaction that first bumps the directory's revision: that serialises
writers on both databases, lets pages notice a change with one cheap query, and leaves nothing behind when
a write fails or is killed. A write made against an older version of a listing is refused (optimistic
locking). History rows are only ever inserted.
"""

from __future__ import annotations

import csv
import dataclasses
import fcntl
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from geo.db.schema import directory, fact, history, notice, structure
from geo.errors import DataError, GupError, InputError, Problem
from geo.i18n import clock, long_date
from geo.territory.fields import BROCHURE, CHECKED_FACTS, STRUCTURE_COLUMNS
from geo.territory.hours import local, now
from geo.territory.model import UPDATE_MONTHS
from geo.territory.notices import Notice, NoticeKind, check_notice
from geo.territory.text import control_problem, visible
from geo.territory.validation import FORMULA_MESSAGE, is_formula

MIGRATIONS = Path(__file__).with_name("migrations")
#: Writes wait this long for another writer before giving up (seconds).
WRITE_WAIT = 30
FREQUENCY_FIELD = "frequence_mois"
SEED_SOURCE = f"data/structures.csv ({BROCHURE})"
#: Called inside a write's transaction, before anything is written, with the structure it touches: it raises to
#: refuse the write (geo.directory.editing checks a signed-in editor's permission this way).
Guard = Callable[[Connection, str], None]
#: Validates rows of structures.csv named after a file (the import's, or a listing's); raises DataError.
Validator = Callable[[list[dict[str, str]], str], object]


class StoreError(GupError):
    """The database cannot be opened, upgraded or written; the message says which command fixes it."""


class ConflictError(StoreError):
    """The listing changed since the writer read it."""


@dataclass(frozen=True)
class StoredStructure:
    cells: dict[str, str]
    """The listing as a row of structures.csv."""
    checked: dict[str, date | None]
    version: int
    update_months: int
    changed_by: str
    changed_at: datetime

    @property
    def id(self) -> str:
        return self.cells["id"]


@dataclass(frozen=True)
class Snapshot:
    """The whole directory at one revision, read in one transaction."""

    revision: int
    structures: tuple[StoredStructure, ...]
    notices: tuple[Notice, ...]


@dataclass(frozen=True)
class Change:
    structure: str
    field: str
    before: str | None
    after: str | None

    def __str__(self) -> str:
        if self.before is None:
            return f"{self.structure} : nouvelle structure"
        return f"{self.structure}, {self.field} : « {self.before} » → « {self.after} »"


@dataclass(frozen=True)
class HistoryEntry:
    structure: str
    field: str
    before: str | None
    after: str | None
    author: str
    at: datetime
    source: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {"structure": self.structure, "champ": self.field, "avant": self.before, "apres": self.after,
                "auteur": self.author, "quand": local(self.at).isoformat(timespec="seconds"),
                "source": self.source, "raison": self.reason}


def csv_text(rows: list[dict[str, str]]) -> str:
    """Rows written as the committed structures.csv is: every column, in order, LF line ends."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=STRUCTURE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class Store:
    """One directory database. Opening it upgrades its schema and, the first time, seeds it."""

    def __init__(self, url: str, *, validate: Validator, seed: Callable[[], list[dict[str, str]]]):
        self.url = make_url(url)
        self.validate = validate
        self.engine = engine_for(url)
        self.writes = 0
        """Writes committed through this object: a reader in the same process sees them without waiting."""
        self._open(seed)

    # --- opening -------------------------------------------------------------------------------

    def _open(self, seed: Callable[[], list[dict[str, str]]]) -> None:
        try:
            with self.engine.connect() as conn:
                if schema_revision(conn) == schema_head() and conn.scalar(select(func.count()).select_from(structure)):
                    return  # the usual case: ready, nothing to write
            rows = seed()
            with self._initialising(), self.engine.execution_options(writing=True).begin() as conn:
                self._upgrade(conn)
                if not conn.scalar(select(func.count()).select_from(structure)):
                    self._seed(conn, rows)
        except SQLAlchemyError as exc:
            raise self._fault(exc) from exc

    def _upgrade(self, conn: Connection) -> None:
        try:
            migrate(conn, "head")
        except CommandError as exc:
            raise StoreError(f"La base « {self.shown_url} » est à une version du schéma inconnue de cette application "
                             f"({exc}) : mettez l'application à jour, ou restaurez une sauvegarde de la base. "
                             "Rien n'a été modifié.") from exc

    @contextmanager
    def _initialising(self) -> Iterator[None]:
        """Two processes opening a new SQLite file at once: one creates it, the other waits and finds it ready."""
        if self.url.get_backend_name() != "sqlite" or not self.url.database:
            yield
            return
        with open(f"{self.url.database}.verrou", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _seed(self, conn: Connection, rows: list[dict[str, str]]) -> None:
        moment = now()
        for position, row in enumerate(rows):
            self._insert_structure(conn, position, row, "amorçage", moment)
            self.log(conn, [Change(row["id"], "structure", None, row["id"])], author="amorçage", at=moment,
                      source=SEED_SOURCE, reason="création de l'annuaire")

    @property
    def shown_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def _fault(self, exc: SQLAlchemyError) -> StoreError:
        detail = str(exc.orig if isinstance(exc, DBAPIError) else exc).strip().splitlines()[0]
        if self.url.get_backend_name() == "sqlite":
            return StoreError(
                f"La base de l'annuaire « {self.url.database} » est illisible ou inaccessible ({detail}). "
                "Restaurez une sauvegarde, ou déplacez ce fichier : l'annuaire sera recréé depuis data/structures.csv "
                "au prochain démarrage (réimportez ensuite vos modifications avec « python -m geo import-structures »).")
        return StoreError(
            f"La base PostgreSQL « {self.shown_url} » est injoignable ou refuse la connexion ({detail}). "
            "Vérifiez que le serveur tourne et la valeur de GUP_DATABASE_URL.")

    # --- what the directory remembers of the outside ---------------------------------------------

    def claim_commune(self, commune: str, *, widens: Callable[[str], bool] = lambda _built_for: False) -> str:
        """The territory the directory serves (one commune's code, or a territory as zones.written writes it): the
        one it was built for, recorded the first time it is opened. A deployment whose territory contains the one
        recorded (`widens`) takes it over: nothing of the listings is lost, and the history stays."""
        with self.reading() as conn:
            built_for = conn.scalar(select(directory.c.commune))
        if built_for is None or (built_for != commune and widens(str(built_for))):
            with self.beside() as conn:
                conn.execute(update(directory).where(directory.c.commune.is_(built_for)
                                                     if built_for is None else directory.c.commune == built_for)
                             .values(commune=commune))
                built_for = conn.scalar(select(directory.c.commune))
        return str(built_for)

    def file_sync(self) -> tuple[str | None, datetime | None]:
        """The fingerprint of structures.csv at its last exchange with the directory, and when."""
        with self.reading() as conn:
            row = conn.execute(select(directory.c.csv_sha256, directory.c.csv_synced_at)).one()
        return row.csv_sha256, None if row.csv_synced_at is None else local(row.csv_synced_at)

    def record_file_sync(self, sha256: str) -> None:
        with self.beside() as conn:
            conn.execute(update(directory).values(csv_sha256=sha256, csv_synced_at=now()))

    # --- reading -------------------------------------------------------------------------------

    def revision(self) -> int:
        """The directory's revision: one indexed read, for pages to know whether anything changed."""
        with self.reading() as conn:
            return int(conn.scalar(select(directory.c.revision)) or 0)

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at (a backup records it, /healthz shows it)."""
        with self.reading() as conn:
            return schema_revision(conn)

    def snapshot(self) -> Snapshot:
        with self.reading() as conn:
            return Snapshot(int(conn.scalar(select(directory.c.revision)) or 0), self.structures_in(conn),
                            self.notices_in(conn))

    def history(self, structure_id: str | None = None) -> list[HistoryEntry]:
        with self.reading() as conn:
            return self.history_in(conn, structure_id)

    def history_in(self, conn: Connection, structure_id: str | None = None) -> list[HistoryEntry]:
        query = select(history).order_by(history.c.id)
        if structure_id is not None:
            query = query.where(history.c.structure_id == structure_id)
        return [HistoryEntry(r.structure_id, r.field, r.before, r.after, r.author, r.at, r.source, r.reason)
                for r in conn.execute(query)]

    def export_csv(self) -> str:
        return csv_text([s.cells for s in self.snapshot().structures])

    # --- writing -------------------------------------------------------------------------------

    def set_fact(self, structure_id: str, field: str, value: str, *, source: str, by: str,
                 expected_version: int | None = None, reason: str = "", guard: Guard | None = None) -> list[Change]:
        """One fact changed (or found right again), validated like a CSV cell; the changes written are returned."""
        return self.set_facts(structure_id, {field: value}, source=source, by=by, expected_version=expected_version,
                              reason=reason, guard=guard)

    def set_facts(self, structure_id: str, values: dict[str, str], *, source: str, by: str,
                  expected_version: int | None = None, reason: str = "", guard: Guard | None = None) -> list[Change]:
        """Several facts of one listing in one write (a form's fields): all land, or none.

        A fact given again with its current value is confirmed (checked today) rather than changed."""
        with self.writing() as conn:
            return self.set_facts_in(conn, structure_id, values, source=source, by=by,
                                     expected_version=expected_version, reason=reason, guard=guard)

    def set_facts_in(self, conn: Connection, structure_id: str, values: dict[str, str], *, source: str, by: str,
                     expected_version: int | None = None, reason: str = "", guard: Guard | None = None) -> list[Change]:
        """set_facts inside a write transaction the caller holds, so that more can join it (all or nothing)."""
        values = {field: value.strip() for field, value in values.items()}
        for field in values:
            _check_field(field)
        if formulas := [Problem(f"fiche « {structure_id} »", FORMULA_MESSAGE, column=f, value=v)
                        for f, v in values.items() if is_formula(v)]:
            raise DataError(formulas)
        if why := control_problem(source):
            raise DataError([Problem(f"fiche « {structure_id} »", why, column="source", value=visible(source))])
        listing = self.listing_in(conn, structure_id)
        if guard is not None:
            guard(conn, structure_id)
        if expected_version is not None and listing.version != expected_version:
            raise ConflictError(
                f"La fiche « {structure_id} » a été modifiée entre-temps par {listing.changed_by} à "
                f"{moment_text(listing.changed_at)} : rechargez-la, puis refaites votre modification.")
        if FREQUENCY_FIELD in values:
            if len(values) > 1:
                raise InputError(f"{FREQUENCY_FIELD} se change seul.")
            return self._set_frequency(conn, listing, values[FREQUENCY_FIELD], source=source, by=by)
        changed = [f for f, v in values.items() if listing.cells[f] != v]
        row = {**listing.cells, **values} | {f"{f}_source": source for f in changed
                                              if f"{f}_source" in STRUCTURE_COLUMNS}
        self.validate_listing(row)
        if unchanged := tuple(f for f in values if f not in changed):
            self._confirm(conn, listing, unchanged, by=by, source=source)
        if not changed:
            return []
        changes = _changes(listing.cells, row)
        self.apply_in(conn, listing, row, changes, by=by, source=source, reason=reason or "modification")
        return changes

    def import_rows(self, rows: list[dict[str, str]], *, file: str, by: str, dry_run: bool) -> list[Change]:
        """A whole exchange file, validated first (file, row, column, value), applied all or nothing.

        Columns the file lacks keep their values; structures the file lacks are kept."""
        with self.reading() if dry_run else self.writing() as conn:
            known = {s.id: s for s in self.structures_in(conn)}
            blank = dict.fromkeys(STRUCTURE_COLUMNS, "")
            merged = [{**(known[r["id"]].cells if r.get("id") in known else blank), **r} for r in rows]
            self.validate(merged, file)
            moment, position, changes = now(), len(known), []
            for row in merged:
                if (listing := known.get(row["id"])) is not None:
                    diff = _changes(listing.cells, row)
                    if diff and not dry_run:
                        self.apply_in(conn, listing, row, diff, by=by, source=file, reason="import", at=moment)
                    changes += diff
                    continue
                created = Change(row["id"], "structure", None, row["id"])
                changes.append(created)
                if not dry_run:
                    self._insert_structure(conn, position, row, by, moment, checked_on=moment.date())
                    self.log(conn, [created], author=by, at=moment, source=file, reason="import")
                    position += 1
            return changes

    def confirm(self, structure_id: str, fields: tuple[str, ...], *, by: str, source: str = "",
                guard: Guard | None = None) -> tuple[str, ...]:
        """Facts found still right (all the checked ones when none are named): their "vérifié le" becomes today."""
        for field in fields:
            _check_field(field)
        with self.writing() as conn:
            listing = self.listing_in(conn, structure_id)
            if guard is not None:
                guard(conn, structure_id)
            return self._confirm(conn, listing, fields or CHECKED_FACTS, by=by, source=source or "confirmation")

    def add_notice(self, structure_id: str, kind: str, starts: date, ends: date, *, message: str, hours: str = "",
                   by: str, guard: Guard | None = None) -> Notice:
        checked = check_notice(kind, starts, ends, hours.strip(), message)
        with self.writing() as conn:
            self.listing_in(conn, structure_id)
            if guard is not None:
                guard(conn, structure_id)
            moment = now()
            new_id = conn.execute(insert(notice).returning(notice.c.id).values(
                structure_id=structure_id, kind=checked.value, starts=starts, ends=ends, hours=hours.strip(),
                message=message.strip(), author=by, created_at=moment)).scalar_one()
            created = Notice(int(new_id), structure_id, checked, starts, ends, message.strip(), hours.strip(), by)
            self.log(conn, [Change(structure_id, "annonce", None, _notice_text(created))], author=by, at=moment,
                      source=message.strip(), reason=f"annonce n° {created.id}")
            return created

    def end_notice(self, notice_id: int, *, by: str, guard: Guard | None = None) -> Notice:
        with self.writing() as conn:
            found = next((n for n in self.notices_in(conn) if n.id == notice_id), None)
            if found is None:
                raise InputError(f"Annonce inconnue : n° {notice_id} (la liste : python -m geo notices).")
            if guard is not None:
                guard(conn, found.structure)
            moment = now()
            if not found.in_force(moment) and (found.ended_at is not None or found.ends < moment.date()):
                raise InputError(f"L'annonce n° {notice_id} est déjà terminée.")
            conn.execute(update(notice).where(notice.c.id == notice_id).values(ended_at=moment))
            self.log(conn, [Change(found.structure, "annonce", _notice_text(found), None)], author=by, at=moment,
                      source="", reason=f"fin de l'annonce n° {notice_id}")
            return dataclasses.replace(found, ended_at=moment)

    # --- inside transactions -------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise self._fault(exc) from exc

    @contextmanager
    def beside(self) -> Iterator[Connection]:
        """A write transaction for what lives beside the directory (problems, outbox, counters): the revision stays,
        so no open page reloads the directory for it. On SQLite it takes the write lock up front (BEGIN IMMEDIATE)
        and waits its turn within WRITE_WAIT: a deferred one that read first would be refused at once (« database
        is locked ») when another writer holds the lock."""
        try:
            with self.engine.execution_options(writing=True).begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise self._fault(exc) from exc

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """One write transaction, after every earlier writer: its first statement takes the directory's lock."""
        try:
            with self.engine.execution_options(writing=True).begin() as conn:
                conn.execute(update(directory).values(revision=directory.c.revision + 1))
                yield conn
        except SQLAlchemyError as exc:
            raise self._fault(exc) from exc
        self.writes += 1

    def checkpoint(self) -> None:
        """After an erasure: SQLite's write-ahead log is folded into the file and emptied, so that the erased
        bytes (already zeroed in the file by secure_delete) leave the log too. PostgreSQL keeps its own way."""
        if self.url.get_backend_name() != "sqlite":
            return
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except SQLAlchemyError as exc:
            raise self._fault(exc) from exc

    def structures_in(self, conn: Connection) -> tuple[StoredStructure, ...]:
        cells: dict[str, dict[str, str]] = {}
        checked: dict[str, dict[str, date | None]] = {}
        for r in conn.execute(select(fact)):
            cells.setdefault(r.structure_id, {})[r.field] = r.value
            checked.setdefault(r.structure_id, {})[r.field] = r.checked_on
        return tuple(
            StoredStructure({c: cells.get(r.id, {}).get(c, "") for c in STRUCTURE_COLUMNS}, checked.get(r.id, {}),
                            r.version, r.update_months, r.changed_by, local(r.changed_at))
            for r in conn.execute(select(structure).order_by(structure.c.position)))

    def notices_in(self, conn: Connection) -> tuple[Notice, ...]:
        return tuple(
            Notice(r.id, r.structure_id, NoticeKind(r.kind), r.starts, r.ends, r.message, r.hours, r.author,
                   local(r.ended_at) if r.ended_at else None)
            for r in conn.execute(select(notice).order_by(notice.c.starts, notice.c.id)))

    def listing_in(self, conn: Connection, structure_id: str) -> StoredStructure:
        found = next((s for s in self.structures_in(conn) if s.id == structure_id), None)
        if found is None:
            raise InputError(f"Structure inconnue : « {structure_id} » (la liste : python -m geo export-structures).")
        return found

    def validate_listing(self, row: dict[str, str]) -> None:
        """A listing's problems said as the CSV would say them, naming the listing instead of a row."""
        try:
            self.validate([row], "structures.csv")
        except DataError as exc:
            raise DataError([dataclasses.replace(p, file=f"fiche « {row['id']} »", row=None)
                             for p in exc.problems]) from None

    def _insert_structure(self, conn: Connection, position: int, row: dict[str, str], by: str, moment: datetime,
                          checked_on: date | None = None) -> None:
        conn.execute(insert(structure).values(id=row["id"], position=position, version=1, update_months=UPDATE_MONTHS,
                                              changed_by=by, changed_at=moment))
        conn.execute(insert(fact), [{"structure_id": row["id"], "field": c, "value": row.get(c, ""),
                                     "checked_on": checked_on} for c in STRUCTURE_COLUMNS])

    def apply_in(self, conn: Connection, listing: StoredStructure, row: dict[str, str], changes: list[Change], *,
               by: str, source: str, reason: str, at: datetime | None = None) -> None:
        moment = at or now()
        for change in changes:
            conn.execute(update(fact).where(fact.c.structure_id == listing.id, fact.c.field == change.field)
                         .values(value=row[change.field], checked_on=moment.date()))
        conn.execute(update(structure).where(structure.c.id == listing.id)
                     .values(version=structure.c.version + 1, changed_by=by, changed_at=moment))
        self.log(conn, changes, author=by, at=moment, source=source, reason=reason)

    def _confirm(self, conn: Connection, listing: StoredStructure, fields: tuple[str, ...], *, by: str,
                 source: str) -> tuple[str, ...]:
        moment = now()
        conn.execute(update(fact).where(fact.c.structure_id == listing.id, fact.c.field.in_(fields))
                     .values(checked_on=moment.date()))
        self.log(conn, [Change(listing.id, f, listing.cells[f], listing.cells[f]) for f in fields], author=by,
                  at=moment, source=source, reason="vérifié, inchangé")
        return fields

    def _set_frequency(self, conn: Connection, listing: StoredStructure, value: str, *, source: str,
                       by: str) -> list[Change]:
        if not value.isdigit() or not 1 <= int(value) <= 36:
            raise DataError([Problem(f"fiche « {listing.id} »", "fréquence de mise à jour attendue en mois, de 1 à 36",
                                     column=FREQUENCY_FIELD, value=value)])
        change = Change(listing.id, FREQUENCY_FIELD, str(listing.update_months), str(int(value)))
        conn.execute(update(structure).where(structure.c.id == listing.id).values(update_months=int(value)))
        self.log(conn, [change], author=by, at=now(), source=source, reason="fréquence de mise à jour")
        return [change]

    @staticmethod
    def log(conn: Connection, changes: list[Change], *, author: str, at: datetime, source: str, reason: str) -> None:
        conn.execute(insert(history), [
            {"structure_id": c.structure, "field": c.field, "before": c.before, "after": c.after, "author": author,
             "at": at, "source": source, "reason": reason} for c in changes])


def _changes(before: dict[str, str], after: dict[str, str]) -> list[Change]:
    return [Change(before["id"], c, before[c], after[c]) for c in STRUCTURE_COLUMNS if before.get(c) != after.get(c)]


def _check_field(field: str) -> None:
    if field == "id" or (field not in STRUCTURE_COLUMNS and field != FREQUENCY_FIELD):
        allowed = ", ".join([c for c in STRUCTURE_COLUMNS if c != "id"] + [FREQUENCY_FIELD])
        raise InputError(f"Champ inconnu : « {field} » (possibles : {allowed}).")


def moment_text(moment: datetime) -> str:
    moment = local(moment)
    return f"{clock(moment.time())} le {long_date(moment.date())}"


def _notice_text(item: Notice) -> str:
    period = f"du {item.starts.isoformat()} au {item.ends.isoformat()}"
    details = " ; ".join(part for part in (item.hours, item.message) if part)
    return f"{item.kind.value} {period}" + (f" : {details}" if details else "")


def _migrations() -> ScriptDirectory:
    settings = Config()
    settings.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(settings)


def schema_head() -> str | None:
    return _migrations().get_current_head()


def schema_revisions() -> set[str]:
    """Every schema revision this application knows (a backup taken at any of them can be restored)."""
    return {script.revision for script in _migrations().walk_revisions()}


def migrate(conn: Connection, revision: str) -> None:
    """The database upgraded to `revision` ("head": this application's), by one migrator at a time."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7311)")
    settings = Config()
    settings.set_main_option("script_location", str(MIGRATIONS))
    settings.attributes["connection"] = conn
    command.upgrade(settings, revision)


def schema_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def engine_for(url: str) -> Engine:
    """SQLite in WAL mode with real transactions (BEGIN IMMEDIATE for writers); PostgreSQL as it comes."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    engine = create_engine(url, connect_args={"timeout": WRITE_WAIT})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA secure_delete=ON")  # an erased address leaves the file's bytes too

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writing") else "BEGIN")

    return engine

