"""The exception family. Messages are French and meant for the user.

The CLI and the UI each convert a GupError to a message in exactly one place.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from dataclasses import dataclass

from geo.i18n import _


class GupError(Exception):
    """Any error the user can understand and act on."""


class InputError(GupError):
    """A bad argument from a user: coordinates, options, files named on the command line."""


class SourceError(GupError):
    """The official quartier sources cannot be read or fetched."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file, located like a spreadsheet would show it."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", ligne {self.row}"
        if self.column is not None:
            where += f", colonne « {self.column} »"
        text = f"{where} : {self.message}"
        if self.value is not None:
            shown = self.value if len(self.value) <= 80 else self.value[:77] + "…"
            text += f" (valeur : « {shown} »)"
        return text


class DataError(GupError):
    """A data file is not usable; every problem found is listed, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def incident(exc: BaseException) -> str:
    """Log an unexpected error for the operators; give the user only a short reference.

    The log never holds what the user typed: it keeps the exception's class and the code lines of its stack
    (and of the errors that led to it), never an exception's message or a local value, since either may carry
    an address or a coordinate."""
    reference = secrets.token_hex(4)
    logging.getLogger("geo").error("incident %s: %s\n%s", reference, exc.__class__.__name__, _stack_text(exc))
    return reference


def _stack_text(exc: BaseException) -> str:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:  # the causes, as Python prints them, oldest first
        chain.insert(0, current)
        current = current.__cause__ or current.__context__
    parts = []
    for error in chain:
        frames = traceback.StackSummary.extract(traceback.walk_tb(error.__traceback__), capture_locals=False)
        parts.append("Traceback (most recent call last):\n" + "".join(frames.format())
                     + f"{error.__class__.__module__}.{error.__class__.__qualname__} (message non journalisé)")
    return "\n".join(parts)


def incident_message(reference: str) -> str:
    return _("Erreur inattendue (référence {reference}). Rien n'a été modifié ; réessayez, et si elle revient, "
             "transmettez cette référence à l'équipe du service.").format(reference=reference)
