"""« Signaler une erreur » under every card and sheet: a reason, an optional text, nothing personal.

The limit is counted twice, in memory only: per browser session, and per client address at the server (the
address is a key of the in-memory counter, never written anywhere), the same count as the light page's form.
"""

from __future__ import annotations

import streamlit as st

from geo.domain.model import Structure
from geo.domain.reports import MAX_TEXT, PER_HOUR, REASONS, REPORTS_PER_ADDRESS, RateLimit, client_key
from geo.errors import GupError
from geo.i18n import _
from web import resources
from web.errors import show_error


def session_limit(name: str, per_hour: int = PER_HOUR) -> RateLimit:
    """A visitor's own hourly limit, kept in their browser session (`name` tells one kind of sending from another)."""
    limit: RateLimit = st.session_state.setdefault(name, RateLimit(limit=per_hour))
    return limit


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
    address = client_key(st.context.ip_address)  # the peer, or the client a trusted proxy names (geo serve)
    if not session_limit("signalements").allow("session") or not REPORTS_PER_ADDRESS.allow(address):
        st.warning(_("Vous avez envoyé beaucoup de signalements en peu de temps : réessayez dans une heure."))
        return
    try:
        resources.editing().file_report(structure.id, reason, text)
    except GupError as exc:
        show_error(exc)
        return
    st.success(_("Merci : votre signalement a été transmis à la structure et à la coordination."))
