"""Resident page: where am I, and whom do I call or visit for the help I need?"""

import streamlit as st
from streamlit_folium import st_folium

import ui
from geo import stats
from geo.mapview import quartiers_map
from geo.present import answer_headline, service_chip, structure_card_html

dataset = ui.dataset()
locator = ui.locator()
territory = dataset.territory
state = st.session_state


def _forget_point() -> None:
    state.pop("point", None)


st.subheader("Qui peut m'aider près de chez moi ?")
st.write(f"Médiation et accompagnement dans les quartiers prioritaires de {territory.commune_nom}.")

with st.container(key="recherche-adresse"):  # the address search takes this place (next issue)
    st.caption("🔎 La recherche par adresse arrive bientôt. En attendant, choisissez votre quartier "
               "ou touchez la carte à l'endroit où vous habitez.")

if "quartier_touche" in state:  # a tap on the map chose the quartier: show it in the list too
    state["quartier"] = state.pop("quartier_touche")

st.selectbox(
    "Votre quartier", [q.code for q in territory.quartiers], index=None, key="quartier",
    format_func=lambda code: territory.quartier(code).nom_local,
    placeholder="Choisissez votre quartier", on_change=_forget_point,
)

answer = None
if "point" in state:
    answer = locator.locate(*state["point"])
elif state.get("quartier"):
    answer = locator.for_quartier(state["quartier"])

if answer is not None and answer.structures:
    st.success(f"**{ui.md(answer_headline(answer))}**  \n{len(answer.structures)} structure(s) à contacter, ci-dessous.",
               icon="📍")
elif answer is not None:
    st.warning(f"**{ui.md(answer_headline(answer))}**  \nAucune structure de la brochure ne couvre ce lieu.", icon="📍")

fmap = quartiers_map(territory, selected=answer.quartier.code if answer and answer.quartier else None,
                     marker=state.get("point"))
clicked = st_folium(fmap, key="carte", height=320, use_container_width=True,
                    returned_objects=["last_clicked"]).get("last_clicked")
if clicked and clicked != state.get("dernier_clic"):
    state["dernier_clic"] = clicked
    state["point"] = (clicked["lng"], clicked["lat"])
    tapped = locator.locate(*state["point"])
    state["quartier_touche"] = tapped.quartier.code if tapped.quartier else None
    st.rerun()

if answer is None:
    st.info("Choisissez votre quartier dans la liste ou touchez la carte pour voir qui peut vous aider.")
    st.stop()
if not answer.structures:
    st.stop()

service = st.pills("De quelle aide avez-vous besoin ?", [s.key for s in dataset.services], key="service",
                   format_func=lambda key: service_chip(dataset.service(key)))
counted = state.setdefault("recherches_comptees", set())  # once per session and question, not per rerun
question = (answer.quartier.code if answer.quartier else None, service)
if question not in counted:
    counted.add(question)
    stats.record_answer(answer, service)
shown = answer.structures_for(service)
if not shown:
    st.warning(f"Ici, aucune structure ne propose « {ui.md(dataset.service(service).label)} ». "
               "Touchez l'aide choisie pour la désélectionner et voir toutes les structures.")
st.caption(f"{len(shown)} structure(s) à contacter" + (f" pour « {ui.md(dataset.service(service).label)} »" if service else ""))
for structure in shown:
    st.markdown(structure_card_html(structure, dataset.services), unsafe_allow_html=True)
st.caption(f"Sources : brochure « La médiation » de la Ville de Carcassonne ; {ui.md(territory.attribution)}.")
