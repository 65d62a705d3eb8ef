"""The one place a page turns an error into what the visitor reads."""

from __future__ import annotations

import streamlit as st

from geo.db.store import StoreError
from geo.errors import DataError, GupError, incident, incident_message
from geo.i18n import _
from ui.text import md


def show_error(exc: GupError) -> None:
    """The one place the UI turns a known error into a message; the data's own problems stay in French."""
    if isinstance(exc, DataError):
        st.error(_("Les données de la carte contiennent des erreurs ; la carte ne peut pas s'afficher."))
        st.markdown("\n".join(f"- {md(str(p))}" for p in exc.problems))
        st.info(_("Corrigez le fichier indiqué (ou reconstruisez les quartiers avec "
                  "`python -m geo build-data`), puis rechargez la page."))
    elif isinstance(exc, StoreError):  # its words name the database for operators: a visitor gets a reference
        show_incident(exc)
    else:
        st.error(md(str(exc)))


def show_incident(exc: Exception) -> None:
    """An unexpected error: the page still answers, with a reference; the stack goes to the server's log."""
    st.error(incident_message(incident(exc)))
