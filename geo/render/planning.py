"""What a planner reads: the matrix and indicator tables of the page, and the weak spots in words.

The page, the spreadsheet and the printable report take their headings and sentences from here, so that they
say the same thing; the year of every figure comes from the indicator table.
"""

from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from geo.domain.coverage import CoverageCell, Level
from geo.domain.model import INDICATOR_BY_KEY, INDICATORS, Dataset
from geo.i18n import _, ngettext, number
from geo.render.mapview import level_style


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
        rows.append({_("Quartier"): quartier.nom_local, population_heading(): mine[0].population, **values})
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
