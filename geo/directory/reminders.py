"""The daily round (`python -m geo send-reminders`, from cron): each structure's freshness reminders on DORA's
schedule, the daily summaries of reports for those who chose them, and the admins' digest on Mondays.

Run twice the same day, the second run writes nothing: a series remembers what it sent, a summary takes only the
reports held since the last one, and every scheduled message carries a key the outbox writes once. A dry run plays
the same round in a transaction that is rolled back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Row, insert, select, update

from geo.db.schema import editor, outbox, proposal, reminder_series, report
from geo.db.store import Store, StoredStructure
from geo.directory.editing import (
    OPEN,
    PENDING,
    Proposal,
    Report,
    admins_in,
    as_proposal,
    as_report,
    preferences_in,
    structure_editors_in,
)
from geo.mail.outbox import queue_in
from geo.mail.rules import DUE_AHEAD, Message, Series, State, Step, is_digest_day, may_start, next_step, week_of
from geo.territory.fields import STRUCTURE_COLUMNS
from geo.territory.freshness import due_facts, due_on
from geo.territory.hours import local, now
from geo.territory.notices import Notice


@dataclass(frozen=True)
class DueListing:
    """A structure's facts « à vérifier » or due within 14 days, each with the last day it counts as checked."""

    structure: str
    name: str
    telephone: str
    due: tuple[tuple[str, date | None], ...]


@dataclass(frozen=True)
class Digest:
    """The admins' Monday view of what waits."""

    day: date
    open_reports: tuple[tuple[str, int], ...]
    """Structure names and their open reports."""
    proposals: tuple[tuple[str, Proposal], ...]
    stale: tuple[DueListing, ...]
    notices_ending: tuple[tuple[str, Notice], ...]
    without_editor: tuple[str, ...]


class ReminderMessages(Protocol):
    """The messages of the daily round, written for one recipient."""

    def reports_of_the_day(self, items: list[tuple[Report, str]], day: date, to: str) -> Message: ...

    def reminder(self, listing: DueListing, number: int, started: date, to: str) -> Message: ...

    def unanswered(self, listing: DueListing, started: date, editors: list[str], to: str) -> Message: ...

    def digest(self, digest: Digest, to: str) -> Message: ...


@dataclass(frozen=True)
class Planned:
    message: Message
    written: bool
    """False when the outbox already had it (its key)."""


class DailyReminders:
    def __init__(self, store: Store, letters: ReminderMessages):
        self.store = store
        self.letters = letters

    def run(self, *, dry_run: bool = False) -> list[Planned]:
        """Today's messages, written to the outbox (or, with dry_run, only said)."""
        if dry_run:
            with self.store.reading() as conn:  # closed without commit: everything it wrote is rolled back
                return self._run_in(conn)
        with self.store.beside() as conn:
            return self._run_in(conn)

    def _run_in(self, conn: Connection) -> list[Planned]:
        moment = now()
        messages = self._reminders(conn, moment)
        if is_digest_day(moment.date()):
            digest = self._digest(conn, moment.date())
            messages += [self.letters.digest(digest, admin) for admin in admins_in(conn)]
        return self._summaries(conn, moment) + [Planned(m, queue_in(conn, m) is not None) for m in messages]

    # --- reports held for a daily summary ------------------------------------------------------

    def _summaries(self, conn: Connection, moment: datetime) -> list[Planned]:
        """One message per person for the reports held since their last summary (each held message is then
        marked as bundled into it: a second run finds none)."""
        held: dict[str, list[Row[Any]]] = defaultdict(list)
        for r in conn.execute(select(outbox).where(outbox.c.state == State.HELD.value).order_by(outbox.c.id)):
            held[r.recipient].append(r)
        names = {s.id: s.cells["nom"] for s in self.store.structures_in(conn)}
        messages = []
        for person, rows in sorted(held.items()):
            ids = [int(r.topic.split(":")[1]) for r in rows]
            items = [(as_report(r), names.get(r.structure_id, r.structure_id))
                     for r in conn.execute(select(report).where(report.c.id.in_(ids)).order_by(report.c.id))]
            summary = self.letters.reports_of_the_day(items, moment.date(), person)
            summary_id = queue_in(conn, summary)
            conn.execute(update(outbox).where(outbox.c.id.in_([r.id for r in rows])).values(
                state=State.BUNDLED.value, bundled_into=summary_id))
            messages.append(Planned(summary, True))
        return messages

    # --- freshness reminders -------------------------------------------------------------------

    def _reminders(self, conn: Connection, moment: datetime) -> list[Message]:
        messages: list[Message] = []
        for listing in self.store.structures_in(conn):
            due = _due(listing, moment.date())
            series = self._series(conn, listing.id, moment, due)
            if series is None:
                continue
            row_id, current = series
            step = next_step(current, moment.date())
            if step is Step.REMIND:
                number = current.sent + 1
                for person in self._reminded(conn, listing.id):
                    messages.append(self.letters.reminder(due, number, current.started.date(), person))
                conn.execute(update(reminder_series).where(reminder_series.c.id == row_id).values(
                    sent=number, last_sent_on=moment.date()))
            elif step is Step.TELL_ADMINS:
                editors = structure_editors_in(conn, listing.id)
                for admin in admins_in(conn):
                    messages.append(self.letters.unanswered(due, current.started.date(), editors, admin))
                conn.execute(update(reminder_series).where(reminder_series.c.id == row_id).values(
                    escalated_on=moment.date()))
        return messages

    def _series(self, conn: Connection, structure_id: str, moment: datetime,
                due: DueListing) -> tuple[int, Series] | None:
        """The structure's open series as it stands today: ended by an answer or by nothing left to check,
        started when facts are due and no answer came in the last two weeks."""
        rows = list(conn.execute(select(reminder_series).where(reminder_series.c.structure_id == structure_id)
                                 .order_by(reminder_series.c.id.desc()).limit(1)))
        last = _as_series(rows[0]) if rows else None
        if last is not None and last.ended is None:
            answer = _answer_since(self.store, conn, structure_id, last.started)
            if answer is not None or not due.due:
                conn.execute(update(reminder_series).where(reminder_series.c.id == rows[0].id)
                             .values(ended_at=answer or moment))
                last = Series(last.structure, last.started, last.sent, last.escalated, answer or moment)
            else:
                return rows[0].id, last
        if not due.due or not may_start(last.ended if last else None, moment.date()):
            return None
        new_id = conn.execute(insert(reminder_series).returning(reminder_series.c.id).values(
            structure_id=structure_id, started_at=moment, sent=0, last_sent_on=None, escalated_on=None,
            ended_at=None)).scalar_one()
        return int(new_id), Series(structure_id, moment, 0, False, None)

    @staticmethod
    def _reminded(conn: Connection, structure_id: str) -> list[str]:
        """The structure's editors who keep reminders on."""
        return [e for e in structure_editors_in(conn, structure_id) if preferences_in(conn, e).reminders]

    # --- the admins' digest --------------------------------------------------------------------

    def _digest(self, conn: Connection, day: date) -> Digest:
        listings = self.store.structures_in(conn)
        names = {s.id: s.cells["nom"] for s in listings}
        counts: dict[str, int] = defaultdict(int)
        for r in conn.execute(select(report.c.structure_id).where(report.c.status == OPEN)):
            counts[r.structure_id] += 1
        pending = [as_proposal(r) for r in
                   conn.execute(select(proposal).where(proposal.c.status == PENDING).order_by(proposal.c.id))]
        _, sunday = week_of(day)
        ending = [n for n in self.store.notices_in(conn)
                  if n.ended_at is None and day <= n.ends <= sunday]
        edited = {r.structure_id for r in conn.execute(select(editor.c.structure_id))}
        return Digest(
            day, tuple((names.get(s, s), n) for s, n in counts.items()),
            tuple((names.get(p.structure, p.structure), p) for p in pending),
            tuple(d for s in listings if (d := _due(s, day, ahead=False)).due),
            tuple((names.get(n.structure, n.structure), n) for n in ending),
            tuple(s.cells["nom"] for s in listings if s.id not in edited))


def _due(listing: StoredStructure, day: date, *, ahead: bool = True) -> DueListing:
    facts = due_facts(listing.checked, listing.update_months, day + DUE_AHEAD if ahead else day)
    return DueListing(listing.id, listing.cells["nom"], listing.cells["telephone"],
                      tuple((f, due_on(listing.checked.get(f), listing.update_months)) for f in facts))


def _answer_since(store: Store, conn: Connection, structure_id: str, started: datetime) -> datetime | None:
    """When the structure answered since the series started: its first edit, « toujours exact » or proposal."""
    answers = [local(e.at) for e in store.history_in(conn, structure_id)
               if e.field in STRUCTURE_COLUMNS and local(e.at) > started]
    return min(answers, default=None)


def _as_series(r: Row[Any]) -> Series:
    return Series(r.structure_id, local(r.started_at), r.sent, r.escalated_on is not None,
                  local(r.ended_at) if r.ended_at else None)
