"""The outbox against a real SMTP server on 127.0.0.1: who receives what and where its link leads, an outage that
loses nothing and repeats nothing, two senders that never send one message twice, headers that stay one line, and
messages that carry nothing about a resident nor the SMTP password."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from geo.db.schema import outbox
from geo.directory.editing import Editing, Report
from geo.errors import InputError
from geo.mail.outbox import Mailer, Outbox, SmtpServer, queue_in
from geo.mail.rules import State
from geo.services import MESSAGES
from tests.db.test_store import open_directory, run_geo
from tests.smtp_server import Inbox, RunningSmtp, free_port, running_smtp

ADMIN, EVS = "coordination@agglo.fr", "accueil@evs.fr"
PUBLIC = "https://mediation.exemple.fr"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningSmtp]:
    with running_smtp() as server:
        mail_settings(monkeypatch, server.url)
        yield server


def mail_settings(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("GUP_SMTP_URL", url)
    monkeypatch.setenv("GUP_MAIL_FROM", "Carte de la médiation <annuaire@exemple.fr>")
    monkeypatch.setenv("GUP_PUBLIC_URL", PUBLIC)


def with_roles(url: str) -> Editing:
    """The directory's editing with an admin and the EVS's editor."""
    editing = open_directory(url).editing(MESSAGES)
    editing.add_role(ADMIN, structure=None, by="installation")
    editing.add_role(EVS, structure="evs-bastide", by=ADMIN, as_editor=ADMIN)
    return editing


def send(editing: Editing, *, force: bool = False) -> None:
    Outbox(editing.store).deliver(Mailer.configured(), force=force)


def test_each_event_reaches_the_people_who_can_act_with_its_link(store_url: str, smtp: RunningSmtp) -> None:
    editing = with_roles(store_url)
    send(editing)
    invitations = {r.recipients[0]: r for r in smtp.inbox.received}
    assert set(invitations) == {ADMIN, EVS}
    assert invitations[EVS].message["Subject"] == ("Vous pouvez maintenant gérer la fiche « Espace de vie sociale "
                                                   "Bastide-Pont-Vieux » — Carte de la médiation")
    assert f"{PUBLIC}/gerer" in invitations[EVS].text and "traiter les signalements" in invitations[EVS].text
    assert "ajouter ou retirer des éditeurs" in invitations[ADMIN].text

    report_id = editing.file_report("evs-bastide", "numero_faux", "Le numéro sonne dans le vide.")
    editing.edit(EVS, "evs-bastide", {"quartiers": "QP011005"}, source="appel du 2 décembre")
    proposal_id = editing.proposals(ADMIN)[0].id
    editing.decide(ADMIN, proposal_id, approve=False, note="Le Viguier reste couvert.")
    send(editing)

    reports = [r for r in smtp.inbox.received if "Signalement n°" in r.message["Subject"]]
    assert sorted(r.recipients[0] for r in reports) == sorted([ADMIN, EVS])  # the structure's editor and the admin
    assert all(f"{PUBLIC}/gerer?signalement={report_id}" in r.text for r in reports)
    assert "numéro faux" in reports[0].text and "Le numéro sonne dans le vide." in reports[0].text
    proposals = [r for r in smtp.inbox.received if "Proposition n°" in r.message["Subject"]]
    assert [r.recipients for r in proposals] == [[ADMIN]]
    assert f"{PUBLIC}/gerer?proposition={proposal_id}" in proposals[0].text
    decisions = [r for r in smtp.inbox.received if "Votre proposition" in r.message["Subject"]]
    assert [r.recipients for r in decisions] == [[EVS]]
    assert "rejetée" in decisions[0].text and "Le Viguier reste couvert." in decisions[0].text
    assert f"{PUBLIC}/gerer?fiche=evs-bastide" in decisions[0].text

    for received in smtp.inbox.received:
        message = received.message
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["From"] == "Carte de la médiation <annuaire@exemple.fr>"
        assert message.get_content_type() == "multipart/alternative"
        assert f"{PUBLIC}/gerer?reglages=courriels" in received.text  # each one links to the reader's settings
        assert f'href="{PUBLIC}/gerer?reglages=courriels"' in received.html
    assert len({r.message["Message-ID"] for r in smtp.inbox.received}) == len(smtp.inbox.received) == 6
    assert {e.state for e in Outbox(editing.store).entries()} == {State.SENT}


@pytest.mark.slow
def test_an_outage_loses_nothing_and_then_delivers_each_message_once(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    url, port = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}", free_port()
    mail_settings(monkeypatch, f"smtp://127.0.0.1:{port}")  # nothing listens there yet
    editing = with_roles(url)
    editing.file_report("evs-bastide", "horaires_faux", "")
    send(editing)
    entries = Outbox(editing.store).entries()
    assert len(entries) == 4 and {e.state for e in entries} == {State.PENDING}
    assert all(e.attempts == 1 and e.next_try_at is not None and "127.0.0.1" in e.last_error for e in entries)
    send(editing)  # the retry time has not come: nothing is tried
    assert all(e.attempts == 1 for e in Outbox(editing.store).entries())

    with running_smtp(port=port) as server:
        env = {"GUP_SMTP_URL": f"smtp://127.0.0.1:{port}", "GUP_PUBLIC_URL": PUBLIC}
        listed = run_geo(url, "outbox", "--send", "--json", **env)
        again = run_geo(url, "outbox", "--send", "--json", **env)
    assert listed.returncode == 0 and "4 envoyé(s)" in listed.stderr
    assert {e["etat"] for e in json.loads(listed.stdout)} == {"envoye"}
    assert again.returncode == 0 and "Courriels :" not in again.stderr
    assert sorted(r.recipients[0] for r in server.inbox.received) == sorted([ADMIN, EVS, ADMIN, EVS])
    first = json.loads(listed.stdout)[0]
    assert set(first) == {"id", "destinataire", "objet", "motif", "structure", "etat", "essais", "cree_le",
                          "prochain_essai", "envoye_le", "erreur"} and first["essais"] == 2


def test_two_senders_at_once_never_send_a_message_twice(store_url: str, smtp: RunningSmtp) -> None:
    editing = with_roles(store_url)
    for _ in range(6):
        editing.file_report("evs-bastide", "autre", "")
    box, mailer = Outbox(editing.store), Mailer.configured()
    senders = [threading.Thread(target=box.deliver, args=(mailer,)) for _ in range(3)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    ids = [r.message["Subject"] + r.recipients[0] for r in smtp.inbox.received]
    assert len(ids) == len(set(ids)) == 2 + 6 * 2  # two invitations, each report to the editor and the admin


def test_a_name_or_a_text_with_line_breaks_never_becomes_a_header(tmp_path: Path, smtp: RunningSmtp) -> None:
    editing = with_roles(f"sqlite:///{tmp_path / 'annuaire.sqlite3'}")
    editing.file_report("evs-bastide", "autre", "Voir plus bas\r\nBcc: intrus@exemple.fr\r\n\r\nbonjour")
    forged = Report(99, "evs-bastide", "autre", "", datetime(2026, 12, 7, 10, 0), "ouvert", None, "")
    with editing.store.beside() as conn:
        queue_in(conn, MESSAGES.report(forged, "EVS\r\nBcc: intrus@exemple.fr\nX-Injecte: oui", EVS))
    send(editing)
    assert smtp.inbox.to("intrus@exemple.fr") == []
    for received in smtp.inbox.received:
        assert "Bcc" not in received.message and "X-Injecte" not in received.message
        assert len(received.recipients) == 1
    subjects = [r.message["Subject"] for r in smtp.inbox.to(EVS)]
    assert "Signalement n° 99 : autre — EVS Bcc: intrus@exemple.fr X-Injecte: oui" in subjects
    body = next(r.text for r in smtp.inbox.to(EVS) if "Voir plus bas" in r.text)
    assert "Bcc: intrus@exemple.fr" in body  # the resident's words stay words, in the body


def test_a_message_says_nothing_of_the_resident(tmp_path: Path, smtp: RunningSmtp,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    monkeypatch.setenv("GUP_DATABASE_URL", url)
    with_roles(url)
    from geo.http.api import create_app

    with TestClient(create_app()) as client:
        answer = client.post("/simple/signaler", data={"structure": "evs-bastide", "motif": "adresse_fausse",
                                                       "texte": "Le local a déménagé."},
                             headers={"User-Agent": "NavigateurDeTest/9.1", "X-Forwarded-For": "203.0.113.9",
                                      "Cookie": "session=abcdef"})
    assert answer.status_code == 200
    send(open_directory(url).editing(MESSAGES))
    reports = [r for r in smtp.inbox.received if "Signalement" in r.message["Subject"]]
    assert len(reports) == 2
    for received in reports:
        raw = received.raw.decode(errors="replace")
        for trace in ("203.0.113.9", "NavigateurDeTest", "abcdef", "testclient"):
            assert trace not in raw
        assert "Le local a déménagé." in received.text


@pytest.mark.slow
def test_the_password_never_shows_and_a_refused_recipient_is_not_tried_again(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    with running_smtp(login=("annuaire", "bon-secret-1234")) as server:
        mail_settings(monkeypatch, f"smtp://annuaire:mauvais-secret-9876@127.0.0.1:{server.port}")
        editing = with_roles(url)
        send(editing)
        failed = Outbox(editing.store).entries()
        assert {e.state for e in failed} == {State.PENDING} and all("535" in e.last_error for e in failed)
        listed = run_geo(url, "outbox", "--send", "--json",
                         GUP_SMTP_URL=f"smtp://annuaire:mauvais-secret-9876@127.0.0.1:{server.port}")
        assert "mauvais-secret-9876" not in listed.stdout + listed.stderr
        assert f"smtp://annuaire@127.0.0.1:{server.port}" in listed.stdout
        assert all("mauvais-secret-9876" not in e.last_error for e in Outbox(editing.store).entries())

        mail_settings(monkeypatch, server.url)
        send(editing, force=True)
        assert sorted(r.recipients[0] for r in server.inbox.received) == sorted([ADMIN, EVS])
    with running_smtp(inbox=RefusingInbox()) as refusing:
        mail_settings(monkeypatch, refusing.url)
        editing.add_role("parti@refuse.exemple.fr", structure="evs-bastide", by=ADMIN)
        send(editing)
        gone = Outbox(editing.store).entries()[0]
        assert gone.state is State.FAILED and gone.attempts == 1 and "550" in gone.last_error
        send(editing, force=True)
        assert Outbox(editing.store).entries()[0].attempts == 1


class RefusingInbox(Inbox):
    async def handle_RCPT(self, _server: object, _session: object, envelope: object, address: str,
                          _options: object) -> str:
        if address.endswith("@refuse.exemple.fr"):
            return "550 5.1.1 Destinataire inconnu"
        envelope.rcpt_tos.append(address)  # type: ignore[attr-defined]
        return "250 OK"


@pytest.mark.slow
def test_without_a_server_nothing_is_sent_and_everything_waits(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUP_SMTP_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    added = run_geo(url, "add-editor", ADMIN, "--admin", "--by", "Installation", GUP_SMTP_URL="")
    assert added.returncode == 0 and "1 courriel(s) en attente : GUP_SMTP_URL n'est pas réglé" in added.stderr
    listed = run_geo(url, "outbox", GUP_SMTP_URL="")
    assert listed.stdout.count("\n") == 1 and "[invitation]" in listed.stdout and "en attente" in listed.stdout
    assert "1 en_attente" in listed.stderr
    with open_directory(url).store.beside() as conn:  # a send that was interrupted midway is never sent again
        conn.execute(update(outbox).values(state=State.SENDING.value))
    assert "résultat inconnu" in run_geo(url, "outbox", GUP_SMTP_URL="").stdout


@pytest.mark.parametrize(("url", "shown", "secure", "password"), [
    ("smtp://carte:s%C3%A9cret%2F1@smtp.agglo.fr", "smtp://carte@smtp.agglo.fr:587", False, "sécret/1"),
    ("smtps://carte:motdepasse@smtp.agglo.fr", "smtps://carte@smtp.agglo.fr:465", True, "motdepasse"),
    ("smtp://127.0.0.1:2525", "smtp://127.0.0.1:2525", False, ""),
])
def test_the_server_is_read_from_its_url_and_shown_without_its_password(url: str, shown: str, secure: bool,
                                                                        password: str) -> None:
    server = SmtpServer.from_url(url)
    assert (server.shown, server.secure, server.password) == (shown, secure, password)
    assert password == "" or password not in repr(server)


@pytest.mark.parametrize("url", ["http://carte:motdepasse@smtp.agglo.fr", "smtp://carte:motdepasse@:25",
                                 "smtp://carte:motdepasse@smtp.agglo.fr:port"])
def test_an_unreadable_server_url_is_refused_without_its_password(url: str) -> None:
    with pytest.raises(InputError, match="GUP_SMTP_URL") as refused:
        SmtpServer.from_url(url)
    assert "motdepasse" not in str(refused.value)


def test_an_address_a_server_cannot_take_fails_once_saying_why(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A non-ASCII address with a server that does not offer SMTPUTF8 (as many): retrying it would never help, so
    it fails once, with the reason, instead of forever; the others go."""
    with running_smtp(utf8=False) as server:
        mail_settings(monkeypatch, server.url)
        editing = with_roles(f"sqlite:///{tmp_path / 'annuaire.sqlite3'}")
        editing.add_role("élodie@exemple.fr", structure="evs-bastide", by=ADMIN)
        send(editing)
        [failed] = [e for e in Outbox(editing.store).entries() if e.recipient == "élodie@exemple.fr"]
        assert failed.state is State.FAILED and failed.attempts == 1 and "SMTPUTF8" in failed.last_error
        send(editing, force=True)
        assert Outbox(editing.store).entries()[0].attempts == 1
        assert sorted(r.recipients[0] for r in server.inbox.received) == sorted([ADMIN, EVS])
