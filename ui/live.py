"""Open pages follow the directory: a committed change shows within seconds, without restarting the app.

A small fragment reruns by itself every few seconds and reads the store's revision (one cheap query, at most
once a second per process, shared by every visitor); only when it moved does the whole page run again.
"""

from __future__ import annotations

import streamlit as st

from geo.errors import GupError
from ui import resources
from ui.language import fragment

#: How often an open page looks for a change; with the core's one-second revision cache, a change shows within 3 s.
EVERY_SECONDS = 2.0


@fragment(run_every=EVERY_SECONDS)
def follow_directory() -> None:
    try:
        revision = resources.revision()
    except GupError:  # the page itself says what is wrong with the data, in its one place for errors
        return
    shown = st.session_state.setdefault("revision_affichee", revision)
    if revision != shown:
        st.session_state["revision_affichee"] = revision
        st.rerun(scope="app")
