"""Temporary notices: in force on their days only, ended early on request, and their effect on opening hours."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from geo.errors import InputError
from geo.territory.hours import PARIS, availability, present_tonight
from geo.territory.notices import Notice, NoticeKind, check_notice, in_force


def at(day: int, hour: int = 10, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def notice(kind: NoticeKind = NoticeKind.FERMETURE, **changes: object) -> Notice:
    return dataclasses.replace(Notice(1, "evs-bastide", kind, date(2026, 12, 24), date(2026, 12, 31)), **changes)


def test_a_notice_is_in_force_from_its_first_to_its_last_day_included() -> None:
    closure = notice()
    assert [closure.in_force(at(d, h)) for d, h in ((23, 23), (24, 0), (31, 23))] == [False, True, True]
    assert not closure.in_force(datetime(2027, 1, 1, 0, 0, tzinfo=PARIS))


def test_a_notice_ended_early_stops_at_that_moment() -> None:
    ended = notice(ended_at=at(26, 15))
    assert ended.in_force(at(26, 14)) and not ended.in_force(at(26, 16)) and not ended.in_force(at(28))


def test_in_force_filters_by_kind() -> None:
    both = (notice(), notice(NoticeKind.MESSAGE, id=2, message="Permanence au gymnase"))
    assert [n.id for n in in_force(both, at(25), NoticeKind.MESSAGE)] == [2]
    assert in_force(both, at(1)) == ()


@pytest.mark.parametrize(("kind", "starts", "ends", "hours", "message", "words"), [
    ("vacances", date(2026, 12, 1), date(2026, 12, 2), "", "x", "Type d'annonce inconnu : « vacances »"),
    ("fermeture", date(2026, 12, 2), date(2026, 12, 1), "", "", "finit le 2026-12-01, avant de commencer le 2026-12-02"),
    ("fermeture", date(2026, 1, 1), date(2027, 1, 1), "", "", "au plus un an"),
    ("horaires", date(2026, 12, 1), date(2026, 12, 2), "", "", "--hours"),
    ("horaires", date(2026, 12, 1), date(2026, 12, 2), "Mo 25:00", "", "Horaires illisibles : « Mo 25:00 »"),
    ("message", date(2026, 12, 1), date(2026, 12, 2), "", "  ", "a besoin d'un texte"),
])
def test_bad_notices_are_refused_in_french(kind: str, starts: date, ends: date, hours: str, message: str,
                                           words: str) -> None:
    with pytest.raises(InputError, match=words.replace("(", r"\(")):
        check_notice(kind, starts, ends, hours, message)


def test_a_year_long_notice_is_accepted() -> None:
    assert check_notice("fermeture", date(2026, 1, 1), date(2026, 12, 31), "", "") is NoticeKind.FERMETURE


def test_a_closure_closes_and_says_until_when(dataset) -> None:  # type: ignore[no-untyped-def]
    evs = dataset.structure("evs-bastide")
    opening = next(m for m in (at(d, h) for d in range(24, 31) for h in range(8, 19)) if availability(evs, m).ouvert)
    closed = dataclasses.replace(evs, notices=(notice(),))
    state = availability(closed, opening)
    assert (state.ouvert, state.text) == (False, "fermé (fermeture exceptionnelle jusqu'au 31 décembre 2026)")
    two_weeks_later = opening + timedelta(days=14)  # the same weekday and hour, after the closure
    assert availability(closed, two_weeks_later) == availability(evs, two_weeks_later)


def test_changed_hours_replace_the_usual_ones_for_the_period(dataset) -> None:  # type: ignore[no-untyped-def]
    evs = dataset.structure("evs-bastide")
    evening = dataclasses.replace(evs, notices=(notice(NoticeKind.HORAIRES, hours="Mo-Su 18:00-22:00"),))
    assert availability(evening, at(25, 20)).ouvert is True
    assert present_tonight(evening, date(2026, 12, 25)) is True
    assert present_tonight(evening, date(2027, 1, 4)) is present_tonight(evs, date(2027, 1, 4))


def test_who_is_there_tonight_leaves_out_a_closed_structure(dataset) -> None:  # type: ignore[no-untyped-def]
    night = dataset.structure("mediaction")
    tuesday = date(2026, 12, 29)
    assert present_tonight(night, tuesday) is True
    assert present_tonight(dataclasses.replace(night, notices=(notice(structure="mediaction"),)), tuesday) is False
