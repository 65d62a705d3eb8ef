"""Planner page: where the network is thin, for how many people, and what if we changed it."""

from datetime import timedelta

import streamlit as st
from streamlit_folium import st_folium

from geo import config
from geo.domain import hours
from geo.domain.coverage import Scenario, coverage_cells, weak_spots
from geo.domain.model import INDICATORS, Indicator, Service
from geo.domain.problems import TRIAGE
from geo.faces.light_problems import problem_pins
from geo.faces.problems import committee_export
from geo.i18n import _, ngettext, number
from geo.io import stats
from geo.render.export import weak_spots_colours
from geo.render.mapview import choropleth_map, classify, legend_html
from geo.render.planning import (
    changes_summary,
    changes_table,
    count_table,
    coverage_caveat,
    freshness_table,
    indicators_table,
    problems_table,
    resolution_table,
    weak_spot_detail,
)
from web import resources
from web.text import md

st.set_page_config(layout="wide")  # the matrix needs the width of a desk screen
dataset = resources.dataset()
territory = dataset.territory
state = st.session_state
names = {s.id: s.nom for s in dataset.structures}
quartier_names = {q.code: q.nom_local for q in territory.quartiers}
service_names = {s.key: _(s.label) for s in dataset.services}

st.title(_("Où le réseau de médiation est-il fragile ?"))
if drift := resources.file_drift():  # the file was edited, the directory was not: said, never applied
    st.warning(drift, icon="📄")
st.caption(_("Quartiers prioritaires de {commune} : nombre de structures par type d'aide, "
             "population INSEE, et simulation « Et si… ? ».").format(commune=territory.commune_nom))


def _reset() -> None:
    for key in [k for k in state if k.startswith(("si_", "xq_", "xs_"))]:
        del state[key]


with st.expander(_("Et si… ? Simuler un changement du réseau (le fichier de données n'est pas modifié)")):
    st.multiselect(_("Désactiver des structures"), list(names), format_func=names.__getitem__, key="si_off",
                   placeholder=_("Choisissez des structures"))
    extended = st.selectbox(_("Étendre une structure"), list(names), format_func=names.__getitem__, index=None,
                            key="si_structure", placeholder=_("Choisissez une structure"))
    if extended:
        current = dataset.known_structure(extended)
        st.multiselect(_("à d'autres quartiers"), [c for c in quartier_names if c not in current.quartiers],
                       format_func=quartier_names.__getitem__, key=f"xq_{extended}", placeholder=_("Choisissez des quartiers"))
        st.multiselect(_("à d'autres types d'aide"), [k for k in service_names if k not in current.services],
                       format_func=service_names.__getitem__, key=f"xs_{extended}", placeholder=_("Choisissez des aides"))
    st.button(_("Réinitialiser la simulation"), on_click=_reset)

scenario = Scenario(
    disabled=frozenset(state.get("si_off", [])),
    extra_quartiers={sid: frozenset(chosen) for sid in names if (chosen := state.get(f"xq_{sid}"))},
    extra_services={sid: frozenset(chosen) for sid in names if (chosen := state.get(f"xs_{sid}"))},
)
simulated = scenario.apply(dataset)
cells = coverage_cells(simulated)
if not scenario.is_empty:
    st.warning(_("Simulation en cours : les chiffres ci-dessous ne décrivent pas le réseau réel."), icon="🧪")

st.markdown("## " + _("Points faibles"))
st.caption(_("Lacunes (aucune structure) puis cellules fragiles (une seule), les quartiers les plus peuplés d'abord."))
weak = weak_spots(cells)
if caveat := coverage_caveat(dataset, hours.today()):
    st.info(caveat, icon="🗓️")
for cell in weak:
    st.markdown(f"- **{md(cell.quartier.nom_local)}** · {md(service_names[cell.service.key])} : "
                f"{md(weak_spot_detail(cell))}")

st.markdown("## " + _("Carte"))
layers: dict[str, Service | Indicator] = {f"service:{s.key}": s for s in dataset.services}
layers |= {f"indicateur:{i.key}": i for i in INDICATORS}


def layer_label(choice: str) -> str:
    layer = layers[choice]
    if isinstance(layer, Service):
        return _("Aide : {aide}").format(aide=_(layer.label))
    return f"INSEE : {_(layer.label)} ({layer.year})"


first_weak = list(layers).index(f"service:{weak[0].service.key}") if weak else 0  # open on what needs attention
choice = st.selectbox(_("Colorer la carte selon"), list(layers), index=first_weak, key="carte_choix",
                      format_func=layer_label)
layer = layers[choice]
service_key = layer.key if isinstance(layer, Service) else None
if isinstance(layer, Service):
    colours, legend = weak_spots_colours(cells, layer.key)
    counts = {c.quartier.code: c for c in cells if c.service.key == layer.key}
    tooltips = {code: ngettext("{quartier} : {nombre} structure", "{quartier} : {nombre} structures", c.count).format(
        quartier=quartier_names[code], nombre=c.count) for code, c in counts.items()}
else:
    values = {q.code: q.indicators.get(layer.key) for q in territory.quartiers}
    colours, legend = classify(values, title=f"{_(layer.label)} (INSEE {layer.year})",
                               unit=_(layer.unit) if layer.unit else "")
    missing = _("non disponible")
    tooltips = {code: f"{quartier_names[code]} : {missing if v is None else number(v, 1)}" for code, v in values.items()}
shown_problems = st.toggle(_("Afficher les problèmes signalés (ouverts et résolus depuis 90 jours)"),
                           key="carte_problemes")
pins = problem_pins(resources.problems().public()) if shown_problems else []
st_folium(choropleth_map(territory, colours, tooltips, leaflet=resources.leaflet(), points=pins), key="carte_planif",
          height=360,
          use_container_width=True, returned_objects=[])
st.markdown(legend_html(legend), unsafe_allow_html=True)
st.caption(_("Sources : {attribution}.").format(attribution=md(territory.attribution)))

st.markdown("## " + _("Matrice quartier × type d'aide"))
per_resident = st.toggle(_("Habitants par structure (au lieu du nombre de structures)"), key="par_habitant")
st.dataframe(count_table(simulated, cells, per_resident=per_resident), width="stretch")
detail = st.selectbox(_("Qui couvre quoi dans un quartier ?"), list(quartier_names), format_func=quartier_names.__getitem__,
                      key="detail_quartier")
st.table({service_names[c.service.key]: ", ".join(s.nom for s in c.structures) or _("— aucune —")
          for c in cells if c.quartier.code == detail})
st.markdown("### " + _("Fraîcheur des fiches"))
st.caption(_("Date de la dernière vérification de chaque fiche (téléphone, adresse, horaires, courriel, couverture) : "
             "une lacune à côté d'une fiche à vérifier n'est peut-être pas réelle ; et les signalements des habitants "
             "encore ouverts."))
st.dataframe(freshness_table(dataset, hours.today(), resources.editing().open_reports()), width="stretch")

st.markdown("## " + _("Problèmes signalés (GUP)"))
reported = resources.problems().committee()
if reported:
    st.caption(_("Signalements des habitants par quartier, thème et mois, pour le comité GUP (jamais qui les a "
                 "faits), et le délai médian jusqu'à « résolu » pour chaque partenaire."))
    st.dataframe(problems_table(reported, quartier_names), hide_index=True, width="stretch")
    partner_names = {c.id: c.nom for c in resources.panel().contacts.values()} | {TRIAGE: _("coordination GUP")}
    st.dataframe(resolution_table(reported, partner_names), hide_index=True, width="stretch")
    st.markdown("### " + _("Pour le comité GUP"))
    choices = {"": _("Tous les quartiers")} | quartier_names
    left, right = st.columns(2)
    chosen = left.selectbox(_("Quartier"), list(choices), format_func=choices.__getitem__, key="comite_quartier")
    period = right.date_input(_("Période"), value=(hours.today() - timedelta(days=90), hours.today()),
                              format="DD/MM/YYYY", key="comite_periode")
    since, until = (period[0], period[-1]) if isinstance(period, tuple) and period else (None, None)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for fmt, label, mime in (("xlsx", _("Signalements (XLSX)"), xlsx),
                             ("html", _("Rapport A4 avec les photos publiées (HTML)"), "text/html")):
        st.download_button(label, committee_export(chosen or None, since, until, fmt),
                           file_name=f"problemes-gup-{chosen or 'tous'}.{fmt}", mime=mime, key=f"comite_{fmt}")
else:
    st.info(_("Aucun problème signalé pour l'instant."))

st.markdown("## " + _("Changements 2024"))
st.caption(changes_summary(dataset))
if territory.changes:
    st.dataframe(changes_table(dataset), width="stretch")

st.markdown("## " + _("Indicateurs INSEE par quartier"))
st.dataframe(indicators_table(dataset), width="stretch")
st.caption(_("Source : INSEE, données sur les quartiers 2015 de la politique de la ville (démographie 2015, "
             "revenus 2017). Case vide : secret statistique."))

if config.stats_enabled():
    st.markdown("## " + _("Ce que cherchent les habitants"))
    st.caption(_("Nombre de recherches par quartier et type d'aide, toutes semaines confondues (comptes anonymes)."))
    demand = stats.demand_table(stats.demand_counts(), quartier_names, service_names)
    if demand.empty:
        st.info(_("Aucune recherche comptée pour l'instant."))
    else:
        st.dataframe(demand, width="stretch")

st.markdown("## " + _("Télécharger"))
st.caption(_("Les fichiers sont en français, pour être partagés tels quels."))
downloads = resources.planner_downloads(scenario.key, service_key)
for label, payload, filename, mime in downloads:
    st.download_button(_(label), payload, file_name=filename, mime=mime, key=f"dl_{filename}")
