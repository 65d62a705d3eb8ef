"""Temporary notices: an exceptional closure, changed hours or a message, each for a period that ends by itself.

A notice is evaluated when it is read (no scheduler): it is in force from its first day to its last day
included, unless someone ended it earlier. The rules a new notice must follow live here too, so that the
command line and, later, the editing page refuse the same things with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import opening_hours
from dateutil.relativedelta import relativedelta

from geo.errors import InputError
from geo.territory.text import control_problem, visible

#: A notice lasting longer than this is a change of the listing itself, not a notice.
LONGEST = relativedelta(years=1)


class NoticeKind(StrEnum):
    FERMETURE = "fermeture"
    HORAIRES = "horaires"
    MESSAGE = "message"


@dataclass(frozen=True)
class Notice:
    id: int
    structure: str
    kind: NoticeKind
    starts: date
    ends: date
    """The last day it is in force (included)."""
    message: str = ""
    hours: str = ""
    """OSM opening_hours in force during the period, for a notice of changed hours."""
    author: str = ""
    ended_at: datetime | None = None
    """When someone ended it before its last day."""

    def as_json(self, at: datetime) -> dict[str, Any]:
        """The public shape of a notice (`notices --json`, the API, open data); field names are a contract."""
        return {"id": self.id, "structure": self.structure, "type": self.kind.value, "du": self.starts.isoformat(),
                "au": self.ends.isoformat(), "horaires": self.hours or None, "message": self.message or None,
                "auteur": self.author, "en_cours": self.in_force(at),
                "terminee_le": self.ended_at.isoformat(timespec="seconds") if self.ended_at else None}

    def in_force(self, at: datetime) -> bool:
        if self.ended_at is not None and at >= self.ended_at:
            return False
        return self.starts <= at.date() <= self.ends


def in_force(notices: tuple[Notice, ...], at: datetime, kind: NoticeKind | None = None) -> tuple[Notice, ...]:
    return tuple(n for n in notices if n.in_force(at) and (kind is None or n.kind is kind))


def check_notice(kind: str, starts: date, ends: date, hours: str, message: str) -> NoticeKind:
    """The notice's kind, or an InputError saying in French what is wrong with it."""
    try:
        known = NoticeKind(kind)
    except ValueError:
        raise InputError(f"Type d'annonce inconnu : « {kind} » (possibles : fermeture, horaires, message).") from None
    for name, typed in (("message", message), ("horaires", hours)):
        if why := control_problem(typed):
            raise InputError(f"Annonce, {name} « {visible(typed)} » : {why}.")
    if ends < starts:
        raise InputError(f"L'annonce finit le {ends.isoformat()}, avant de commencer le {starts.isoformat()}.")
    if ends >= starts + LONGEST:
        raise InputError("Une annonce dure au plus un an : pour un changement durable, modifiez la fiche "
                         "(python -m geo set-fact).")
    if known is NoticeKind.HORAIRES and not hours:
        raise InputError("Une annonce d'horaires donne les horaires de la période (--hours, par exemple "
                         "« Mo-Fr 09:00-12:00 »).")
    if hours and not opening_hours.validate(hours):
        raise InputError(f"Horaires illisibles : « {hours} » ; utilisez la syntaxe OpenStreetMap opening_hours, "
                         "par exemple « Mo-Fr 09:00-12:00,14:00-17:00 ».")
    if known is NoticeKind.MESSAGE and not message.strip():
        raise InputError("Une annonce de type message a besoin d'un texte (--message).")
    return known
