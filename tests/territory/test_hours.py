"""Who is there at a given moment: sourced hours, presence patterns, and honest unknowns."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime

import pytest

from geo.errors import InputError
from geo.territory import hours
from geo.territory.hours import PARIS, PERIODS, availability, now, parse_days, present_tonight, tonight
from geo.territory.model import PRESENCE_MOMENTS


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def with_hours(dataset):
    def make(expression: str):
        return dataclasses.replace(dataset.structure("cs-max-savy"), horaires=expression)
    return make


@pytest.mark.parametrize(("moment", "expected"), [
    ("2026-11-24T21:00", True),    # Tuesday evening: the médiateurs walk the quartiers
    ("2026-11-28T22:30", True),    # Saturday
    ("2026-11-29T21:00", False),   # Sunday: not one of their days
    ("2026-11-23T21:00", False),   # Monday
    ("2026-11-24T10:00", False),   # Tuesday morning: not the evening
    ("2026-11-24T18:30", None),    # early evening: « en soirée » may or may not have begun
    ("2026-11-25T00:30", None),    # Tuesday's « début de nuit », after midnight
    ("2026-11-24T20:00+00:00", True),  # 21:00 in Paris, given in UTC
])
def test_mediaction_presence_pattern(dataset, moment, expected):
    assert availability(dataset.structure("mediaction"), at(moment)).ouvert is expected


def test_no_sourced_hours_is_unknown_and_says_whom_to_call(dataset):
    state = availability(dataset.structure("cs-max-savy"), at("2026-11-24T10:00"))
    assert state.ouvert is None and state.text == "horaires non communiqués — appelez le 04 68 71 14 32"


def test_sourced_hours(dataset):
    evs = dataset.structure("evs-bastide")
    assert availability(evs, at("2026-11-23T15:00")).text == "ouvert jusqu'à 17 h 30"
    closed = availability(evs, at("2026-11-23T18:00"))
    assert closed.ouvert is False and closed.text == "fermé — ouvre demain à 9 h"


def test_public_holiday(with_hours):
    office = with_hours("Mo-Fr 09:00-17:00; PH off")
    assert availability(office, at("2026-11-11T10:00")).ouvert is False  # Armistice, a Wednesday
    assert availability(office, at("2026-11-12T10:00")).ouvert is True


def test_hours_across_midnight(with_hours):
    night = with_hours("Fr 20:00-02:00")
    assert availability(night, at("2026-11-28T01:00")).ouvert is True   # Saturday 1 am, Friday's evening
    assert availability(night, at("2026-11-28T03:00")).ouvert is False


def test_daylight_saving_change(with_hours):
    """29 March 2026: Paris clocks go from 02:00 to 03:00."""
    early = with_hours("Su 03:00-05:00")
    assert availability(early, datetime(2026, 3, 29, 0, 30, tzinfo=UTC)).ouvert is False  # 01:30 CET
    assert availability(early, datetime(2026, 3, 29, 1, 30, tzinfo=UTC)).ouvert is True   # 03:30 CEST
    summer = with_hours("Mo-Fr 09:00-12:00")
    assert availability(summer, datetime(2026, 3, 30, 7, 30, tzinfo=UTC)).ouvert is True  # 09:30 CEST
    assert availability(summer, datetime(2026, 3, 27, 7, 30, tzinfo=UTC)).ouvert is False  # 08:30 CET


def test_tonight_in_grazailles_on_a_tuesday(locator):
    evening = tonight(locator.for_quartier("QP011006").structures, at("2026-11-24T19:00"))
    assert [s.id for s, _ in evening.present] == ["mediaction"]
    assert {s.id for s, _ in evening.others} == {"cs-max-savy", "regie-quartier", "cas-carcassonne"}
    assert tonight(locator.for_quartier("QP011006").structures, at("2026-11-29T19:00")).present == ()


def test_present_tonight_with_hours(with_hours):
    assert present_tonight(with_hours("Tu 17:00-19:00"), date(2026, 11, 24)) is True
    assert present_tonight(with_hours("Tu 09:00-12:00"), date(2026, 11, 24)) is False


def test_days_and_periods_vocabulary():
    assert parse_days("Tu-Sa") == {1, 2, 3, 4, 5} and parse_days("Sa-Mo") == {5, 6, 0} and parse_days("Mo,We") == {0, 2}
    assert set(PERIODS) == set(PRESENCE_MOMENTS)


def test_clock_can_be_frozen(monkeypatch):
    monkeypatch.setenv("GUP_NOW", "2026-11-24T21:00")
    assert now().isoformat() == "2026-11-24T21:00:00+01:00"


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-24T21:00", datetime(2026, 11, 24, 21, tzinfo=PARIS)),  # Paris wall time
    ("2026-11-24T20:00:00Z", datetime(2026, 11, 24, 21, tzinfo=PARIS)),  # its own offset, converted
    ("2026-07-01T12:00:00+00:00", datetime(2026, 7, 1, 14, tzinfo=PARIS)),  # summer time
])
def test_a_typed_moment_is_read_as_paris_time(text, expected):
    moment = hours.moment_from_text(text)
    assert moment == expected and moment.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", ["", "mardi", "2026-02-30T10:00", "0001-01-01T00:00:00+05:00",
                                  "9999-12-31T23:59:59-05:00"])
def test_an_unreadable_moment_names_itself(text):
    with pytest.raises(InputError, match=re.escape(f"Date et heure illisibles : « {text} »")):
        hours.moment_from_text(text)
