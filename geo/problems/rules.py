"""GUP problem reports as rules: « je remarque un problème dans mon quartier », at a point, routed to whoever fixes
it and followed to the end (FixMyStreet's habits, Open311's words).

A report's category is a sub-theme of the brochure's panel (`gup_themes.csv`); the partners who receive it are the
panel's contacts for that sub-theme where they work. What the public sees never names who reported it, masks any
phone number or e-mail address typed into the description, and shows a report about common areas by its quartier
only.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from geo.errors import InputError
from geo.i18n import N_, _
from geo.limits import RateLimit, Sender, admit
from geo.problems.panel import Panel, Topic, commune_facts
from geo.territory.model import Dataset
from geo.territory.text import without_controls

DESCRIPTION_MAX = 1000
PROBLEMS_PER_HOUR = 10
"""Anonymous problem reports a client address may file per hour, through any face."""
NEARBY_METRES = 50.0
"""An open report of the same category this close is offered for « moi aussi » before a new one is filed."""
STALE_TRANSMITTED = timedelta(days=15)
"""A report left « transmis » this long without news is flagged to the admins."""
KEEP_ADDRESS = timedelta(days=30)
"""The reporter's e-mail address is erased this long after the report closes."""
RECENTLY_RESOLVED = timedelta(days=90)
"""Closed reports stay on the public map and list this long."""
POINT_HIDDEN = frozenset({"parties-communes"})
"""Categories shown by their quartier only: a point would name a building, and so its residents."""
TRIAGE = "coordination"
"""Where a report goes when its partner is not known (a bailleur's building whose bailleur is unknown)."""
BAILLEUR = "bailleur"
COORDINATION = "coordination GUP"
"""How the public and the partners name the coordination: the triage's partner, and anyone acting with a role."""


class Status(StrEnum):
    RECEIVED = "recu"
    TRANSMITTED = "transmis"
    IN_PROGRESS = "en_cours"
    RESOLVED = "resolu"
    DECLINED = "non_retenu"

    @property
    def closed(self) -> bool:
        return self in (Status.RESOLVED, Status.DECLINED)

    @property
    def words(self) -> str:
        return STATUS_WORDS[self]


STATUS_WORDS = {Status.RECEIVED: N_("reçu"), Status.TRANSMITTED: N_("transmis"), Status.IN_PROGRESS: N_("en cours"),
                Status.RESOLVED: N_("résolu"), Status.DECLINED: N_("non retenu")}

#: reçu → transmis → en cours → résolu, or non retenu from any open status; a closed report may be reopened.
NEXT = {
    Status.RECEIVED: (Status.TRANSMITTED, Status.IN_PROGRESS, Status.RESOLVED, Status.DECLINED),
    Status.TRANSMITTED: (Status.IN_PROGRESS, Status.RESOLVED, Status.DECLINED),
    Status.IN_PROGRESS: (Status.RESOLVED, Status.DECLINED),
    Status.RESOLVED: (Status.IN_PROGRESS,),
    Status.DECLINED: (Status.IN_PROGRESS,),
}


PROBLEMS_PER_ADDRESS = RateLimit(limit=PROBLEMS_PER_HOUR)
"""One limit per process, shared by the light page and Open311."""
PROBLEMS_PER_KEY_HOUR = 500
PROBLEMS_PER_KEY = RateLimit(limit=PROBLEMS_PER_KEY_HOUR)
"""A partner application holding an Open311 api_key posts under its own, higher limit."""
SUPPORTED = RateLimit(limit=1, window=RECENTLY_RESOLVED.total_seconds(), max_keys=200_000)
"""« Moi aussi » counts once per report for each client address and each browser session (in memory only)."""


def admit_problem(sender: Sender) -> None:
    """A new report or a « moi aussi » within its limit (a partner application's own, else the address's and the
    session's), or TooMany in the reader's language."""
    if sender.application is not None:
        PROBLEMS_PER_KEY.check(f"cle {sender.application}", f"Trop de signalements pour l'application "
                                                            f"« {sender.application} » : réessayez dans une heure.")
        return
    admit(PROBLEMS_PER_ADDRESS, sender,
          _("Vous avez signalé beaucoup de problèmes en peu de temps : réessayez dans une heure."))


def first_support(sender: Sender, problem_id: int) -> bool:
    """Whether this sender's « moi aussi » on this report is their first (then it is remembered)."""
    fresh = [SUPPORTED.allow(f"{key} n° {problem_id}") for key in sender.counted_as()]
    return all(fresh)


NUMBER_MAX = 2**31 - 1
"""The largest report number a face reads: any larger one is unknown, never an overflow."""


def problem_number(text: str) -> int | None:
    """A report's number as a link or a form gives it: ASCII digits only (« ² » is a digit to Python, not to us),
    within the database's integers; None for anything else, which every face answers as an unknown report."""
    if not re.fullmatch(r"[0-9]{1,10}", text) or int(text) > NUMBER_MAX:
        return None
    return int(text)


def check_transition(current: Status, wanted: Status, note: str) -> None:
    """Refused in French unless `wanted` follows `current`; « non retenu » must say why, in public."""
    if wanted not in NEXT[current]:
        allowed = ", ".join(f"« {s.words} »" for s in NEXT[current])
        raise InputError(f"Un signalement « {current.words} » ne peut pas passer à « {wanted.words} » "
                         f"(possibles : {allowed}).")
    if wanted is Status.DECLINED and not note.strip():
        raise InputError("« Non retenu » demande une note publique qui dit pourquoi.")


def category(panel: Panel, key: str) -> Topic:
    """A report's category: a sub-theme of the panel (`encombrants`), never a whole theme."""
    found = next((t for t in panel.problems if t.cle == key), None)
    if found is None:
        raise InputError(f"Catégorie inconnue : « {key} » (catégories : {', '.join(t.cle for t in panel.problems)}).")
    return found


def check_description(text: str) -> str:
    kept = without_controls(text.replace("\r\n", "\n")).strip()  # a paste keeps its words and line breaks
    if len(kept) > DESCRIPTION_MAX:
        raise InputError(f"La description dépasse {DESCRIPTION_MAX} caractères ({len(kept)}).")
    return kept


def partner_names(panel: Panel, *, coordination: str = COORDINATION) -> dict[str, str]:
    """Every partner a report can go to, by the name people read: the panel's contacts, and the triage as the
    coordination (`coordination` in the reader's language, for a page)."""
    return {c.id: c.nom for c in panel.contacts.values()} | {TRIAGE: coordination}


def partners(panel: Panel, dataset: Dataset, key: str, quartier: str | None,
             commune: str | None = None) -> tuple[str, ...]:
    """The panel's contacts who fix this category in this quartier and commune (a structure's, like the Régie's
    médiateurs, only where it works: never outside every quartier; one with zones, like a town's numéro vert,
    only there), each once, in the panel's order; a bailleur is the coordination's to triage (which bailleur owns
    a building is not known here)."""
    here = dataset.territory.known_quartier(quartier) if quartier is not None else None
    where = commune_facts(dataset, here, commune)
    chosen: list[str] = []
    for contact_id in category(panel, key).contacts:
        contact = panel.contacts[contact_id]
        if contact.structure and (here is None or not dataset.known_structure(contact.structure).covers(here)):
            continue
        if not contact.serves(where):
            continue
        target = TRIAGE if contact_id == BAILLEUR else contact_id
        if contact_id.startswith("conseils-citoyens") or target in chosen:
            continue
        chosen.append(target)
    return tuple(chosen) or (TRIAGE,)


_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
_AT = r"(?:@|\(\s*at\s*\)|\[\s*at\s*\]|\{\s*at\s*\}|\s(?:at|arobase)\s)"
_DOT = r"(?:\.|\(\s*dot\s*\)|\[\s*dot\s*\]|\s(?:dot|point)\s)"
_EMAIL = re.compile(rf"[\w.+-]+\s*{_AT}\s*[\w-]+(?:\s*{_DOT}\s*[\w-]+)+", re.IGNORECASE)
_SEPARATORS = r"[\s./\-()]*"
_PHONE = re.compile(rf"(?<!\d)(?:\(\s*)?(?:(?:\+|00)\s*33{_SEPARATORS}(?:\(\s*0\s*\){_SEPARATORS})?|0){_SEPARATORS}[1-9]"
                    rf"(?:{_SEPARATORS}\d){{8}}(?!\d)")


def masked(text: str) -> str:
    """A description as the public reads it: phone numbers and e-mail addresses typed into it are masked, found as a
    person writes them (06/12/34/56/78, +33 (0)6…, full-width digits, « (at) », « ＠ », zero-width spaces): the
    text is read after Unicode normalisation (NFKC) with its invisible characters removed."""
    plain = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return _PHONE.sub("[numéro masqué]", _EMAIL.sub("[adresse masquée]", plain))


def shows_point(key: str) -> bool:
    return key not in POINT_HIDDEN


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance of two (lon, lat) points, in metres: exact enough at the scale of a street."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Spot:
    """What the nearby-duplicates rule needs of a report."""

    id: int
    category: str
    point: tuple[float, float]
    status: Status


def nearby(spots: list[Spot], key: str, point: tuple[float, float]) -> list[Spot]:
    """Open reports of the same category within 50 m, nearest first; never one of a category whose point is not
    public (proposing it, or naming it, would let anyone walk the map to find where it is)."""
    if not shows_point(key):
        return []
    close = [(metres_between(s.point, point), s) for s in spots
             if s.category == key and not s.status.closed and metres_between(s.point, point) <= NEARBY_METRES]
    return [s for _, s in sorted(close, key=lambda pair: pair[0])]


def is_public(status: Status, closed_on: date | None, hidden: bool, today: date) -> bool:
    """On the public map and list: open reports, and those closed in the last 90 days; never a hidden one."""
    if hidden:
        return False
    return not status.closed or closed_on is None or today - closed_on <= RECENTLY_RESOLVED


def is_stale(status: Status, last_change: datetime, moment: datetime) -> bool:
    return status is Status.TRANSMITTED and moment - last_change >= STALE_TRANSMITTED


@dataclass(frozen=True)
class Filed:
    """What the GUP committee counts of a report: where, what, when, who it went to, and when it was resolved."""

    quartier: str | None
    theme: str
    created: datetime
    partners: tuple[str, ...]
    resolved: datetime | None


def counts_by_month(items: list[Filed]) -> dict[tuple[str | None, str, str], int]:
    """Reports per quartier × theme × month (« 2026-12 »), for the committee's picture of each quartier."""
    counts: dict[tuple[str | None, str, str], int] = {}
    for item in items:
        key = (item.quartier, item.theme, f"{item.created:%Y-%m}")
        counts[key] = counts.get(key, 0) + 1
    return counts


def median_days_to_resolution(items: list[Filed]) -> dict[str, tuple[float, int]]:
    """Per partner, the median days from report to « résolu » and how many it counts (resolved reports only)."""
    waits: dict[str, list[float]] = {}
    for item in items:
        if item.resolved is not None:
            for partner in item.partners:
                waits.setdefault(partner, []).append((item.resolved - item.created).total_seconds() / 86_400)
    return {partner: (statistics.median(days), len(days)) for partner, days in sorted(waits.items())}


def address_expired(closed_at: datetime | None, moment: datetime) -> bool:
    return closed_at is not None and moment - closed_at >= KEEP_ADDRESS
