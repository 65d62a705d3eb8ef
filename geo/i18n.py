"""The languages residents read: French (source), Arabic, English, Spanish.

Texts are gettext messages in Babel catalogs (`geo/locale/<lang>/LC_MESSAGES/messages.po`, compiled
at set-up). The data's own texts (kinds of help, presence, GUP themes, descriptions) are extracted
from the CSV files into the same catalogs by `extract_data`, so one tool checks that every text has
its translation. Names of places and structures are never translated.

The active language is a context variable: the page sets it once per run, the core reads it, and
the CLI, API and exports, which never set it, stay in French.
"""

from __future__ import annotations

import csv
import functools
import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, time
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

SOURCE = "fr"
#: Each language under its own name, as a resident looks for it in the switch.
LANGUAGES = {"fr": "Français", "ar": "العربية", "en": "English", "es": "Español"}
RIGHT_TO_LEFT = frozenset({"ar"})
#: Arabic with Latin digits, as in the Maghreb and as phone numbers and addresses are written here.
BABEL_LOCALES = {"fr": "fr_FR", "ar": "ar_MA", "en": "en_GB", "es": "es_ES"}
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
#: The data texts that are translated, per file; names (structures, places) are not in this list.
DATA_TEXTS = {
    "services.csv": ("libelle",),
    "structures.csv": ("presence_detail", "description"),
    "gup_themes.csv": ("theme_libelle", "libelle", "pourquoi"),
    "gup_contacts.csv": ("nom", "description"),
}

_active: ContextVar[str] = ContextVar("langue", default=SOURCE)


def parse_language(value: str | None) -> str:
    """A `lang=` value ('AR', 'en-GB', 'es_ES') → a supported code; anything else → French."""
    code = (value or "").strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGUAGES else SOURCE


def activate(language: str) -> None:
    _active.set(parse_language(language))


@contextmanager
def using(language: str) -> Iterator[None]:
    """Files made for everybody (reports, the standalone map) are written in French whatever the page's language."""
    token = _active.set(parse_language(language))
    try:
        yield
    finally:
        _active.reset(token)


def language() -> str:
    return _active.get()


def direction(lang: str | None = None) -> str:
    return "rtl" if (lang or language()) in RIGHT_TO_LEFT else "ltr"


def catalog_path(lang: str, suffix: str = "mo") -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.{suffix}"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == SOURCE:
        return gettext.NullTranslations()
    path = catalog_path(lang)
    if not path.is_file():
        # Not a GupError: geo.errors itself speaks through this module. The page shows an incident reference.
        raise RuntimeError(f"Catalogue de traduction non compilé : {path} (lancez « make translations »).")
    with path.open("rb") as handle:
        return gettext.GNUTranslations(handle)


def _(message: str) -> str:
    """The message in the active language; an empty data text stays empty."""
    return translations(language()).gettext(message) if message else message


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a constant for extraction; it is translated where it is shown, with `_`."""
    return message


def locale() -> Locale:
    return Locale.parse(BABEL_LOCALES[language()])


def number(value: float, decimals: int = 0) -> str:
    return format_decimal(round(value, decimals), format=f"#,##0{'.' + '0' * decimals if decimals else ''}",
                          locale=locale())


def clock(moment: time) -> str:
    """'21 h', '17 h 30' in French typography; the locale's own short time elsewhere ('9:00 PM', '21:00')."""
    if language() == SOURCE:
        return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")
    return format_time(moment, format="short", locale=locale())


def long_date(day: date) -> str:
    """'3 mars 2026' in the active language."""
    return format_date(day, format="long", locale=locale())


def day_names() -> tuple[str, ...]:
    """Monday first, in the active language ('lundi', 'الاثنين', 'Monday', 'lunes')."""
    names = locale().days["format"]["wide"]
    return tuple(names[i] for i in range(7))


#: What a Babel extractor yields: line number, function name, message, comments.
Extracted = tuple[int, str, str, list[str]]


def extract_data(fileobj: Any, keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Iterator[Extracted]:
    """Babel extractor for the data CSV files: one message per translated cell (see DATA_TEXTS)."""
    name = Path(getattr(fileobj, "name", "")).name
    columns = DATA_TEXTS.get(name, ())
    rows = csv.DictReader(io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline=""))
    for line, row in enumerate(rows, start=2):
        for column in columns:
            if text := (row.get(column) or "").strip():
                yield line, "_", text, [f"{name}, colonne {column}"]
