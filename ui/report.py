"""« Signaler une erreur » under every card and sheet: a reason, an optional text, nothing personal.

The limit is the core's, counted twice, in memory only: per browser session, and per client address at the server
(the address is a key of the in-memory counter, never written anywhere), the same count as the light page's form.
"""

from __future__ import annotations

import secrets

import streamlit as st

from geo.directory.corrections import MAX_TEXT, REASONS
from geo.errors import GupError
from geo.i18n import _
from geo.limits import Sender, client_key
from geo.territory.model import Structure
from ui import resources
from ui.errors import show_error


def sender() -> Sender:
    """This visitor as the core's limits count them: their address (the peer, or the client a trusted proxy names)
    and their browser session (a random name, kept in the session only)."""
    session: str = st.session_state.setdefault("expediteur", secrets.token_hex(8))
    return Sender(client_key(st.context.ip_address), session=session)


def report_button(structure: Structure) -> None:
    with (st.container(key=f"signaler-{structure.id}"), st.popover(_("Signaler une erreur"), icon="🚩"),
          st.form(f"formulaire-signaler-{structure.id}", clear_on_submit=True, border=False)):
        st.caption(_("Aidez-nous à garder cette fiche juste. Ne donnez aucune information personnelle."))
        reason = st.radio(_("Qu'est-ce qui est faux ?"), list(REASONS), format_func=lambda key: _(REASONS[key]),
                          key=f"motif-{structure.id}")
        text = st.text_area(_("Précisions (facultatif)"), max_chars=MAX_TEXT, key=f"texte-{structure.id}")
        sent = st.form_submit_button(_("Envoyer le signalement"))
    if sent:  # said under the button, where it stays visible once the popover closes
        with st.container(key=f"signale-{structure.id}"):
            _file(structure, reason, text)


def _file(structure: Structure, reason: str, text: str) -> None:
    try:
        resources.editing().file_report(structure.id, reason, text, sender=sender())
    except GupError as exc:
        show_error(exc)
        return
    st.success(_("Merci : votre signalement a été transmis à la structure et à la coordination."))
