"""What a planner reads: the matrix and indicator tables of the page, and the weak spots in words.

The page, the spreadsheet and the printable report take their headings and sentences from here, so that they
say the same thing; the year of every figure comes from the indicator table.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd
from pandas.io.formats.style import Styler

from geo.i18n import _, ngettext, number
from geo.problems.rules import Filed, counts_by_month, median_days_to_resolution
from geo.render.mapview import level_style
from geo.render.present import freshness_text
from geo.territory.coverage import CoverageCell, Level
from geo.territory.freshness import freshness
from geo.territory.generations import CHANGE_LABELS, CONSEQUENCES, GENERATIONS, NEWEST, Change, QuartierChange
from geo.territory.hours import PARIS
from geo.territory.model import INDICATOR_BY_KEY, INDICATORS, Dataset
from geo.territory.notices import in_force


def code_heading(generation: str) -> str:
    """A column of a quartier's code in one generation (« Code 2015 »)."""
    return _("Code {generation}").format(generation=generation)


def population_heading() -> str:
    """'Population (INSEE 2015)': the year is the indicator's, not a copy of it."""
    return _("Population") + f" (INSEE {INDICATOR_BY_KEY['population'].year})"


def weak_spot_detail(cell: CoverageCell) -> str:
    """'aucune structure — 3 775 habitants' or 'une seule : EVS — 3 775 habitants'."""
    who = _("aucune structure") if cell.count == 0 else _("une seule : {nom}").format(nom=cell.structures[0].nom)
    if not cell.population:
        return who
    return who + " — " + ngettext("{nombre} habitant", "{nombre} habitants", cell.population).format(
        nombre=number(cell.population))


def count_table(dataset: Dataset, cells: list[CoverageCell], *, per_resident: bool = False) -> Styler:
    """Quartiers × kinds of help: number of structures, or residents per structure (empty for a gap).

    Gaps in red, fragile cells in orange, so that a planner sees them at a glance."""
    services = [_(s.label) for s in dataset.services]
    rows = []
    for quartier in dataset.territory.quartiers:
        mine = [c for c in cells if c.quartier.code == quartier.code]
        values = {_(c.service.label): (c.residents_per_structure if per_resident else c.count) for c in mine}
        rows.append({_("Quartier"): quartier.nom_local, population_heading(): mine[0].population, **values,
                     **{code_heading(g): quartier.code_in(g) or "—" for g in GENERATIONS}})
    table = pd.DataFrame(rows).set_index(_("Quartier"))

    def style(column: pd.Series) -> list[str]:
        if per_resident:  # residents per structure say nothing of fragility: only a gap (no structure) shows
            return [level_style(Level.GAP) if pd.isna(v) else "" for v in column]
        return [level_style(Level.of(int(v))) for v in column]

    return table.style.apply(style, subset=services).format(precision=0, na_rep=_("aucune"))


def indicators_table(dataset: Dataset) -> pd.DataFrame:
    """Each quartier's INSEE indicators, the year in each column's name."""
    rows = [{_("Quartier"): q.nom_local, _("Code"): q.code,
             **{f"{_(i.label)} ({_(i.unit) + ', ' if i.unit else ''}{i.year})": q.indicators.get(i.key) for i in INDICATORS}}
            for q in dataset.territory.quartiers]
    return pd.DataFrame(rows).set_index(_("Quartier"))


def _covering(dataset: Dataset, change: QuartierChange) -> list[str]:
    names = {code for codes in change.codes.values() for code in codes}
    return [s.nom for s in dataset.structures if names & set(s.quartiers)]


def changes_table(dataset: Dataset) -> pd.DataFrame:
    """What the 2024 list changed for the commune, each quartier with both codes and what it means for coverage
    (the brochure's coverage names 2015 quartiers: a new quartier has none, a removed one keeps a stale one)."""
    rows = [{_("Quartier"): change.nom, **{code_heading(g): ", ".join(change.codes.get(g, ())) or "—" for g in GENERATIONS},
             _("Changement"): _(CHANGE_LABELS[change.statut]),
             _("Pour la couverture"): _(CONSEQUENCES[change.statut]),
             _("Structures de la brochure"): ", ".join(_covering(dataset, change)) or _("aucune")}
            for change in dataset.territory.changes]
    return pd.DataFrame(rows).set_index(_("Quartier"))


def changes_summary(dataset: Dataset) -> str:
    """One paragraph above the changes: how many quartiers each change touched, and which contours answer."""
    territory = dataset.territory
    if not territory.changes:
        return _("La correspondance officielle 2024-2015 n'était pas disponible à la construction des quartiers : "
                 "relancez « python -m geo build-data » avec le miroir ou internet.")
    counts = {statut: [c.nom for c in territory.changes if c.statut is statut] for statut in Change}
    parts = [f"{_(CHANGE_LABELS[statut])} : {len(names)}" + (f" ({', '.join(names)})" if statut is not Change.INCHANGE
                                                               and names else "")
             for statut, names in counts.items()]
    answering = (_("Les réponses viennent des contours de {annee}.").format(annee=territory.generation)
                 + ("" if NEWEST in territory.generations else " " + _(
                     "Les contours 2024 ne sont pas encore construits : voir « Générations de quartiers » dans "
                     "docs/hebergement.md pour les télécharger.")))
    return _("Liste 2024 des quartiers prioritaires (décret n° 2023-1314) pour {commune} — {changes}.").format(
        commune=territory.commune_nom, changes=" ; ".join(parts)) + " " + answering


def freshness_table(dataset: Dataset, today: date, open_reports: dict[str, int]) -> pd.DataFrame:
    """How fresh each listing is, beside the matrix: a gap next to a stale listing may only be an old fact; and
    the residents' reports still open on it."""
    at = datetime.combine(today, time(12), PARIS)
    rows = [{_("Structure"): s.nom, _("Dernière vérification"): freshness_text(s, today),
             _("À vérifier"): ", ".join(state.due) or "—",
             _("Annonces en cours"): len(in_force(s.notices, at)),
             _("Signalements ouverts"): open_reports.get(s.id, 0)}
            for s in dataset.structures for state in [freshness(s, today)]]
    return pd.DataFrame(rows).set_index(_("Structure"))


def coverage_caveat(dataset: Dataset, today: date) -> str:
    """Said above the weak spots when listings whose coverage is due for a check could hide or explain a gap."""
    stale = [s for s in dataset.structures if {"quartiers", "services"} & set(freshness(s, today).due)]
    if not stale:
        return ""
    return ngettext("{nombre} structure sur {total} a une couverture à vérifier : une lacune peut venir d'une fiche "
                    "ancienne plutôt que du terrain.",
                    "{nombre} structures sur {total} ont une couverture à vérifier : une lacune peut venir d'une fiche "
                    "ancienne plutôt que du terrain.", len(stale)).format(nombre=len(stale), total=len(dataset.structures))


def problems_table(items: list[Filed], quartier_names: dict[str, str]) -> pd.DataFrame:
    """The GUP committee's picture: reports per quartier × theme × month, most recent month first."""
    counts = counts_by_month(items)
    rows = [{_("Quartier"): quartier_names.get(q, q) if q else _("hors quartier"), _("Thème"): _(theme),
             _("Mois"): month, _("Signalements"): n} for (q, theme, month), n in counts.items()]
    frame = pd.DataFrame(rows, columns=[_("Quartier"), _("Thème"), _("Mois"), _("Signalements")])
    return frame.sort_values([_("Mois"), _("Quartier"), _("Thème")], ascending=[False, True, True], ignore_index=True)


def resolution_table(items: list[Filed], partner_names: dict[str, str]) -> pd.DataFrame:
    """Per partner, the median days from report to « résolu » (resolved reports only, and how many)."""
    medians = median_days_to_resolution(items)
    return pd.DataFrame([{_("Partenaire"): partner_names.get(p, p), _("Délai médian (jours)"): round(days, 1),
                          _("Signalements résolus"): n} for p, (days, n) in medians.items()],
                        columns=[_("Partenaire"), _("Délai médian (jours)"), _("Signalements résolus")])
