"""The language of a visit: the switch on every page, kept in the URL, and fragments that keep it too."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, ParamSpec

import streamlit as st

from geo.i18n import LANGUAGES, SOURCE, activate, direction, language, parse_language

P = ParamSpec("P")

#: Each language name in the switch is marked with its own language (WCAG 3.1.2), so that it is read out in it;
#: one observer per browser tab keeps the marks when Streamlit draws the switch again.
MARK_LANGUAGE_NAMES = (
    f"window.gupLanguageNames = {json.dumps({name: code for code, name in LANGUAGES.items()}, ensure_ascii=False)};"
    "if (!window.gupLanguageObserver) {"
    " const mark = () => document.querySelectorAll('[role=radiogroup] [role=radio] p').forEach(p => {"
    "  const code = window.gupLanguageNames[p.textContent]; if (code && p.lang !== code) p.lang = code; });"
    " window.gupLanguageObserver = new MutationObserver(mark);"
    " window.gupLanguageObserver.observe(document.body, {childList: true, subtree: true}); mark(); }"
)


def choose_language() -> None:
    """The language switch of every page: the `lang=` parameter first, then the resident's choice, kept in the URL."""
    state = st.session_state
    if state.get("langue") is None:  # first visit, or the chosen button tapped again (which unselects it)
        state["langue"] = state.get("langue_active") or parse_language(st.query_params.get("lang"))
    state["langue_active"] = state["langue"]
    activate(state["langue"])
    st.segmented_control("Langue · اللغة · Language · Idioma", list(LANGUAGES), format_func=LANGUAGES.__getitem__,
                         key="langue", label_visibility="collapsed")
    if language() == SOURCE:
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = language()
    # The document itself says its language and direction: screen readers, fonts and axe read them there.
    st.html(f"<script>document.documentElement.lang = '{language()}';"
            f"document.documentElement.dir = '{direction()}';{MARK_LANGUAGE_NAMES}</script>", unsafe_allow_javascript=True)


def fragment(body: Callable[P, None] | None = None, *, run_every: float | None = None) -> Any:
    """`st.fragment` in the visit's language: a fragment rerun does not run the page, so it cannot rely on the
    page's switch having set the language; every fragment of the pages is declared through this
    (`@fragment`, or `@fragment(run_every=seconds)` for one that reruns by itself)."""

    def declare(function: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(function)
        def in_language(*args: P.args, **kwargs: P.kwargs) -> None:
            activate(st.session_state.get("langue_active") or SOURCE)
            function(*args, **kwargs)

        return st.fragment(in_language, run_every=run_every)

    return declare if body is None else declare(body)
