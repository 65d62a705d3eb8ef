"""How fresh a listing is: each fact carries the day someone last checked it, and a structure says how often
its facts must be checked (six months unless told otherwise). A fact never checked, or checked too long ago,
is « à vérifier »: residents are told, planners see it beside coverage, the coordinator gets it as a call to make.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from geo.territory.fields import CHECKED_FACTS
from geo.territory.model import Structure


@dataclass(frozen=True)
class Freshness:
    checked_on: date | None
    """The oldest check among the listing's facts; None when one was never checked."""
    due: tuple[str, ...]
    """The facts to check again, in CHECKED_FACTS order."""
    last_checked: date | None
    """The latest check of any fact: the listing's « date de mise à jour » in open data."""

    @property
    def to_check(self) -> bool:
        return bool(self.due)


def is_due(checked_on: date | None, months: int, today: date) -> bool:
    return checked_on is None or checked_on + relativedelta(months=months) < today


def due_facts(checked: Mapping[str, date | None], months: int, today: date) -> tuple[str, ...]:
    """The facts to check again on that day, in CHECKED_FACTS order."""
    return tuple(f for f in CHECKED_FACTS if is_due(checked.get(f), months, today))


def due_on(checked_on: date | None, months: int) -> date | None:
    """The last day a fact counts as checked (None: never checked, due already)."""
    return checked_on + relativedelta(months=months) if checked_on else None


def freshness(structure: Structure, today: date) -> Freshness:
    checks = [structure.checked.get(fact) for fact in CHECKED_FACTS]
    due = due_facts(structure.checked, structure.update_months, today)
    oldest = None if any(c is None for c in checks) else min(c for c in checks if c is not None)
    return Freshness(oldest, due, max((c for c in structure.checked.values() if c), default=None))
