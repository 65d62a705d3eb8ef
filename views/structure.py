"""A sheet per structure: a link to share, a print view, call, text, directions, and where each fact comes from."""

import streamlit as st
from streamlit_js_eval import streamlit_js_eval

import ui
from geo import hours
from geo.present import directions_href, facts_with_sources, sms_href, structure_card_html

dataset = ui.dataset()
names = {s.id: s.nom for s in dataset.structures}
wanted = st.query_params.get("id")
if wanted and wanted not in names:
    st.caption(f"Structure inconnue « {ui.md(wanted)} » dans le lien : choisissez-la dans la liste.")
choice = st.selectbox("Structure", list(names), index=list(names).index(wanted) if wanted in names else 0,
                      format_func=names.get, key="fiche")
st.query_params["id"] = choice
structure = dataset.structure(choice)
moment = hours.now()

st.markdown(structure_card_html(structure, dataset.services, availability=hours.availability(structure, moment),
                                today=moment.date()), unsafe_allow_html=True)
links = [f"[💬 Envoyer un SMS]({sms})" for sms in [sms_href(structure)] if sms]
links += [f"[🧭 Itinéraire vers l'adresse]({route})" for route in [directions_href(structure)] if route]
if links:
    st.markdown(" · ".join(links))
st.markdown("**Quartiers couverts** : " + ui.md(", ".join(dataset.territory.quartier(c).nom_local
                                                           for c in structure.quartiers)))
st.markdown("**Types d'aide** : " + ui.md(", ".join(dataset.service(k).label for k in structure.services)))
st.markdown("**Sources**")
st.table([{"Fait": f["fait"], "Source et date": f["source"], "": f["a_verifier"]}
          for f in facts_with_sources(structure, moment.date())])
base_url = (st.context.url or "").split("?")[0]
st.caption("Lien à partager :")
st.code(f"{base_url}?id={choice}", language=None)
if st.button("🖨️ Imprimer la fiche", key="imprimer"):
    streamlit_js_eval(js_expressions="window.print()", key="impression")
