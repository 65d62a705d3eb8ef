"""The house style: the core's card styles (geo/render/cards.css) and the Streamlit pages' own sheet beside this
module, put once at the top of every page."""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

from geo.render.present import CARDS_STYLE_SHEET

STYLE_SHEET = Path(__file__).with_name("style.css")


@functools.cache
def _style_tag() -> str:
    sheets = (CARDS_STYLE_SHEET.read_text(encoding="utf-8"), STYLE_SHEET.read_text(encoding="utf-8"))
    return "<style>\n" + "\n".join(sheets) + "</style>"


def apply_house_style() -> None:
    st.markdown(_style_tag(), unsafe_allow_html=True)
