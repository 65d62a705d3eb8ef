"""A real SMTP server on 127.0.0.1 (aiosmtpd), started and stopped by the tests, which read what it received:
each envelope (who the server was asked to deliver to) with the message as parsed by the standard library."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content())


@dataclass
class Inbox:
    """Everything the server accepted, in order."""

    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed, raw))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningSmtp:
    port: int
    inbox: Inbox
    login: tuple[str, str] | None

    @property
    def url(self) -> str:
        user = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"smtp://{user}127.0.0.1:{self.port}"


def _authenticator(login: tuple[str, str]) -> Any:
    def check(_server: Any, _session: Any, _envelope: Any, mechanism: str, data: Any) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == login
        return AuthResult(success=good, handled=False)

    return check


@contextmanager
def running_smtp(*, port: int | None = None, login: tuple[str, str] | None = None,
                 inbox: Inbox | None = None, utf8: bool = True) -> Iterator[RunningSmtp]:
    """Listening on 127.0.0.1 until the block ends; `login` makes it ask for AUTH (over plain text: loopback);
    without `utf8`, it does not offer SMTPUTF8 (as many servers)."""
    inbox = inbox or Inbox()
    port = port or free_port()
    options: dict[str, Any] = {"authenticator": _authenticator(login), "auth_required": True,
                               "auth_require_tls": False} if login else {}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, enable_SMTPUTF8=utf8, **options)
    controller.start()
    try:
        yield RunningSmtp(port, inbox, login)
    finally:
        controller.stop()
