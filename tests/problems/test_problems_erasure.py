"""« Effacée 30 jours après la clôture » kept end to end: with a frozen clock and a real SMTP server that refuses one
address as Postfix does (quoting it), the reporter's address leaves the database file, the outbox as the command
line and /gerer list it, a new backup and the logs; and sent mail keeps its text only GUP_OUTBOX_KEEP_DAYS."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from geo.mail.outbox import Mailer, Outbox
from geo.mail.rules import State
from geo.problems.rules import Status
from geo.services import problems_of
from tests.db.test_store import open_directory, run_geo
from tests.mail.test_outbox import ADMIN, mail_settings, with_roles
from tests.problems.test_problems import GRAZAILLES
from tests.smtp_server import Inbox, running_smtp

REFUSED, TOLD = "habitante@refuse.exemple.fr", "voisin@exemple.fr"


class PostfixLikeInbox(Inbox):
    """Refuses the addresses of one domain, quoting them in its answer, as Postfix does."""

    async def handle_RCPT(self, _server: object, _session: object, envelope: object, address: str,
                          _options: object) -> str:
        if address.endswith("@refuse.exemple.fr"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"


def _everything_stored(database: Path) -> bytes:
    return b"".join(p.read_bytes() for p in database.parent.glob(f"{database.name}*") if p.is_file())


@pytest.mark.slow
def test_the_reporter_s_address_is_erased_everywhere_after_thirty_days(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    database = tmp_path / "annuaire.sqlite3"
    url = f"sqlite:///{database}"
    monkeypatch.setenv("GUP_NOW", "2026-12-08T10:00")
    with_roles(url)
    problems = problems_of(open_directory(url))
    with running_smtp(inbox=PostfixLikeInbox()) as smtp:
        mail_settings(monkeypatch, smtp.url)
        refused = problems.file("encombrants", *GRAZAILLES, "Matelas", email=REFUSED)
        told = problems.file("tags", *GRAZAILLES, "Tag", email=TOLD)
        for item in (refused, told):
            problems.advance(ADMIN, item.id, Status.RESOLVED, note="Enlevé ce matin.")
        with caplog.at_level(logging.INFO):
            Outbox(problems.store).deliver(Mailer.configured(), force=True)
        assert [r.recipients for r in smtp.inbox.received if "Votre signalement" in str(r.message["Subject"])] == [
            [TOLD]]
        failed = [e for e in Outbox(problems.store).entries() if e.state is State.FAILED]
        assert [e.recipient for e in failed] == [REFUSED] and "Recipient address rejected" in failed[0].last_error
        ours = [r.getMessage() for r in caplog.records if r.name.startswith("geo")]  # not the test server's own
        assert any("[destinataire]" in line for line in ours)
        assert REFUSED not in failed[0].last_error and all(REFUSED not in line for line in ours)  # never logged
        assert REFUSED.encode() in _everything_stored(database) and TOLD.encode() in _everything_stored(database)

        monkeypatch.setenv("GUP_NOW", "2027-01-07T10:01")  # 30 days after closing
        env = {"GUP_NOW": "2027-01-07T10:01", "GUP_SMTP_URL": smtp.url, "GUP_LOG_FILE": str(tmp_path / "erreurs.log")}
        daily = run_geo(url, "send-reminders", **env)
        assert daily.returncode == 0, daily.stderr
        listed = run_geo(url, "outbox", "--json", **env)
        backup = run_geo(url, "backup", "-o", str(tmp_path / "apres.json"), **env)
        assert backup.returncode == 0, backup.stderr
    for address in (REFUSED, TOLD):
        assert address not in listed.stdout and address not in daily.stdout + daily.stderr
        assert address.encode() not in _everything_stored(database)  # the file's bytes, its log included
        assert address not in (tmp_path / "apres.json").read_text(encoding="utf-8")
        assert all(address not in f"{e.recipient} {e.subject} {e.last_error}"
                   for e in Outbox(problems.store).entries())  # what /gerer's outbox shows
    assert not (tmp_path / "erreurs.log").exists() or REFUSED not in (tmp_path / "erreurs.log").read_text()
    erased = [e for e in Outbox(problems.store).entries() if e.recipient == "[effacé]"]
    assert len(erased) == 2 and {e.state for e in erased} == {State.SENT, State.FAILED}


def test_sent_mail_keeps_its_text_for_a_bounded_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    from geo.db.schema import outbox

    url = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    monkeypatch.setenv("GUP_NOW", "2026-12-08T10:00")
    monkeypatch.setenv("GUP_OUTBOX_KEEP_DAYS", "90")
    editing = with_roles(url)
    with running_smtp() as smtp:
        mail_settings(monkeypatch, smtp.url)
        Outbox(editing.store).deliver(Mailer.configured(), force=True)
    box = Outbox(editing.store)
    monkeypatch.setenv("GUP_NOW", "2027-03-07T10:00")  # 89 days
    assert box.forget_old_bodies() == 0
    monkeypatch.setenv("GUP_NOW", "2027-03-09T10:00")  # 91 days
    assert box.forget_old_bodies() == 2 and box.forget_old_bodies() == 0
    with editing.store.reading() as conn:
        rows = conn.execute(select(outbox)).all()
    assert {(r.body_text, r.body_html) for r in rows} == {("", "")}
    assert sorted(r.recipient for r in rows) == sorted([ADMIN, "accueil@evs.fr"])  # the metadata stays
    monkeypatch.setenv("GUP_OUTBOX_KEEP_DAYS", "trois mois")
    with pytest.raises(Exception, match="GUP_OUTBOX_KEEP_DAYS illisible : « trois mois »"):
        box.forget_old_bodies()
