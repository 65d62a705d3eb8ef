"""Planner page: where the network is thin, for how many people, and what if we changed it."""

from dataclasses import dataclass
from datetime import timedelta

import streamlit as st
from streamlit_folium import st_folium

from geo import config
from geo.i18n import _, ngettext, number
from geo.planning import demand
from geo.planning.exports import weak_spots_colours
from geo.planning.tables import (
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
from geo.problems.cards import problem_pins
from geo.problems.committee import committee_file
from geo.problems.rules import RECENTLY_RESOLVED, partner_names
from geo.render.mapview import choropleth_map, classify, legend_html
from geo.territory import hours
from geo.territory.coverage import CoverageCell, Scenario, coverage_cells, weak_spots
from geo.territory.model import INDICATORS, Dataset, Indicator, Service
from ui import resources
from ui.text import md


@dataclass(frozen=True)
class Names:
    """How the page names what it lists, in the reader's language."""

    structures: dict[str, str]
    quartiers: dict[str, str]
    services: dict[str, str]


def names_of(dataset: Dataset) -> Names:
    return Names({s.id: s.nom for s in dataset.structures}, {q.code: q.nom_local for q in dataset.territory.quartiers},
                 {s.key: _(s.label) for s in dataset.services})


def header(dataset: Dataset) -> None:
    st.title(_("Où le réseau de médiation est-il fragile ?"))
    if drift := resources.file_drift():  # the file was edited, the directory was not: said, never applied
        st.warning(drift, icon="📄")
    st.caption(_("Quartiers prioritaires de {commune} : nombre de structures par type d'aide, "
                 "population INSEE, et simulation « Et si… ? ».").format(commune=dataset.territory.commune_nom))


def _reset() -> None:
    state = st.session_state
    for key in [k for k in state if k.startswith(("si_", "xq_", "xs_"))]:
        del state[key]


def scenario_section(dataset: Dataset, names: Names) -> Scenario:
    """« Et si… ? »: the simulation asked for, never written to the file."""
    state = st.session_state
    structures = names.structures
    with st.expander(_("Et si… ? Simuler un changement du réseau (le fichier de données n'est pas modifié)")):
        st.multiselect(_("Désactiver des structures"), list(structures), format_func=structures.__getitem__,
                       key="si_off", placeholder=_("Choisissez des structures"))
        extended = st.selectbox(_("Étendre une structure"), list(structures), format_func=structures.__getitem__,
                                index=None, key="si_structure", placeholder=_("Choisissez une structure"))
        if extended:
            current = dataset.known_structure(extended)
            st.multiselect(_("à d'autres quartiers"), [c for c in names.quartiers if c not in current.quartiers],
                           format_func=names.quartiers.__getitem__, key=f"xq_{extended}",
                           placeholder=_("Choisissez des quartiers"))
            st.multiselect(_("à d'autres types d'aide"), [k for k in names.services if k not in current.services],
                           format_func=names.services.__getitem__, key=f"xs_{extended}",
                           placeholder=_("Choisissez des aides"))
        st.button(_("Réinitialiser la simulation"), on_click=_reset)
    scenario = Scenario(
        disabled=frozenset(state.get("si_off", [])),
        extra_quartiers={sid: frozenset(chosen) for sid in structures if (chosen := state.get(f"xq_{sid}"))},
        extra_services={sid: frozenset(chosen) for sid in structures if (chosen := state.get(f"xs_{sid}"))},
    )
    if not scenario.is_empty:
        st.warning(_("Simulation en cours : les chiffres ci-dessous ne décrivent pas le réseau réel."), icon="🧪")
    return scenario


def weak_section(dataset: Dataset, cells: list[CoverageCell], names: Names) -> list[CoverageCell]:
    st.markdown("## " + _("Points faibles"))
    st.caption(_("Lacunes (aucune structure) puis cellules fragiles (une seule), les quartiers les plus peuplés "
                 "d'abord."))
    weak = weak_spots(cells)
    if caveat := coverage_caveat(dataset, hours.today()):
        st.info(caveat, icon="🗓️")
    for cell in weak:
        st.markdown(f"- **{md(cell.quartier.nom_local)}** · {md(names.services[cell.service.key])} : "
                    f"{md(weak_spot_detail(cell))}")
    return weak


def _layer_label(layer: Service | Indicator) -> str:
    if isinstance(layer, Service):
        return _("Aide : {aide}").format(aide=_(layer.label))
    return f"INSEE : {_(layer.label)} ({layer.year})"


def map_section(dataset: Dataset, cells: list[CoverageCell], weak: list[CoverageCell], names: Names) -> str | None:
    """The map coloured by a type of help or an INSEE indicator; the type of help shown, for the downloads."""
    territory = dataset.territory
    st.markdown("## " + _("Carte"))
    layers: dict[str, Service | Indicator] = {f"service:{s.key}": s for s in dataset.services}
    layers |= {f"indicateur:{i.key}": i for i in INDICATORS}
    first_weak = list(layers).index(f"service:{weak[0].service.key}") if weak else 0  # open on what needs attention
    choice = st.selectbox(_("Colorer la carte selon"), list(layers), index=first_weak, key="carte_choix",
                          format_func=lambda key: _layer_label(layers[key]))
    layer = layers[choice]
    if isinstance(layer, Service):
        colours, legend = weak_spots_colours(cells, layer.key)
        counts = {c.quartier.code: c for c in cells if c.service.key == layer.key}
        tooltips = {code: ngettext("{quartier} : {nombre} structure", "{quartier} : {nombre} structures",
                                   c.count).format(quartier=names.quartiers[code], nombre=c.count)
                    for code, c in counts.items()}
    else:
        values = {q.code: q.indicators.get(layer.key) for q in territory.quartiers}
        colours, legend = classify(values, title=f"{_(layer.label)} (INSEE {layer.year})",
                                   unit=_(layer.unit) if layer.unit else "")
        missing = _("non disponible")
        tooltips = {code: f"{names.quartiers[code]} : {missing if v is None else number(v, 1)}"
                    for code, v in values.items()}
    shown_problems = st.toggle(_("Afficher les problèmes signalés (ouverts et résolus depuis {jours} jours)").format(
        jours=RECENTLY_RESOLVED.days), key="carte_problemes")
    pins = problem_pins(resources.problems().public()) if shown_problems else []
    st_folium(choropleth_map(territory, colours, tooltips, leaflet=resources.leaflet(), points=pins),
              key="carte_planif", height=360, use_container_width=True, returned_objects=[])
    st.markdown(legend_html(legend), unsafe_allow_html=True)
    st.caption(_("Sources : {attribution}.").format(attribution=md(territory.attribution)))
    return layer.key if isinstance(layer, Service) else None


def matrix_section(dataset: Dataset, simulated: Dataset, cells: list[CoverageCell], names: Names) -> None:
    st.markdown("## " + _("Matrice quartier × type d'aide"))
    per_resident = st.toggle(_("Habitants par structure (au lieu du nombre de structures)"), key="par_habitant")
    st.dataframe(count_table(simulated, cells, per_resident=per_resident), width="stretch")
    detail = st.selectbox(_("Qui couvre quoi dans un quartier ?"), list(names.quartiers),
                          format_func=names.quartiers.__getitem__, key="detail_quartier")
    st.table({names.services[c.service.key]: ", ".join(s.nom for s in c.structures) or _("— aucune —")
              for c in cells if c.quartier.code == detail})
    st.markdown("### " + _("Fraîcheur des fiches"))
    st.caption(_("Date de la dernière vérification de chaque fiche (téléphone, adresse, horaires, courriel, "
                 "couverture) : une lacune à côté d'une fiche à vérifier n'est peut-être pas réelle ; et les "
                 "signalements des habitants encore ouverts."))
    st.dataframe(freshness_table(dataset, hours.today(), resources.editing().open_reports()), width="stretch")


def problems_section(names: Names) -> None:
    """The GUP committee's picture, and its exports for a quartier and a period."""
    st.markdown("## " + _("Problèmes signalés (GUP)"))
    reported = resources.problems().committee()
    if not reported:
        st.info(_("Aucun problème signalé pour l'instant."))
        return
    st.caption(_("Signalements des habitants par quartier, thème et mois, pour le comité GUP (jamais qui les a "
                 "faits), et le délai médian jusqu'à « résolu » pour chaque partenaire."))
    st.dataframe(problems_table(reported, names.quartiers), hide_index=True, width="stretch")
    names_of_partners = partner_names(resources.panel(), coordination=_("coordination GUP"))
    st.dataframe(resolution_table(reported, names_of_partners), hide_index=True, width="stretch")
    st.markdown("### " + _("Pour le comité GUP"))
    choices = {"": _("Tous les quartiers")} | names.quartiers
    left, right = st.columns(2)
    chosen = left.selectbox(_("Quartier"), list(choices), format_func=choices.__getitem__, key="comite_quartier")
    period = right.date_input(_("Période"), value=(hours.today() - timedelta(days=90), hours.today()),
                              format="DD/MM/YYYY", key="comite_periode")
    since, until = (period[0], period[-1]) if isinstance(period, tuple) and period else (None, None)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for fmt, label, mime in (("xlsx", _("Signalements (XLSX)"), xlsx),
                             ("html", _("Rapport A4 avec les photos publiées (HTML)"), "text/html")):
        st.download_button(label, committee_file(resources.problems(), chosen or None, since, until, fmt),
                           file_name=f"problemes-gup-{chosen or 'tous'}.{fmt}", mime=mime, key=f"comite_{fmt}")


def sources_section(dataset: Dataset, names: Names) -> None:
    """The 2024 changes, the INSEE indicators and, when counted, what residents look for."""
    st.markdown("## " + _("Changements 2024"))
    st.caption(changes_summary(dataset))
    if dataset.territory.changes:
        st.dataframe(changes_table(dataset), width="stretch")
    st.markdown("## " + _("Indicateurs INSEE par quartier"))
    st.dataframe(indicators_table(dataset), width="stretch")
    st.caption(_("Source : INSEE, données sur les quartiers 2015 de la politique de la ville (démographie 2015, "
                 "revenus 2017). Case vide : secret statistique."))
    if config.stats_enabled():
        st.markdown("## " + _("Ce que cherchent les habitants"))
        st.caption(_("Nombre de recherches par quartier et type d'aide, toutes semaines confondues (comptes "
                     "anonymes)."))
        searched = demand.demand_table(demand.demand_counts(), names.quartiers, names.services)
        if searched.empty:
            st.info(_("Aucune recherche comptée pour l'instant."))
        else:
            st.dataframe(searched, width="stretch")


def downloads_section(scenario: Scenario, service_key: str | None) -> None:
    st.markdown("## " + _("Télécharger"))
    st.caption(_("Les fichiers sont en français, pour être partagés tels quels."))
    for label, payload, filename, mime in resources.planner_downloads(scenario.key, service_key):
        st.download_button(_(label), payload, file_name=filename, mime=mime, key=f"dl_{filename}")


def planner_page() -> None:
    st.set_page_config(layout="wide")  # the matrix needs the width of a desk screen
    dataset = resources.dataset()
    names = names_of(dataset)
    header(dataset)
    scenario = scenario_section(dataset, names)
    simulated = scenario.apply(dataset)
    cells = coverage_cells(simulated)
    weak = weak_section(dataset, cells, names)
    service_key = map_section(dataset, cells, weak, names)
    matrix_section(dataset, simulated, cells, names)
    problems_section(names)
    sources_section(dataset, names)
    downloads_section(scenario, service_key)


planner_page()
