"""Text is text: what a person types may not carry a terminal's or a renderer's commands.

C0 controls (tab and newline aside; a carriage return only before a newline), C1 controls and the bidirectional
embeddings, overrides and isolates are refused in every edited field, stripped from residents' reports, and
shown as visible escapes wherever stored text reaches a terminal. The marks LRM, RLM and ALM stay: Arabic
text needs them, and they command nothing.
"""

from __future__ import annotations

import re

from geo.errors import InputError

#: The longest text each field takes: long enough for any real value, short enough that nobody stores a book.
ADDRESS_MAX = 200
EMAIL_MAX = 254  # RFC 5321's path limit
NAME_MAX = 120
NOTE_MAX = 1000

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def controls(text: str) -> list[str]:
    """The control characters of a text, each as U+XXXX (empty: the text is clean)."""
    return sorted({f"U+{ord(found.group()[0]):04X}" for found in CONTROL.finditer(text)})


def control_problem(text: str) -> str | None:
    """The French reason a typed text is refused, or None."""
    found = controls(text)
    if not found:
        return None
    return (f"caractère{'s' if len(found) > 1 else ''} de contrôle interdit{'s' if len(found) > 1 else ''} "
            f"({', '.join(found)}) : retirez-le{'s' if len(found) > 1 else ''} (copié d'un terminal ou d'un "
            "traitement de texte ?)")


def without_controls(text: str) -> str:
    return CONTROL.sub("", text)


def visible(text: str) -> str:
    """The text for a terminal: every control character written as its escape (\\x1b, \\u202e), never run."""
    return CONTROL.sub(lambda found: found.group().encode("unicode_escape").decode("ascii"), text)


def bounded(text: str, what: str, limit: int) -> str:
    """The text unchanged, or an InputError naming the field, its limit and the length sent."""
    if len(text) > limit:
        raise InputError(f"{what} : {limit} caractères au plus ({len(text)} reçus).")
    return text
