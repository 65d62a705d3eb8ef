"""A sheet per structure: a link to share, a print view, call, text, directions, and where each fact comes from."""

import streamlit as st
from streamlit_js_eval import streamlit_js_eval

from geo.i18n import _
from geo.render.present import directions_href, facts_with_sources, sms_href, structure_card_html
from geo.territory import hours
from ui import resources
from ui.report import report_button
from ui.text import md

dataset = resources.dataset()
st.title(_("Fiche structure"))
names = {s.id: s.nom for s in dataset.structures}
wanted = st.query_params.get("id")
if wanted and wanted not in names:
    st.caption(_("Structure inconnue « {id} » dans le lien : choisissez-la dans la liste.").format(id=md(wanted)))
choice = st.selectbox(_("Structure"), list(names), index=list(names).index(wanted) if wanted in names else 0,
                      format_func=names.__getitem__, key="fiche")
st.query_params["id"] = choice
structure = dataset.known_structure(choice)
moment = hours.now()

st.markdown(structure_card_html(structure, dataset.services, availability=hours.availability(structure, moment),
                                at=moment), unsafe_allow_html=True)
report_button(structure)
sms, route = sms_href(structure), directions_href(structure)
links = [f"[💬 {label}]({href})" for label, href in ((_("Envoyer un SMS"), sms),
                                                    (_("Itinéraire vers l'adresse"), route)) if href]
if links:
    st.markdown(" · ".join(links))
covered = ", ".join(dataset.territory.known_quartier(c).nom_local for c in structure.quartiers)
st.markdown("**" + _("Quartiers couverts :") + "** " + md(covered))
st.markdown("**" + _("Types d'aide :") + "** " + md(", ".join(_(dataset.known_service(k).label) for k in structure.services)))
st.markdown("**" + _("Sources") + "**")
st.table([{_("Fait"): f.fact, _("Source et date"): f.source, _("À vérifier ?"): f.to_check}
          for f in facts_with_sources(structure, moment.date())])
base_url = (st.context.url or "").split("?")[0]
st.caption(_("Lien à partager :"))
st.code(f"{base_url}?id={choice}", language=None)
if st.button(_("🖨️ Imprimer la fiche"), key="imprimer"):
    streamlit_js_eval(js_expressions="window.print()", key="impression")
