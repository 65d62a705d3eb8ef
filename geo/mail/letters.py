"""The service's e-mail, in French: plain text with an HTML alternative, each message linking to the exact /gerer
page that handles it and ending with the link to the reader's own e-mail settings. Each domain writes its own
messages on this frame (geo.directory.letters, geo.problems.letters); who receives what is decided in their rules.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from geo import config
from geo.mail.rules import Message, Reason
from geo.render.links import manage_link

SIGNATURE = "Carte de la médiation — GUP Carcassonne"
Block = str | Sequence[str]
"""A paragraph, or a list shown as bullets."""


@dataclass(frozen=True)
class MessageBody:
    """A message before it is addressed: its words, its one action link, and why the reader receives it."""

    subject: str
    blocks: tuple[Block, ...]
    action: tuple[str, str]
    """The button's words and the /gerer address it opens."""
    why: str

    def to(self, recipient: str, reason: Reason, *, structure: str | None = None, topic: str = "",
           key: str | None = None) -> Message:
        return Message(recipient, self.subject, self._text(), self._html(), reason, structure, topic, key)

    def _text(self) -> str:
        parts = ["\n".join(f"- {line}" for line in b) if not isinstance(b, str) else b for b in self.blocks]
        label, url = self.action
        return "\n\n".join([*parts, f"{label} : {url}", _footer_text(self.why)]) + "\n"

    def _html(self) -> str:
        parts = [f"<p>{html.escape(b)}</p>" if isinstance(b, str)
                 else "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in b) + "</ul>" for b in self.blocks]
        label, url = self.action
        settings = manage_link(config.public_url(), reglages="courriels")
        return ("<!doctype html><html lang=\"fr\"><body style=\"font-family:sans-serif;line-height:1.5\">"
                + "".join(parts)
                + f"<p><a href=\"{html.escape(url)}\" style=\"font-weight:bold\">{html.escape(label)}</a></p>"
                + f"<hr><p style=\"color:#555;font-size:90%\">{html.escape(self.why)}<br>"
                + f"<a href=\"{html.escape(settings)}\">Choisir les courriels que je reçois</a><br>"
                + f"{html.escape(SIGNATURE)} — message automatique, ne répondez pas à ce courriel.</p></body></html>")


def _footer_text(why: str) -> str:
    settings = manage_link(config.public_url(), reglages="courriels")
    return (f"--\n{why}\nChoisir les courriels que je reçois : {settings}\n"
            f"{SIGNATURE} — message automatique, ne répondez pas à ce courriel.")


def manage_page(**params: str | int) -> str:
    """The /gerer address that handles a message's subject, on the deployment's public address."""
    return manage_link(config.public_url(), **params)
