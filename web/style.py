"""The house style sheet, a real CSS file beside this module, put once at the top of every page."""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

STYLE_SHEET = Path(__file__).with_name("style.css")


@functools.cache
def _style_tag() -> str:
    return f"<style>\n{STYLE_SHEET.read_text(encoding='utf-8')}</style>"


def apply_house_style() -> None:
    st.markdown(_style_tag(), unsafe_allow_html=True)
