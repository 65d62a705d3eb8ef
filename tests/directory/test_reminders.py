"""The daily round on a frozen clock: DORA's schedule (at once, 2, 4 and 6 weeks, then the admins), an answer that
ends it, each editor's choice, the daily summary of reports and the Monday digest, and a second run of the same
day that writes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from geo.db.schema import outbox
from geo.directory.editing import Editing
from geo.directory.reminders import DailyReminders
from geo.mail.outbox import Entry, Outbox
from geo.mail.rules import Preferences, Reason, ReportDelivery, State
from geo.services import MESSAGES
from tests.db.test_store import run_geo
from tests.mail.test_outbox import ADMIN, EVS, PUBLIC, mail_settings, with_roles
from tests.smtp_server import running_smtp

START = date(2026, 12, 8)  # a Tuesday
EVS_NAME = "Espace de vie sociale Bastide-Pont-Vieux"


@pytest.fixture
def editing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Editing:
    monkeypatch.delenv("GUP_SMTP_URL", raising=False)
    monkeypatch.setenv("GUP_PUBLIC_URL", PUBLIC)
    on(monkeypatch, 0)
    return with_roles(f"sqlite:///{tmp_path / 'annuaire.sqlite3'}")


def on(monkeypatch: pytest.MonkeyPatch, offset: int) -> date:
    day = START + timedelta(days=offset)
    monkeypatch.setenv("GUP_NOW", f"{day.isoformat()}T07:00")
    return day


def body_of(editing: Editing, entry: Entry) -> str:
    with editing.store.reading() as conn:
        return str(conn.execute(select(outbox.c.body_text).where(outbox.c.id == entry.id)).scalar_one())


def written(editing: Editing, reason: Reason, *, to: str | None = None, structure: str | None = None) -> list[Entry]:
    return [e for e in Outbox(editing.store).entries()[::-1] if e.reason == reason.value
            and (to is None or e.recipient == to) and (structure is None or e.structure == structure)]


def test_reminders_follow_the_schedule_and_then_the_admins_are_told(editing: Editing,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    daily = DailyReminders(editing.store, MESSAGES)
    for offset in (0, 0, 1, 13, 14, 14, 27, 28, 42, 55, 56, 56, 70, 120):
        on(monkeypatch, offset)
        daily.run()
    reminders = written(editing, Reason.REMINDER, to=EVS)
    assert [e.created_at.date() - START for e in reminders] == [timedelta(weeks=w) for w in (0, 2, 4, 6)]
    assert [e.subject for e in reminders] == [f"La fiche « {EVS_NAME} » est à vérifier"] + [
        f"La fiche « {EVS_NAME} » est à vérifier (rappel n° {n})" for n in (1, 2, 3)]
    assert {e.structure for e in reminders} == {"evs-bastide"}  # only the listing they edit
    assert written(editing, Reason.REMINDER, to=ADMIN) == []
    told = written(editing, Reason.UNANSWERED, to=ADMIN, structure="evs-bastide")
    assert [e.created_at.date() for e in told] == [START + timedelta(weeks=8)]
    assert len(written(editing, Reason.UNANSWERED)) == 8  # every listing is « à vérifier » and nobody answered
    assert written(editing, Reason.UNANSWERED, to=EVS) == []


def test_an_answer_ends_the_series_and_facts_still_due_start_again_after_two_quiet_weeks(
        editing: Editing, monkeypatch: pytest.MonkeyPatch) -> None:
    daily = DailyReminders(editing.store, MESSAGES)
    daily.run()
    on(monkeypatch, 3)
    editing.edit(EVS, "evs-bastide", {"telephone": "04 68 71 03 92"}, source="appel du 11 décembre")
    for offset in (14, 16):
        on(monkeypatch, offset)
        daily.run()
    assert len(written(editing, Reason.REMINDER, to=EVS)) == 1  # the edit ended it, the quiet weeks hold
    on(monkeypatch, 17)
    daily.run()
    again = written(editing, Reason.REMINDER, to=EVS)
    assert len(again) == 2 and again[1].subject == f"La fiche « {EVS_NAME} » est à vérifier"  # a new series
    on(monkeypatch, 18)
    editing.confirm(EVS, "evs-bastide", ())
    for offset in (31, 60, 120):
        on(monkeypatch, offset)
        daily.run()
    assert len(written(editing, Reason.REMINDER, to=EVS)) == 2  # « toujours exact »: nothing is due for months
    assert written(editing, Reason.UNANSWERED, structure="evs-bastide") == []


def test_the_reminder_lists_what_is_due_and_links_to_the_listing(editing: Editing) -> None:
    DailyReminders(editing.store, MESSAGES).run()
    body = body_of(editing, written(editing, Reason.REMINDER)[0])
    assert "téléphone : jamais vérifié" in body and "quartiers couverts : jamais vérifié" in body
    assert f"{PUBLIC}/gerer?fiche=evs-bastide" in body
    assert "« ✅ Toujours exact »" in body


def test_an_editor_who_turned_reminders_off_gets_none(editing: Editing, monkeypatch: pytest.MonkeyPatch) -> None:
    editing.set_preferences(EVS, Preferences(reminders=False))
    daily = DailyReminders(editing.store, MESSAGES)
    for offset in (0, 14, 28, 42, 56):
        on(monkeypatch, offset)
        daily.run()
    assert written(editing, Reason.REMINDER) == []
    assert len(written(editing, Reason.UNANSWERED, to=ADMIN, structure="evs-bastide")) == 1  # not a choice


def test_reports_held_for_the_daily_summary_go_once_in_one_message(editing: Editing,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    editing.set_preferences(EVS, Preferences(reports=ReportDelivery.DAILY))
    first = editing.file_report("evs-bastide", "numero_faux", "")
    second = editing.file_report("evs-bastide", "horaires_faux", "Fermé le mardi matin.")
    assert [e.state for e in written(editing, Reason.REPORT, to=EVS)] == [State.HELD, State.HELD]
    assert [e.state for e in written(editing, Reason.REPORT, to=ADMIN)] == [State.PENDING, State.PENDING]
    daily = DailyReminders(editing.store, MESSAGES)
    daily.run()
    daily.run()
    summaries = written(editing, Reason.REPORTS_OF_THE_DAY)
    assert [(e.recipient, e.subject) for e in summaries] == [(EVS, "Signalements du 08/12/2026 : 2")]
    assert [e.state for e in written(editing, Reason.REPORT, to=EVS)] == [State.BUNDLED, State.BUNDLED]
    body = body_of(editing, summaries[0])
    assert f"n° {first}, {EVS_NAME} — numéro faux" in body
    assert f"n° {second}, {EVS_NAME} — horaires faux : « Fermé le mardi matin. »" in body


def test_the_monday_digest_tells_the_admins_what_waits(editing: Editing, monkeypatch: pytest.MonkeyPatch) -> None:
    monday = on(monkeypatch, 6)
    editing.file_report("evs-bastide", "autre", "")
    editing.edit(EVS, "evs-bastide", {"services": "acces_droits"}, source="appel")
    editing.store.add_notice("cs-max-savy", "fermeture", monday, monday + timedelta(days=3), message="Travaux",
                             by=ADMIN)
    daily = DailyReminders(editing.store, MESSAGES)
    daily.run()
    daily.run()
    on(monkeypatch, 7)
    daily.run()
    digests = written(editing, Reason.DIGEST)
    assert [(e.recipient, e.created_at.date()) for e in digests] == [(ADMIN, monday)]
    body = body_of(editing, digests[0])
    assert f"Signalements ouverts : 1\n\n- {EVS_NAME} : 1" in body
    assert "Propositions en attente : 1" in body and "types d'aide par accueil@evs.fr" in body
    assert "Fiches à vérifier : 8" in body
    assert "Annonces qui finissent cette semaine : 1" in body and "fermeture jusqu'au 17/12/2026" in body
    assert "Structures sans éditeur : 7" in body and EVS_NAME not in body.split("Structures sans éditeur")[1]


@pytest.mark.slow
def test_send_reminders_from_cron_twice_a_day_sends_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    with running_smtp() as server:
        mail_settings(monkeypatch, server.url)
        on(monkeypatch, 0)
        with_roles(url)
        env = {"GUP_SMTP_URL": server.url, "GUP_NOW": f"{START.isoformat()}T07:00", "GUP_PUBLIC_URL": PUBLIC}
        dry = run_geo(url, "send-reminders", "--dry-run", **env)
        assert dry.returncode == 0 and "rien n'est écrit ni envoyé" in dry.stderr
        assert f"[rappel] → {EVS} : La fiche « {EVS_NAME} » est à vérifier" in dry.stdout
        assert len(server.inbox.received) == 0  # the invitations still wait too: a dry run sends nothing
        first = run_geo(url, "send-reminders", **env)
        second = run_geo(url, "send-reminders", **env)
        assert first.returncode == second.returncode == 0, first.stderr + second.stderr
        assert "1 courriel(s) ajouté(s)" in first.stderr and "Rien à envoyer aujourd'hui." in second.stderr
        reminders = [r for r in server.inbox.received if "à vérifier" in r.message["Subject"]]
        assert [r.recipients for r in reminders] == [[EVS]]
        assert f"{PUBLIC}/gerer?fiche=evs-bastide" in reminders[0].text
