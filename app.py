"""Carte de la médiation — GUP Carcassonne. Run with `make run`."""

import streamlit as st

from geo.errors import GupError
from geo.i18n import _
from ui.errors import show_error, show_incident
from ui.language import choose_language
from ui.live import follow_directory
from ui.style import apply_house_style

apply_house_style()
choose_language()
st.set_page_config(page_title=_("Carte de la médiation — Carcassonne"), page_icon="🤝", layout="centered")

resident = st.Page("ui/pages/resident.py", title=_("Trouver de l'aide"), icon="🏠", default=True)
planner = st.Page("ui/pages/planner.py", title=_("Planifier"), icon="📊", url_path="planification")
partners = st.Page("ui/pages/partners.py", title=_("Partenaires"), icon="🔗", url_path="partenaires")
structure = st.Page("ui/pages/structure.py", title=_("Fiche structure"), icon="📇", url_path="structure")
manage = st.Page("ui/pages/manage.py", title=_("Gérer"), icon="🔐", url_path="gerer")
embedded = st.context.is_embedded  # embed=true, inside a partner's iframe: no menu, only the map and the answer
page = st.navigation([resident, planner, partners, structure, manage], position="hidden" if embedded else "top")
if st.query_params.get("vue") == "planner" and page == resident:  # a shared link may open the planner view
    st.switch_page(planner)
try:
    if page != manage:  # an editor's form must not rerun under their fingers; their own writes rerun their page
        follow_directory()
    page.run()
except GupError as exc:
    show_error(exc)
except Exception as exc:  # the page still answers: a reference for the resident, the stack in the server log
    show_incident(exc)
