"""Planner page: where the network is thin, for how many people, and what if we changed it."""

import streamlit as st
from streamlit_folium import st_folium

import ui
from geo import config, stats
from geo.coverage import Scenario, count_table, coverage_cells, indicators_table, weak_spots
from geo.data import INDICATORS
from geo.export import weak_spots_colours
from geo.mapview import choropleth_map, classify, legend_html

st.set_page_config(layout="wide")  # the matrix needs the width of a desk screen
dataset = ui.dataset()
territory = dataset.territory
state = st.session_state
names = {s.id: s.nom for s in dataset.structures}
quartier_names = {q.code: q.nom_local for q in territory.quartiers}
service_names = {s.key: s.label for s in dataset.services}

st.subheader("Où le réseau de médiation est-il fragile ?")
st.caption(f"Quartiers prioritaires de {territory.commune_nom} : nombre de structures par type d'aide, "
           "population INSEE, et simulation « Et si… ? ».")


def _reset() -> None:
    for key in [k for k in state if k.startswith(("si_", "xq_", "xs_"))]:
        del state[key]


with st.expander("Et si… ? Simuler un changement du réseau (le fichier de données n'est pas modifié)"):
    st.multiselect("Désactiver des structures", list(names), format_func=names.get, key="si_off")
    extended = st.selectbox("Étendre une structure", list(names), format_func=names.get, index=None,
                            key="si_structure", placeholder="Choisissez une structure")
    if extended:
        current = dataset.structure(extended)
        st.multiselect("à d'autres quartiers", [c for c in quartier_names if c not in current.quartiers],
                       format_func=quartier_names.get, key=f"xq_{extended}")
        st.multiselect("à d'autres types d'aide", [k for k in service_names if k not in current.services],
                       format_func=service_names.get, key=f"xs_{extended}")
    st.button("Réinitialiser la simulation", on_click=_reset)

scenario = Scenario(
    disabled=frozenset(state.get("si_off", [])),
    extra_quartiers={k[3:]: frozenset(v) for k, v in state.items() if k.startswith("xq_") and v},
    extra_services={k[3:]: frozenset(v) for k, v in state.items() if k.startswith("xs_") and v},
)
simulated = scenario.apply(dataset)
cells = coverage_cells(simulated)
if not scenario.is_empty:
    st.warning("Simulation en cours : les chiffres ci-dessous ne décrivent pas le réseau réel.", icon="🧪")

st.markdown("#### Points faibles")
st.caption("Lacunes (aucune structure) puis cellules fragiles (une seule), les quartiers les plus peuplés d'abord.")
weak = weak_spots(cells)
for cell in weak:
    who = "aucune structure" if cell.count == 0 else f"une seule : {cell.structures[0].nom}"
    people = f" — {cell.population:,} habitants".replace(",", "\u202f") if cell.population else ""
    st.markdown(f"- **{ui.md(cell.quartier.nom_local)}** · {ui.md(cell.service.label)} : {ui.md(who)}{people}")

st.markdown("#### Carte")
choices = [f"service:{k}" for k in service_names] + [f"indicateur:{i.key}" for i in INDICATORS]
first_weak = choices.index(f"service:{weak[0].service.key}") if weak else 0  # open on what needs attention
choice = st.selectbox("Colorer la carte selon", choices, index=first_weak, key="carte_choix", format_func=lambda c: (
    f"Aide : {service_names[c[8:]]}" if c.startswith("service:") else
    next(f"INSEE : {i.label} ({i.year})" for i in INDICATORS if i.key == c[11:])))
if choice.startswith("service:"):
    key = choice[8:]
    colours, legend = weak_spots_colours(cells, key)
    counts = {c.quartier.code: c for c in cells if c.service.key == key}
    tooltips = {code: f"{quartier_names[code]} : {c.count} structure(s)" for code, c in counts.items()}
else:
    indicator = next(i for i in INDICATORS if i.key == choice[11:])
    values = {q.code: q.indicators.get(indicator.key) for q in territory.quartiers}
    colours, legend = classify(values, title=f"{indicator.label} (INSEE {indicator.year})", unit=indicator.unit)
    tooltips = {code: f"{quartier_names[code]} : {'non disponible' if v is None else v}" for code, v in values.items()}
st_folium(choropleth_map(territory, colours, tooltips, leaflet=ui.leaflet()), key="carte_planif", height=360,
          use_container_width=True, returned_objects=[])
st.markdown(legend_html(legend), unsafe_allow_html=True)
st.caption(f"Sources : {ui.md(territory.attribution)}.")

st.markdown("#### Matrice quartier × type d'aide")
per_resident = st.toggle("Habitants par structure (au lieu du nombre de structures)", key="par_habitant")
table = count_table(simulated, cells, per_resident=per_resident)
st.dataframe(ui.highlight_levels(table, per_resident), use_container_width=True)
detail = st.selectbox("Qui couvre quoi dans un quartier ?", list(quartier_names), format_func=quartier_names.get,
                      key="detail_quartier")
st.table({service_names[c.service.key]: ", ".join(s.nom for s in c.structures) or "— aucune —"
          for c in cells if c.quartier.code == detail})

st.markdown("#### Indicateurs INSEE par quartier")
st.dataframe(indicators_table(dataset), use_container_width=True)
st.caption("Source : INSEE, données sur les quartiers 2015 de la politique de la ville (démographie 2015, "
           "revenus 2017). Case vide : secret statistique.")

if config.stats_enabled():
    st.markdown("#### Ce que cherchent les habitants")
    st.caption("Nombre de recherches par quartier et type d'aide, toutes semaines confondues (comptes anonymes).")
    demand = stats.demand_table(stats.demand_counts(), quartier_names, service_names)
    if demand.empty:
        st.info("Aucune recherche comptée pour l'instant.")
    else:
        st.dataframe(demand, use_container_width=True)

st.markdown("#### Télécharger")
downloads = ui.planner_downloads(scenario.key, choice[8:] if choice.startswith("service:") else None)
for label, payload, filename, mime in downloads:
    st.download_button(label, payload, file_name=filename, mime=mime, key=f"dl_{filename}")
