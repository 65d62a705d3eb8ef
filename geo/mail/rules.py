"""The directory's e-mail, as rules: what a message is, who may choose what, when a failed send is tried again, and
the DORA-style schedule of freshness reminders (at once, then after 2, 4 and 6 weeks, then the admins are told).

Nothing here sends or stores: geo.mail.outbox keeps and sends messages, geo.mail.letters writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class Reason(StrEnum):
    """Why a message is sent: stored with it, shown in the outbox."""

    REPORT = "signalement"
    REPORTS_OF_THE_DAY = "signalements du jour"
    PROPOSAL = "proposition"
    DECISION = "decision"
    INVITATION = "invitation"
    REMINDER = "rappel"
    UNANSWERED = "sans reponse"
    DIGEST = "synthese"
    PROBLEM = "probleme"


class State(StrEnum):
    """A message's life in the outbox. HELD waits for the daily summary it will be BUNDLED into."""

    PENDING = "en_attente"
    HELD = "differe"
    SENDING = "envoi"
    SENT = "envoye"
    FAILED = "echec"
    BUNDLED = "regroupe"


class ReportDelivery(StrEnum):
    IMMEDIATE = "immediat"
    DAILY = "quotidien"


@dataclass(frozen=True)
class Preferences:
    """One editor's choice: reports at once or in a daily summary, freshness reminders on or off. The admins'
    notices about unresponsive structures and their Monday digest are not a choice: they are the admins' work."""

    reports: ReportDelivery = ReportDelivery.IMMEDIATE
    reminders: bool = True


@dataclass(frozen=True)
class Message:
    """One message to one person, as written to the outbox."""

    recipient: str
    subject: str
    text: str
    html: str
    reason: Reason
    structure: str | None = None
    topic: str = ""
    """What the message is about (« signalement:12 »), so that a summary can gather the reports it stands for."""
    key: str | None = None
    """Set for scheduled messages: a second run that would write the same key writes nothing (idempotent)."""


_CONTROLS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")
HEADER_LENGTH = 200


def one_line(text: str, limit: int = HEADER_LENGTH) -> str:
    """Text made safe for a mail header: every line break or control character becomes one space, so a structure
    name or a report carrying « \\r\\nBcc: » stays words in the subject and never starts a header of its own."""
    flat = " ".join(_CONTROLS.sub(" ", text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- sending again -----------------------------------------------------------------------------

FIRST_RETRY = timedelta(minutes=2)
LONGEST_WAIT = timedelta(hours=6)


def after_failure(attempts: int, moment: datetime, *, permanent: bool) -> tuple[State, datetime | None]:
    """The state after a failed attempt (`attempts` counts it) and when to try again: the wait doubles from two
    minutes up to six hours, for as long as it takes (an outage loses nothing). Only a refusal the server says is
    final (an unknown recipient) ends it as FAILED."""
    if permanent:
        return State.FAILED, None
    return State.PENDING, moment + min(FIRST_RETRY * 2 ** min(attempts - 1, 20), LONGEST_WAIT)


# --- freshness reminders -----------------------------------------------------------------------

REMINDER_WEEKS = (0, 2, 4, 6)
"""A series' reminders, in weeks after it starts (DORA's schedule)."""
UNANSWERED_WEEKS = 8
"""Two weeks after the last reminder, a series nobody answered is told to the admins."""
DUE_AHEAD = timedelta(days=14)
"""A fact due within this time is listed with those already « à vérifier »."""
QUIET_AFTER_ANSWER = timedelta(days=14)
"""After an answer (an edit or « toujours exact »), facts still due start a new series no sooner than this."""


@dataclass(frozen=True)
class Series:
    """A structure's reminders, from the day facts were first found due until somebody answers."""

    structure: str
    started: datetime
    sent: int
    """Reminders sent so far (1 to 4)."""
    escalated: bool
    ended: datetime | None


class Step(StrEnum):
    WAIT = "rien"
    REMIND = "rappel"
    TELL_ADMINS = "sans reponse"


def next_step(series: Series, today: date) -> Step:
    """What an open series does today: the next reminder once its week has come, the admins' notice once the
    last reminder went unanswered for two weeks, else nothing. Run twice the same day, the second run waits."""
    if series.ended is not None or series.escalated:
        return Step.WAIT
    age = today - series.started.date()
    if series.sent < len(REMINDER_WEEKS):
        return Step.REMIND if age >= timedelta(weeks=REMINDER_WEEKS[series.sent]) else Step.WAIT
    return Step.TELL_ADMINS if age >= timedelta(weeks=UNANSWERED_WEEKS) else Step.WAIT


def may_start(last_answer: datetime | None, today: date) -> bool:
    """Whether due facts start a new series today (never within two weeks of the last answer)."""
    return last_answer is None or today - last_answer.date() >= QUIET_AFTER_ANSWER


def is_digest_day(today: date) -> bool:
    """The admins' weekly digest goes on Mondays."""
    return today.weekday() == 0


def week_of(today: date) -> tuple[date, date]:
    """Monday and Sunday of today's week (the digest's « cette semaine »)."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)
