"""Backups and moving house: the whole directory in one portable file, and back into any empty database.

A backup is one consistent snapshot (one read transaction, repeatable on PostgreSQL) of every table — facts,
history, editors, notices, proposals, reports, demand counts — with the schema revision it was taken at, as JSON:
readable, diffable, the same from SQLite and PostgreSQL. A restore migrates an empty database to that revision,
loads every row in one transaction, then upgrades it to this application's schema; a database that holds anything
is refused unless the caller replaces it, and then what it held is backed up first. A backup's every value is first
checked by the rules of a write (geo.hosting.backup_check): a hand-edited or crafted file restores nothing.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Engine, Integer, LargeBinary, delete, func, insert, inspect, select, update
from sqlalchemy.exc import SQLAlchemyError

from geo.db.schema import directory, metadata
from geo.db.store import StoreError, migrate, schema_revision, schema_revisions
from geo.errors import InputError
from geo.files import write_atomic
from geo.hosting.backup_check import checked_tables
from geo.territory.hours import local, now

FORMAT = "carte-mediation/annuaire"
VERSION = 1
#: Parents before children, so that every foreign key finds its row.
TABLES = tuple(metadata.sorted_tables)


@dataclass(frozen=True)
class Backup:
    schema: str
    taken_at: str
    tables: dict[str, list[dict[str, Any]]]

    def summary(self) -> str:
        counts = {name: len(rows) for name, rows in self.tables.items()}
        return (f"{counts.get('structure', 0)} structures, {counts.get('history', 0)} lignes d'historique, "
                f"{counts.get('editor', 0)} rôle(s) d'éditeur, {counts.get('notice', 0)} annonce(s), "
                f"{counts.get('proposal', 0)} proposition(s), {counts.get('report', 0)} signalement(s) ; "
                f"schéma {self.schema}")

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "schema": self.schema, "cree_le": self.taken_at,
                "tables": self.tables}


def _cell(value: Any) -> Any:
    """A value as JSON: a moment with its offset (a naive one, as SQLite gives it back, is Paris wall time)."""
    if isinstance(value, datetime):
        return local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):  # a problem's photo
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def take_backup(engine: Engine) -> Backup:
    """Every row of every table, read in one transaction: what one moment of the directory held."""
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            revision = schema_revision(conn)
            if revision is None:
                raise StoreError("La base de l'annuaire est vide (aucun schéma) : rien à sauvegarder.")
            tables = {table.name: [{k: _cell(v) for k, v in row._mapping.items()}
                                   for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
                      for table in TABLES}
    except SQLAlchemyError as exc:
        raise StoreError(f"La base de l'annuaire ne se lit pas ({type(exc).__name__}) : rien n'a été sauvegardé.") \
            from exc
    return Backup(revision, now().isoformat(timespec="seconds"), tables)


def write_backup(engine: Engine, path: Path) -> Backup:
    backup = take_backup(engine)
    write_atomic(path, json.dumps(backup.as_json(), ensure_ascii=False, indent=1).encode("utf-8"))
    return backup


def read_backup(path: Path) -> Backup:
    """A backup file, checked before anything is written: its format, its schema revision, its tables."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path} : fichier de sauvegarde absent.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} : sauvegarde illisible ({exc}) ; rien n'a été restauré.") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InputError(f"{path} : ce n'est pas une sauvegarde de l'annuaire (format attendu : {FORMAT}, "
                         "écrite par « python -m geo backup »).")
    if document.get("version") != VERSION:
        raise InputError(f"{path} : version de sauvegarde {document.get('version')} inconnue (attendue : {VERSION}).")
    tables = document.get("tables")
    names = {t.name for t in TABLES}
    if not isinstance(tables, dict) or not all(isinstance(tables.get(name), list) for name in names):
        missing = sorted(names - set(tables or {}))
        raise InputError(f"{path} : tables manquantes dans la sauvegarde ({', '.join(missing) or 'contenu invalide'}).")
    schema = str(document.get("schema"))
    if schema not in schema_revisions():
        raise InputError(f"{path} : schéma {schema} inconnu de cette application (plus récente que lui ?) : mettez "
                         "l'application à jour avant de restaurer ; rien n'a été restauré.")
    return Backup(schema, str(document.get("cree_le", "")), checked_tables({n: tables[n] for n in names}, str(path)))


def held(engine: Engine) -> dict[str, int]:
    """The rows each table holds, beside the directory's own row (none at all: an empty database, or one with no
    schema yet)."""
    with engine.connect() as conn:
        present = set(inspect(conn).get_table_names())
        counts = {t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
                  for t in TABLES if t.name in present and t is not directory}
    return {name: count for name, count in counts.items() if count}


def restore_file(engine: Engine, path: Path, *, replace: bool, keep_in: Path) -> tuple[Backup, Path | None]:
    """`path` restored into the database; one that holds listings is refused unless `replace`, and then backed up
    first into the folder `keep_in` (the file is returned)."""
    backup = read_backup(path)
    present = held(engine)
    kept = None
    if present:
        if not replace:
            raise InputError(f"La base de l'annuaire n'est pas vide ({present.get('structure', 0)} structures, "
                             f"{sum(present.values())} lignes en tout) : rien n'a été restauré. Ajoutez --replace "
                             "pour la remplacer ; ce qu'elle contient sera d'abord sauvegardé.")
        kept = keep_in / f"avant-restauration-{now().strftime('%Y%m%d-%H%M%S')}.json"
        write_backup(engine, kept)
    restore(engine, backup)
    return backup, kept


def restore(engine: Engine, backup: Backup) -> None:
    """The backup's rows, in one transaction, instead of the database's own, into a database migrated to the
    backup's schema (when it has none yet), then upgraded to this application's."""
    try:
        with engine.execution_options(writing=True).begin() as conn:
            if schema_revision(conn) is None:
                migrate(conn, backup.schema)
            for table in reversed(TABLES):
                conn.execute(delete(table))
            for table in TABLES:
                rows = [_typed(table.name, row) for row in backup.tables[table.name]]
                if rows:
                    conn.execute(insert(table), rows)
            _continue_numbering(conn)
            migrate(conn, "head")
            conn.execute(update(directory).values(revision=directory.c.revision + 1))  # open pages read it again
    except SQLAlchemyError as exc:
        raise StoreError(f"La restauration a échoué ({type(exc).__name__} : {str(exc).splitlines()[0]}) ; la base "
                         "est restée comme avant (une seule transaction).") from exc


def _typed(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A JSON row with its dates and moments as the columns want them (a moment in Paris wall time: SQLite keeps
    the wall time, PostgreSQL the instant)."""
    typed = dict(row)
    for column in metadata.tables[table].columns:
        value = typed.get(column.name)
        if isinstance(value, str) and isinstance(column.type, DateTime):
            typed[column.name] = local(datetime.fromisoformat(value))
        elif isinstance(value, str) and isinstance(column.type, Date):
            typed[column.name] = date.fromisoformat(value)
        elif isinstance(value, dict) and isinstance(column.type, LargeBinary):
            typed[column.name] = base64.b64decode(value["base64"])
    return typed


def _continue_numbering(conn: Connection) -> None:
    """PostgreSQL's sequences start after the restored ids (SQLite takes the largest id by itself)."""
    if conn.dialect.name != "postgresql":
        return
    for table in TABLES:
        if [c.name for c in table.primary_key.columns] != ["id"] or not isinstance(table.c.id.type, Integer):
            continue
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false) "
            f"WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL")
