"""Who is there at a given moment: sourced opening hours, or a presence pattern, or honestly unknown.

Opening hours are OSM `opening_hours`, read by opening-hours-py in Europe/Paris with French public
holidays. Where only days and a period of the day are sourced (MEDIACTION: « du mardi au samedi,
en soirée et début de nuit »), no times are invented: the period is true where its meaning is
beyond doubt, unknown (None) at its fuzzy edges, false elsewhere.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, State

from geo import config
from geo.errors import InputError
from geo.i18n import N_, _, clock, day_names, long_date
from geo.territory.model import Structure
from geo.territory.notices import NoticeKind, in_force

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
EVENING = (time(18, 0), time(23, 59))  # « ce soir », for the question "who is there tonight?"


@dataclass(frozen=True)
class Period:
    """A part of the day as residents say it: certainly within `sure`, maybe within `maybe`."""

    label: str  # marked with N_, shown translated
    sure: tuple[time, time]
    maybe: tuple[time, time]


#: The project's reading of the words the sources use; the README states it.
PERIODS = {
    "soiree_nuit": Period(N_("en soirée et en début de nuit"), sure=(time(20, 0), time(23, 0)),
                          maybe=(time(18, 0), time(2, 0))),
}


@dataclass(frozen=True)
class Availability:
    """`ouvert` is True (open or present), False, or None (unknown); `text` says it in the active language."""

    ouvert: bool | None
    text: str


def now() -> datetime:
    """The current Paris time: the one clock of the product, frozen by GUP_NOW for demonstrations and tests."""
    frozen = config.get("GUP_NOW")
    return local(datetime.fromisoformat(frozen)) if frozen else datetime.now(PARIS)


def today() -> date:
    """Today in Paris, from the one clock: every "extrait le", "construit le" and week count reads it."""
    return now().date()


def validators_today() -> date:
    """The latest day an outside validator accepts as not « dans le futur »: our days are Paris days, but
    data·inclusion's validator reads the machine's calendar, and its servers UTC's, one or two hours behind Paris
    (between 00:00 and 02:00 in Paris, our today is their tomorrow)."""
    return min(date.today(), datetime.now(UTC).date())


def local(moment: datetime) -> datetime:
    """Any datetime as Paris wall time (naive ones are taken as already in Paris)."""
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment.astimezone(PARIS)


#: What `--at` and `at=` take, as the API's contract writes it: ISO 8601, Paris wall time unless an offset is given.
MOMENT_EXAMPLE = "2026-11-24T21:00"


def moment_from_text(text: str) -> datetime:
    """A moment typed by a user or a partner, as Paris time; a French error naming it when it cannot be one."""
    try:
        return local(datetime.fromisoformat(text))
    except (ValueError, OverflowError) as exc:  # OverflowError: an offset that moves year 1 or 9999 out of range
        raise InputError(f"Date et heure illisibles : « {text} » (attendu par exemple : {MOMENT_EXAMPLE}).") from exc


@functools.cache
def _parsed(expression: str) -> OpeningHours:
    return OpeningHours(expression, timezone=PARIS, country="FR")


def parse_days(selector: str) -> frozenset[int]:
    """'Tu-Sa' or 'Mo,We' → weekday numbers (Monday = 0)."""
    days: set[int] = set()
    for part in selector.split(","):
        first, _, last = part.strip().partition("-")
        start, end = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
    return frozenset(days)


def _within(moment: time, span: tuple[time, time]) -> bool:
    start, end = span
    return start <= moment <= end if start <= end else moment >= start or moment <= end


def _when(moment: datetime, now: datetime) -> str:
    if moment.date() == now.date():
        return _("aujourd'hui à {heure}").format(heure=clock(moment.time()))
    if moment.date() == now.date() + timedelta(days=1):
        return _("demain à {heure}").format(heure=clock(moment.time()))
    return _("{jour} à {heure}").format(jour=day_names()[moment.weekday()], heure=clock(moment.time()))


def closed_until(structure: Structure, at: datetime) -> date | None:
    """The last day of an exceptional closure in force at that moment, if any."""
    closures = in_force(structure.notices, local(at), NoticeKind.FERMETURE)
    return max(n.ends for n in closures) if closures else None


def hours_in_force(structure: Structure, at: datetime) -> str:
    """The usual opening hours, or those of a notice of changed hours in force at that moment."""
    changed = in_force(structure.notices, local(at), NoticeKind.HORAIRES)
    return changed[-1].hours if changed else structure.horaires


def availability(structure: Structure, at: datetime) -> Availability:
    now = local(at)
    if (last_day := closed_until(structure, now)) is not None:
        return Availability(False, _("fermé (fermeture exceptionnelle jusqu'au {date})").format(date=long_date(last_day)))
    if expression := hours_in_force(structure, now):
        return _by_hours(expression, now)
    if structure.presence_jours and structure.presence_moment:
        return _by_pattern(structure, now)
    return Availability(None, _("horaires non communiqués — appelez le {telephone}").format(
        telephone=structure.telephone_affiche))


def _by_hours(expression: str, now: datetime) -> Availability:
    hours = _parsed(expression)
    state, _comment = hours.state(now)
    change = hours.next_change(now)
    if state is State.OPEN:
        return Availability(True, _("ouvert jusqu'à {heure}").format(heure=clock(local(change).time()))
                            if change else _("ouvert"))
    if state is State.CLOSED:
        return Availability(False, _("fermé — ouvre {quand}").format(quand=_when(local(change), now))
                            if change else _("fermé"))
    return Availability(None, _("horaires incertains — appelez avant de venir"))


def _pattern_state(structure: Structure, now: datetime) -> bool | None:
    period = PERIODS[structure.presence_moment]
    days = parse_days(structure.presence_jours)
    clock = now.time()
    # After midnight, « début de nuit » belongs to the evening before.
    day = (now - timedelta(days=1)).weekday() if clock < period.maybe[0] and period.maybe[1] < period.maybe[0] and (
        clock <= period.maybe[1]) else now.weekday()
    if day not in days:
        return False
    if _within(clock, period.sure):
        return True
    return None if _within(clock, period.maybe) else False


def _by_pattern(structure: Structure, now: datetime) -> Availability:
    period = _(PERIODS[structure.presence_moment].label)
    state = _pattern_state(structure, now)
    days = _days_text(structure.presence_jours)
    if state is True:
        return Availability(True, _("médiateurs présents {moment}, maintenant").format(moment=period))
    if state is None:
        return Availability(None, _("médiateurs {moment}, {jours} : peut-être présents à cette heure").format(
            moment=period, jours=days))
    if now.weekday() in parse_days(structure.presence_jours):
        return Availability(False, _("médiateurs {moment} ce soir").format(moment=period))
    return Availability(False, _("médiateurs {moment}, {jours}").format(moment=period, jours=days))


def _days_text(selector: str) -> str:
    days, names = sorted(parse_days(selector)), day_names()
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return _("du {premier} au {dernier}").format(premier=names[days[0]], dernier=names[days[-1]])
    return ", ".join(names[d] for d in days)


def present_tonight(structure: Structure, day: date) -> bool | None:
    """Open or present at some moment of that evening (18 h – minuit); None when nothing is sourced."""
    start = datetime.combine(day, EVENING[0], PARIS)
    end = datetime.combine(day, EVENING[1], PARIS)
    if closed_until(structure, start) is not None:
        return False
    if expression := hours_in_force(structure, start):
        hours = _parsed(expression)
        states = [interval[2] for interval in hours.intervals(start, end)]
        return True if State.OPEN in states else None if State.UNKNOWN in states else False
    if structure.presence_jours and structure.presence_moment:
        period = PERIODS[structure.presence_moment]
        return day.weekday() in parse_days(structure.presence_jours) and _within(period.sure[0], EVENING)
    return None


@dataclass(frozen=True)
class Tonight:
    """Who is there this evening in a quartier, and for the others when they are next there."""

    present: tuple[tuple[Structure, str], ...]
    others: tuple[tuple[Structure, str], ...]


def tonight(structures: tuple[Structure, ...], at: datetime) -> Tonight:
    moment = local(at)
    present, others = [], []
    for structure in structures:
        if present_tonight(structure, moment.date()):
            present.append((structure, availability(structure, datetime.combine(moment.date(), time(21, 0), PARIS)).text
                            if structure.presence_moment else _("ouvert ce soir")))
        else:
            others.append((structure, availability(structure, moment).text))
    return Tonight(tuple(present), tuple(others))


@dataclass(frozen=True)
class HoursRow:
    """One line of an hours form: some days, one opening span ('lundi, jeudi 14 h – 17 h 30')."""

    days: tuple[int, ...]
    start: time
    end: time


_SIMPLE_RULE = re.compile(r"(?P<days>[A-Za-z,\-]+) (?P<spans>\d{2}:\d{2}-\d{2}:\d{2}(?:,\d{2}:\d{2}-\d{2}:\d{2})*)")


def opening_hours_from(rows: list[HoursRow]) -> str:
    """Form rows as OSM opening_hours ('Mo,Th 14:00-17:30; Tu 09:00-12:00'), days sharing their spans grouped."""
    by_days: dict[tuple[int, ...], list[str]] = {}
    for row in rows:
        if not row.days:
            raise InputError(f"Horaires : choisissez au moins un jour pour {row.start:%H:%M}–{row.end:%H:%M}.")
        if row.end <= row.start:
            raise InputError(f"Horaires : la fin ({row.end:%H:%M}) doit suivre le début ({row.start:%H:%M}).")
        by_days.setdefault(tuple(sorted(set(row.days))), []).append(f"{row.start:%H:%M}-{row.end:%H:%M}")
    return "; ".join(f"{','.join(WEEKDAYS[d] for d in days)} {','.join(sorted(spans))}" for days, spans in by_days.items())


def rows_from(expression: str) -> list[HoursRow] | None:
    """The rows of a simple expression, to fill the form; None when it uses more of the syntax than rows can say."""
    rows: list[HoursRow] = []
    for rule in filter(None, (part.strip() for part in expression.split(";"))):
        found = _SIMPLE_RULE.fullmatch(rule)
        if found is None or any(d not in WEEKDAYS for d in re.split(r"[,\-]", found["days"])):
            return None
        days = tuple(sorted(parse_days(found["days"])))
        for span in found["spans"].split(","):
            start, end = (time.fromisoformat(t) for t in span.split("-"))
            rows.append(HoursRow(days, start, end))
    return rows
