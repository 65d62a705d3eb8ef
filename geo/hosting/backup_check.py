"""A backup is restored only if the application could have written it: every row of every table is read with the
rules of a write (types and lengths, known statuses, counts, dates, clean text, valid addresses, photos decoded and
written again), and the first bad value is named by table, row and column before anything is touched."""

from __future__ import annotations

import base64
import binascii
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, LargeBinary, String, Text

from geo.db.schema import metadata
from geo.directory.corrections import REASONS
from geo.directory.editing import APPROVED, DISMISSED, FIXED, OPEN, PENDING, REJECTED, normalized_email
from geo.errors import InputError
from geo.mail.rules import Reason, ReportDelivery, State
from geo.problems.photos import clean_photo
from geo.problems.rules import Status
from geo.territory.hours import local
from geo.territory.notices import NoticeKind
from geo.territory.text import control_problem

#: The values a column may hold: the statuses, states and kinds the application writes.
CHOICES: dict[tuple[str, str], frozenset[str]] = {
    ("problem", "status"): frozenset(Status), ("problem_event", "status"): frozenset(Status),
    ("outbox", "state"): frozenset(State), ("outbox", "reason"): frozenset(Reason),
    ("notice", "kind"): frozenset(NoticeKind), ("mail_preference", "reports"): frozenset(ReportDelivery),
    ("proposal", "status"): frozenset({PENDING, APPROVED, REJECTED}),
    ("report", "status"): frozenset({OPEN, FIXED, DISMISSED}), ("report", "reason"): frozenset(REASONS),
}
EMAILS = frozenset({("editor", "email"), ("problem", "reporter_email"), ("partner_address", "email"),
                    ("mail_preference", "email")})
#: Numbers and their bounds (inclusive).
BOUNDS: dict[tuple[str, str], tuple[float, float]] = {
    ("problem", "lon"): (-180, 180), ("problem", "lat"): (-90, 90), ("problem", "supporters"): (1, 2**31 - 1),
    ("outbox", "attempts"): (0, 10_000),
}
#: Text columns that are one line wherever they are used (a mail header).
ONE_LINE = frozenset({("outbox", "subject")})
INTEGER_RANGE = (-(2**31), 2**31 - 1)  # PostgreSQL's integer: what both databases hold alike


class BadValue(ValueError):
    """Why one value could not have been written by the application (French)."""


def checked_tables(tables: dict[str, list[Any]], file: str) -> dict[str, list[dict[str, Any]]]:
    """The backup's rows as they will be restored (photos written again), or an InputError naming the first bad
    value: its table, its row (counted from 1), its column."""
    checked: dict[str, list[dict[str, Any]]] = {}
    for name, rows in tables.items():
        checked[name] = [_checked_row(name, number, row, file) for number, row in enumerate(rows, start=1)]
    return checked


def _checked_row(name: str, number: int, row: Any, file: str) -> dict[str, Any]:
    table = metadata.tables[name]

    def refuse(column: str, why: str, value: Any = None) -> InputError:
        shown = "" if value is None else f" (valeur : « {_shown(value)} »)"
        return InputError(f"{file} : table « {name} », ligne {number}, colonne « {column} » : {why}{shown} ; "
                          "rien n'a été restauré.")

    if not isinstance(row, dict):
        raise refuse("*", "une ligne doit être un objet JSON")
    if unknown := sorted(set(row) - set(table.columns.keys())):
        raise refuse(unknown[0], "colonne inconnue de cette table")
    kept: dict[str, Any] = {}
    for column in table.columns:
        value = row.get(column.name)
        try:
            kept[column.name] = _checked(name, column, value)
        except BadValue as exc:
            raise refuse(column.name, str(exc), value) from None
    return kept


def _checked(table: str, column: Column[Any], value: Any) -> Any:
    if value is None:
        if column.nullable and not column.primary_key:
            return None
        raise BadValue("valeur obligatoire absente")
    key = (table, column.name)
    kind = column.type
    if isinstance(kind, Boolean):
        return _expect(value, bool, "vrai ou faux attendu")
    if isinstance(kind, Integer):
        number = _expect(value, int, "nombre entier attendu")
        return _within(number, BOUNDS.get(key, INTEGER_RANGE))
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise BadValue("nombre attendu")
        return _within(float(value), BOUNDS.get(key, (-math.inf, math.inf)))
    if isinstance(kind, DateTime):
        return _parsed(value, lambda text: local(datetime.fromisoformat(text)).isoformat(), "date et heure ISO 8601")
    if isinstance(kind, Date):
        return _parsed(value, lambda text: date.fromisoformat(text).isoformat(), "date ISO 8601 (AAAA-MM-JJ)")
    if isinstance(kind, LargeBinary):
        return _photo(value)
    if isinstance(kind, (String, Text)):
        return _text(key, column, _expect(value, str, "texte attendu"))
    raise BadValue(f"type de colonne non prévu ({kind})")  # a new column type must be given its rule here


def _expect(value: Any, kind: type, said: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise BadValue(said)
    return value


def _within(number: float, bounds: tuple[float, float]) -> Any:
    low, high = bounds
    if not low <= number <= high:
        raise BadValue(f"hors des limites ({_plain(low)} à {_plain(high)})")
    return number


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _parsed(value: Any, parse: Callable[[str], str], said: str) -> str:
    if not isinstance(value, str):
        raise BadValue(f"{said} attendue")
    try:
        parse(value)
    except (ValueError, OverflowError):
        raise BadValue(f"{said} attendue") from None
    return value


def _text(key: tuple[str, str], column: Column[Any], text: str) -> str:
    if (why := control_problem(text)) is not None:
        raise BadValue(why)
    length = getattr(column.type, "length", None)
    if length is not None and len(text) > length:
        raise BadValue(f"{length} caractères au plus ({len(text)})")
    if ((isinstance(column.type, String) and not isinstance(column.type, Text)) or key in ONE_LINE) and (
            "\n" in text or "\r" in text or "\t" in text):
        raise BadValue("une seule ligne attendue (retour à la ligne ou tabulation)")
    if key in CHOICES and text not in CHOICES[key]:
        raise BadValue(f"valeur inconnue (possibles : {', '.join(sorted(CHOICES[key]))})")
    if key in EMAILS and normalized_email_or_none(text) != text:
        raise BadValue("adresse électronique invalide")
    return text


def normalized_email_or_none(text: str) -> str | None:
    try:
        return normalized_email(text)
    except InputError:
        return None


def _photo(value: Any) -> dict[str, str]:
    """A photo's bytes decoded and written again by the application's own rule: garbage is no photo."""
    if not isinstance(value, dict) or set(value) != {"base64"} or not isinstance(value["base64"], str):
        raise BadValue("photo attendue comme {\"base64\": \"…\"}")
    try:
        data = base64.b64decode(value["base64"], validate=True)
    except (binascii.Error, ValueError):
        raise BadValue("base64 illisible") from None
    try:
        kept = clean_photo(data, name="photo de la sauvegarde")
    except InputError as exc:
        raise BadValue(str(exc)) from None
    return {"base64": base64.b64encode(kept).decode("ascii")}


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value.encode("unicode_escape").decode("ascii")
    return text if len(text) <= 60 else text[:59] + "…"
