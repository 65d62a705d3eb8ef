"""The e-mail rules, without a server: header text, the wait after a failure, and the reminders' calendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from geo.mail.rules import (
    LONGEST_WAIT,
    Series,
    State,
    Step,
    after_failure,
    is_digest_day,
    may_start,
    next_step,
    one_line,
    week_of,
)

MOMENT = datetime(2026, 12, 8, 7, 0)


@pytest.mark.parametrize(("text", "header"), [
    ("Signalement — EVS", "Signalement — EVS"),
    ("EVS\r\nBcc: intrus@exemple.fr", "EVS Bcc: intrus@exemple.fr"),
    ("a\nb\rc\x00d\x1be\u2028f\u0085g", "a b c d e f g"),
    ("  des   espaces  ", "des espaces"),
])
def test_a_header_is_always_one_line(text: str, header: str) -> None:
    assert one_line(text) == header


def test_a_long_subject_is_cut_and_says_so() -> None:
    cut = one_line("x" * 500)
    assert len(cut) == 200 and cut.endswith("…")


@pytest.mark.parametrize(("attempts", "wait"), [(1, 2), (2, 4), (3, 8), (6, 64), (9, 360), (40, 360)])
def test_the_wait_doubles_up_to_six_hours_and_never_gives_up(attempts: int, wait: int) -> None:
    assert after_failure(attempts, MOMENT, permanent=False) == (State.PENDING, MOMENT + timedelta(minutes=wait))
    assert timedelta(minutes=wait) <= LONGEST_WAIT


def test_a_final_refusal_ends_at_once() -> None:
    assert after_failure(1, MOMENT, permanent=True) == (State.FAILED, None)


def series(sent: int, *, escalated: bool = False, ended: datetime | None = None) -> Series:
    return Series("evs-bastide", MOMENT, sent, escalated, ended)


@pytest.mark.parametrize(("sent", "days", "step"), [
    (0, 0, Step.REMIND), (1, 0, Step.WAIT), (1, 13, Step.WAIT), (1, 14, Step.REMIND), (2, 27, Step.WAIT),
    (2, 28, Step.REMIND), (3, 42, Step.REMIND), (4, 42, Step.WAIT), (4, 55, Step.WAIT), (4, 56, Step.TELL_ADMINS),
    (1, 60, Step.REMIND),  # cron missed weeks: the next reminder goes, one per run
])
def test_the_reminders_calendar(sent: int, days: int, step: Step) -> None:
    assert next_step(series(sent), MOMENT.date() + timedelta(days=days)) is step


def test_an_ended_or_escalated_series_is_silent() -> None:
    later = MOMENT.date() + timedelta(weeks=20)
    assert next_step(series(4, escalated=True), later) is Step.WAIT
    assert next_step(series(1, ended=MOMENT), later) is Step.WAIT


def test_a_new_series_waits_two_weeks_after_an_answer() -> None:
    assert may_start(None, MOMENT.date())
    assert not may_start(MOMENT, MOMENT.date() + timedelta(days=13))
    assert may_start(MOMENT, MOMENT.date() + timedelta(days=14))


def test_the_digest_goes_on_mondays() -> None:
    assert [is_digest_day(date(2026, 12, d)) for d in range(7, 14)] == [True] + [False] * 6
    assert week_of(date(2026, 12, 10)) == (date(2026, 12, 7), date(2026, 12, 13))
