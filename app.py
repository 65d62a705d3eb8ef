"""Carte de la médiation — GUP Carcassonne. Run with `make run`."""

import streamlit as st

import ui
from geo.errors import GupError

st.set_page_config(page_title="Carte de la médiation — Carcassonne", page_icon="🤝", layout="centered")
st.markdown(ui.CSS, unsafe_allow_html=True)

page = st.navigation([st.Page("pages/resident.py", title="Trouver de l'aide", icon="🏠", default=True)],
                     position="hidden")  # one page for now: no empty menu bar on a phone
try:
    page.run()
except GupError as exc:
    ui.show_error(exc)
