"""The outbox: every e-mail is first a row, written in the same transaction as the event that causes it, and sent
only after that transaction commits. A send claims its row first (one UPDATE that only one process can win), so
two servers, a cron run and a page never send the same message twice; a failure waits and tries again, so an SMTP
outage loses nothing.

A message's body is never logged; the SMTP password never reaches a page, a log or an error message.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, Row, func, insert, select, update

from geo import config
from geo.db.schema import outbox
from geo.db.store import Store, moment_text
from geo.errors import InputError
from geo.mail.rules import Message, State, after_failure, one_line
from geo.territory.hours import local, now

log = logging.getLogger(__name__)
SMTP_TIMEOUT = 20
LOOK_AGAIN_SECONDS = 60.0
"""How often a server's outbox_sender looks for messages whose retry time has come."""
BATCH = 200


@dataclass(frozen=True)
class Entry:
    """A message as the outbox lists it: everything but its body."""

    id: int
    recipient: str
    subject: str
    reason: str
    structure: str | None
    state: State
    attempts: int
    created_at: datetime
    next_try_at: datetime | None
    sent_at: datetime | None
    last_error: str

    def as_json(self) -> dict[str, Any]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat(timespec="seconds") if moment else None

        return {"id": self.id, "destinataire": self.recipient, "objet": self.subject, "motif": self.reason,
                "structure": self.structure, "etat": self.state.value, "essais": self.attempts,
                "cree_le": iso(self.created_at), "prochain_essai": iso(self.next_try_at),
                "envoye_le": iso(self.sent_at), "erreur": self.last_error}

    def __str__(self) -> str:
        when = {State.SENT: f"envoyé ({moment_text(self.sent_at)})" if self.sent_at else "envoyé",
                State.PENDING: f"en attente, essai n° {self.attempts + 1} à partir du {moment_text(self.next_try_at)}"
                if self.attempts and self.next_try_at else "en attente",
                State.FAILED: f"en échec après {self.attempts} essai(s)",
                State.HELD: "gardé pour le résumé du jour", State.BUNDLED: "envoyé dans un résumé du jour",
                State.SENDING: "envoi commencé, résultat inconnu (pas renvoyé de lui-même)"}[self.state]
        error = f" — {self.last_error}" if self.last_error and self.state is not State.SENT else ""
        return (f"n° {self.id} ({moment_text(self.created_at)}) → {self.recipient} [{self.reason}] {self.subject} — "
                f"{when}{error}")


@dataclass(frozen=True)
class Delivery:
    sent: int = 0
    failed: int = 0
    waiting: int = 0
    """Still pending after this round (their retry time has not come, or the server is not configured)."""


def queue_in(conn: Connection, message: Message, *, held: bool = False) -> int | None:
    """Writes a message in the caller's transaction; None when a scheduled message with its key was already
    written (a second run of the same day writes nothing)."""
    if message.key is not None and conn.execute(select(outbox.c.id).where(outbox.c.key == message.key)).first():
        return None
    return int(conn.execute(insert(outbox).returning(outbox.c.id).values(
        key=message.key, recipient=message.recipient, subject=one_line(message.subject), body_text=message.text,
        body_html=message.html, reason=message.reason.value, structure_id=message.structure, topic=message.topic,
        state=(State.HELD if held else State.PENDING).value, attempts=0, created_at=now(), next_try_at=None,
        sent_at=None, last_error="")).scalar_one())


ERASED = "[effacé]"


def erase_recipient_in(conn: Connection, address: str, topic: str) -> None:
    """The copies of an erased address (a reporter's, 30 days after closing): every message about `topic` to it
    keeps only its dates and reason; one not sent yet will never be."""
    about = (outbox.c.recipient == address) & (outbox.c.topic == topic)
    conn.execute(update(outbox).where(about & (outbox.c.state != State.SENT.value)).values(
        state=State.FAILED.value, next_try_at=None))
    conn.execute(update(outbox).where(about).values(
        recipient=ERASED, subject=ERASED, body_text="", body_html="", last_error="adresse effacée", key=None))


def forget_bodies_in(conn: Connection, moment: datetime, keep_days: int) -> int:
    """Messages sent or failed over `keep_days` ago keep their metadata only (recipient, subject, reason, dates):
    what they said is no longer kept. The number of messages emptied."""
    done = (State.SENT.value, State.FAILED.value, State.BUNDLED.value)
    return int(conn.execute(update(outbox).where(
        outbox.c.state.in_(done) & (outbox.c.created_at < moment - timedelta(days=keep_days))
        & ((outbox.c.body_text != "") | (outbox.c.body_html != ""))).values(body_text="", body_html="")).rowcount)


def _entry(r: Row[Any]) -> Entry:
    def at(moment: datetime | None) -> datetime | None:
        return local(moment) if moment else None

    return Entry(r.id, r.recipient, r.subject, r.reason, r.structure_id, State(r.state), r.attempts,
                 local(r.created_at), at(r.next_try_at), at(r.sent_at), r.last_error)


class MailError(Exception):
    """A send that did not go, said without the password; `permanent` when the server refused it for good."""

    def __init__(self, text: str, *, permanent: bool = False):
        super().__init__(text)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes, read from GUP_SMTP_URL: smtp:// (STARTTLS when offered) or smtps:// (TLS from the start)."""

    secure: bool
    host: str
    port: int
    user: str
    password: str = field(repr=False)

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise InputError(f"GUP_SMTP_URL illisible : « {parts.scheme}://{parts.hostname or ''} » (attendu : "
                             "smtp://utilisateur:mot-de-passe@hote:587 ou smtps://…:465).")
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 587)
        except ValueError:
            raise InputError(f"GUP_SMTP_URL : port illisible pour {parts.hostname}.") from None
        return cls(parts.scheme == "smtps", parts.hostname, port, unquote(parts.username or ""),
                   unquote(parts.password or ""))

    @property
    def shown(self) -> str:
        """The server as pages and logs may show it: no password, ever."""
        user = f"{self.user}@" if self.user else ""
        return f"{'smtps' if self.secure else 'smtp'}://{user}{self.host}:{self.port}"


class Mailer:
    """Sends outbox messages through one SMTP server, one connection per round."""

    def __init__(self, server: SmtpServer, sender: str):
        self.server = server
        self.sender = one_line(sender)
        self.sender_address = parseaddr(self.sender)[1]
        if "@" not in self.sender_address:
            raise InputError(f"GUP_MAIL_FROM sans adresse : « {self.sender} ».")

    @classmethod
    def configured(cls) -> Mailer | None:
        """The mailer of GUP_SMTP_URL and GUP_MAIL_FROM; None when no server is set (nothing is sent)."""
        url = config.smtp_url()
        return cls(SmtpServer.from_url(url), config.mail_from()) if url else None

    def compose(self, r: Row[Any]) -> EmailMessage:
        """French text with an HTML alternative. Headers only ever hold one line: To is an address the store
        validated, the subject went through one_line, and the envelope names the one recipient."""
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = one_line(r.recipient)
        mail["Subject"] = one_line(r.subject)
        mail["Date"] = format_datetime(now())
        mail["Message-ID"] = make_msgid(f"outbox{r.id}", domain=self.sender_address.split("@")[1])
        mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: auto-replies must not answer it
        mail["X-Auto-Response-Suppress"] = "All"
        mail.set_content(r.body_text)
        mail.add_alternative(r.body_html, subtype="html")
        return mail

    @contextmanager
    def session(self) -> Iterator[smtplib.SMTP]:
        try:
            client = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            raise self._failure(exc) from None
        try:
            yield client
        finally:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()

    def _connect(self) -> smtplib.SMTP:
        server, context = self.server, ssl.create_default_context()
        client: smtplib.SMTP
        if server.secure:
            client = smtplib.SMTP_SSL(server.host, server.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT)
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
        if server.user:
            client.login(server.user, server.password)
        return client

    def send(self, client: smtplib.SMTP, r: Row[Any]) -> None:
        """One message; a failure never names its recipient (it reaches the log and the outbox's last error)."""
        try:
            client.send_message(self.compose(r), from_addr=self.sender_address, to_addrs=[r.recipient])
        except smtplib.SMTPNotSupportedError:  # retrying would never help: said once, for good
            raise MailError(f"{self.server.shown} : ce serveur n'accepte pas les adresses avec accents ou caractères "
                            "non latins (SMTPUTF8) ; demandez une autre adresse au destinataire.",
                            permanent=True) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise self._failure(exc, permanent=all(500 <= c < 600 for c in codes), hidden=r.recipient) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise self._failure(exc, hidden=r.recipient) from None

    def _failure(self, exc: Exception, *, permanent: bool = False, hidden: str = "") -> MailError:
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            said = "; ".join(f"{code} {text.decode(errors='replace')}" for code, text in exc.recipients.values())
        elif isinstance(exc, smtplib.SMTPResponseException):
            error = exc.smtp_error
            said = f"{exc.smtp_code} {error.decode(errors='replace') if isinstance(error, bytes) else error}"
        elif isinstance(exc, OSError) and exc.strerror:
            said = exc.strerror
        else:
            said = str(exc) or type(exc).__name__
        if self.server.password:
            said = said.replace(self.server.password, "•••")
        if hidden:  # a refusal quotes the address (« <jean@…>: Recipient address rejected »)
            said = re.sub(re.escape(hidden), "[destinataire]", said, flags=re.IGNORECASE)
        return MailError(one_line(f"{self.server.shown} : {said}", 500), permanent=permanent)


def mail_status() -> str:
    """How this process sends mail, in French, for an operator and for the admins' page (never a password)."""
    try:
        mailer = Mailer.configured()
    except InputError as exc:
        return f"Envoi des courriels impossible : {exc}"
    if mailer is None:
        return ("Aucun serveur d'envoi (GUP_SMTP_URL) : aucun courriel ne part, les messages attendent dans la boîte "
                "d'envoi.")
    return f"Courriels envoyés par {mailer.server.shown}, de la part de {mailer.sender}."


class Outbox:
    def __init__(self, store: Store):
        self.store = store

    def entries(self, *, limit: int | None = None) -> list[Entry]:
        """The newest first."""
        query = select(outbox).order_by(outbox.c.id.desc())
        with self.store.reading() as conn:
            return [_entry(r) for r in conn.execute(query.limit(limit) if limit else query)]

    def forget_old_bodies(self) -> int:
        """The daily round's part: what sent mail said is kept GUP_OUTBOX_KEEP_DAYS days (90 by default)."""
        with self.store.beside() as conn:
            emptied = forget_bodies_in(conn, now(), config.outbox_keep_days())
        if emptied:
            self.store.checkpoint()
        return emptied

    def counts(self) -> dict[State, int]:
        with self.store.reading() as conn:
            return {State(r.state): int(r.n) for r in
                    conn.execute(select(outbox.c.state, func.count().label("n")).group_by(outbox.c.state))}

    def deliver(self, mailer: Mailer | None, *, force: bool = False) -> Delivery:
        """Sends the pending messages whose time has come (all of them with `force`). Without a mailer nothing
        is sent and every message waits. A message is claimed before it is sent: only one process sends it."""
        with self.store.reading() as conn:
            pending = list(conn.execute(select(outbox.c.id, outbox.c.next_try_at)
                                        .where(outbox.c.state == State.PENDING.value).order_by(outbox.c.id)))
        moment = now()
        due = [r.id for r in pending if force or r.next_try_at is None or local(r.next_try_at) <= moment][:BATCH]
        if mailer is None or not due:
            return Delivery(waiting=len(pending))
        sent = failed = 0
        try:
            with mailer.session() as client:
                for message_id in due:
                    if (row := self._claim(message_id)) is None:
                        continue
                    try:
                        mailer.send(client, row)
                    except MailError as exc:
                        self._failed(row, exc)
                        failed += 1
                        continue
                    self._sent(message_id)
                    sent += 1
        except MailError as exc:  # no connection: every due message waits longer, with the reason
            for message_id in due[sent + failed:]:
                if (row := self._claim(message_id)) is not None:
                    self._failed(row, exc)
                    failed += 1
        if sent or failed:
            log.info("boîte d'envoi : %d envoyé(s), %d échec(s)", sent, failed)
        return Delivery(sent, failed, len(pending) - sent - failed)

    def _claim(self, message_id: int) -> Row[Any] | None:
        with self.store.beside() as conn:
            won = conn.execute(update(outbox).where((outbox.c.id == message_id) & (outbox.c.state == State.PENDING.value))
                               .values(state=State.SENDING.value)).rowcount
            return conn.execute(select(outbox).where(outbox.c.id == message_id)).one() if won else None

    def _sent(self, message_id: int) -> None:
        with self.store.beside() as conn:
            conn.execute(update(outbox).where(outbox.c.id == message_id).values(
                state=State.SENT.value, sent_at=now(), attempts=outbox.c.attempts + 1, last_error=""))

    def _failed(self, row: Row[Any], exc: MailError) -> None:
        attempts = row.attempts + 1
        state, retry = after_failure(attempts, now(), permanent=exc.permanent)
        log.warning("courriel n° %d non envoyé (essai %d) : %s", row.id, attempts, exc)
        with self.store.beside() as conn:
            conn.execute(update(outbox).where(outbox.c.id == row.id).values(
                state=state.value, attempts=attempts, next_try_at=retry, last_error=str(exc)))


class OutboxSender:
    """A server process's sender: woken after every commit that queued mail, and once a minute for the retries
    whose time has come. One thread; a failure is written to the message and the outbox_sender goes on."""

    def __init__(self, box: Outbox):
        self.box = box
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="courrier", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._wake.set()
            self._thread.join(timeout=SMTP_TIMEOUT + 5)
            self._thread = None

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=LOOK_AGAIN_SECONDS)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.box.deliver(Mailer.configured())
            except Exception:
                log.exception("boîte d'envoi : tour d'envoi interrompu")
