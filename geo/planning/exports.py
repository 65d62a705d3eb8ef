"""Open-format exports of the coverage: CSV, XLSX, GeoJSON and a printable A4 report.

Each states its sources and its date. Text cells that a spreadsheet would run as a formula are
neutralised (OWASP CSV injection guidance).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from shapely.geometry import mapping

from geo.files import safe_cell, write_atomic
from geo.i18n import _
from geo.planning import EXPORTS, Export
from geo.planning.tables import population_heading, weak_spot_detail
from geo.render.datainclusion import to_datainclusion, validate
from geo.render.mapview import Legend, legend_html, level_legend, level_style, svg_map
from geo.render.present import PRINT_CSS, sources_text
from geo.territory import hours
from geo.territory.coverage import CoverageCell, Level, Scenario, coverage_cells, weak_spots
from geo.territory.generations import CHANGE_FIELD, CODE_FIELDS, GENERATIONS, NEWEST, OLDEST, Change
from geo.territory.model import INDICATOR_BY_KEY, INDICATORS, Dataset

CSV_FIELDS = ("quartier_code", "quartier_nom", "service", "service_libelle", "nombre_structures", "structures",
              "population", "population_annee", "habitants_par_structure", *CODE_FIELDS.values(), CHANGE_FIELD)


def _stamp(dataset: Dataset, today: date | None, scenario: Scenario | None) -> dict[str, str]:
    stamp = {"sources": sources_text(dataset), "extrait_le": (today or hours.today()).isoformat()}
    if scenario is not None and not scenario.is_empty:
        stamp["scenario"] = "simulation « Et si… ? » : ne décrit pas le réseau réel"
    return stamp


def _scenario_cells(dataset: Dataset, scenario: Scenario | None) -> list[CoverageCell]:
    return coverage_cells(scenario.apply(dataset) if scenario else dataset)


def record(cell: CoverageCell) -> dict[str, object]:
    """One cell as the public CSV/JSON row (field names are a contract: add, never rename)."""
    return {
        "quartier_code": cell.quartier.code,
        "quartier_nom": cell.quartier.nom_local,
        "service": cell.service.key,
        "service_libelle": cell.service.label,
        "nombre_structures": cell.count,
        "structures": [s.id for s in cell.structures],
        "population": cell.population,
        "population_annee": INDICATOR_BY_KEY["population"].year if cell.population is not None else None,
        "habitants_par_structure": cell.residents_per_structure,
        **{field: cell.quartier.code_in(generation) for generation, field in CODE_FIELDS.items()},
        CHANGE_FIELD: None if cell.quartier.change is None else str(cell.quartier.change),
    }


def coverage_json(cells: list[CoverageCell]) -> str:
    return json.dumps([record(c) for c in cells], ensure_ascii=False, indent=2)


def coverage_csv(cells: list[CoverageCell], extra: Mapping[str, str] | None = None) -> str:
    """The matrix as CSV; `extra` adds constant columns (sources, date) to every row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*CSV_FIELDS, *(extra or {})], lineterminator="\n")
    writer.writeheader()
    for cell in cells:
        row = record(cell)
        row["structures"] = ";".join(s.id for s in cell.structures)
        writer.writerow({k: safe_cell("" if v is None else v) for k, v in {**row, **(extra or {})}.items()})
    return out.getvalue()


def export_csv(dataset: Dataset, *, scenario: Scenario | None = None, today: date | None = None) -> str:
    return coverage_csv(_scenario_cells(dataset, scenario), extra=_stamp(dataset, today, scenario))


def export_xlsx(dataset: Dataset, *, scenario: Scenario | None = None, today: date | None = None) -> bytes:
    """Three sheets: the matrix (gaps and fragile cells coloured), the detail rows, and the sources."""
    cells = _scenario_cells(dataset, scenario)
    stamp = _stamp(dataset, today, scenario)
    book = Workbook()
    matrix = book.active
    matrix.title = "Matrice"
    matrix.append(["Quartier", "Code", population_heading(), *[s.label for s in dataset.services], "Code 2015",
                   "Code 2024"])
    for quartier in dataset.territory.quartiers:
        row = [c for c in cells if c.quartier.code == quartier.code]
        matrix.append([safe_cell(quartier.nom_local), quartier.code, row[0].population, *[c.count for c in row],
                       quartier.code_in(OLDEST), quartier.code_in(NEWEST)])
        for column, cell in enumerate(row, start=4):
            if cell.level.is_weak:
                colour = "FF" + cell.level.colour.lstrip("#").upper()  # opaque ARGB
                matrix.cell(matrix.max_row, column).fill = PatternFill("solid", fgColor=colour)
    for cell in matrix[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    matrix.append([])
    matrix.append(["Rouge : aucune structure ; orange : une seule structure."])
    detail = book.create_sheet("Détail")
    records = [record(c) for c in cells]
    detail.append(list(records[0]))
    for rec in records:
        detail.append([safe_cell(";".join(v) if isinstance(v, list) else v) for v in rec.values()])
    changes = book.create_sheet(f"Changements {NEWEST}")
    changes.append(["Changement", "Quartier", *(f"Code {g}" for g in GENERATIONS)])
    for change in dataset.territory.changes:
        changes.append([str(change.statut), safe_cell(change.nom),
                        *(", ".join(change.codes.get(g, ())) or None for g in GENERATIONS)])
    sources = book.create_sheet("Sources")
    for key, value in stamp.items():
        sources.append([key, safe_cell(value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_geojson(dataset: Dataset, *, scenario: Scenario | None = None, today: date | None = None) -> str:
    """The quartiers with, for each kind of help, the number and ids of the structures covering them."""
    cells = _scenario_cells(dataset, scenario)
    features = []
    for quartier in dataset.territory.quartiers:
        props: dict[str, Any] = {"code": quartier.code, "nom": quartier.nom, "nom_local": quartier.nom_local,
                                 "codes": {g: quartier.code_in(g) for g in GENERATIONS},
                                 "generation": quartier.generation,
                                 CHANGE_FIELD: None if quartier.change is None else str(quartier.change)}
        for ind in INDICATORS:
            props[ind.key] = quartier.indicators.get(ind.key)
            props[f"{ind.key}_annee"] = ind.year
        for cell in (c for c in cells if c.quartier.code == quartier.code):
            props[f"nb_{cell.service.key}"] = cell.count
            props[f"structures_{cell.service.key}"] = ";".join(s.id for s in cell.structures)
        features.append({"type": "Feature", "properties": props, "geometry": mapping(quartier.geometry)})
    return json.dumps({"type": "FeatureCollection", "metadata": _stamp(dataset, today, scenario),
                       "features": features}, ensure_ascii=False)


def weak_spots_colours(cells: list[CoverageCell], service_key: str | None) -> tuple[dict[str, str], Legend]:
    """Colour per quartier: for one kind of help its level, else the worst level over all kinds."""
    order = list(Level)  # worst first
    worst: dict[str, Level] = {}
    for cell in cells:
        if service_key in (None, cell.service.key):
            code = cell.quartier.code
            worst[code] = min(worst.get(code, Level.COVERED), cell.level, key=order.index)
    title = _("Couverture") if service_key is None else _("Nombre de structures")
    return {code: level.colour for code, level in worst.items()}, level_legend(title)


LEVEL_CSS = " ".join(f".{level} {{ {level_style(level)}; }}" for level in Level if level.is_weak)
def report_html(dataset: Dataset, *, scenario: Scenario | None = None, service_key: str | None = None,
                today: date | None = None) -> str:
    """One A4 page: the map, the matrix with gaps and fragile cells, the weak spots, the sources."""
    cells = _scenario_cells(dataset, scenario)
    stamp = _stamp(dataset, today, scenario)
    territory = dataset.territory
    colours, legend = weak_spots_colours(cells, service_key)
    focus = dataset.known_service(service_key).label if service_key else "tous types d'aide (le plus faible)"
    header = "".join(f"<th>{escape(s.label)}</th>" for s in dataset.services)
    rows = []
    for quartier in territory.quartiers:
        row = [c for c in cells if c.quartier.code == quartier.code]
        population = row[0].population
        tds = "".join(f'<td class="{c.level}" title="{escape(", ".join(s.nom for s in c.structures))}">{c.count}</td>'
                      for c in row)
        rows.append(f'<tr><td class="q">{escape(quartier.nom_local)}</td>'
                    f'<td>{"" if population is None else f"{population:,}".replace(",", " ")}</td>{tds}</tr>')
    weak = "".join(f"<li>{escape(c.quartier.nom_local)} · {escape(c.service.label)} : {escape(weak_spot_detail(c))}</li>"
                   for c in weak_spots(cells)[:8])
    warning = f"<p><strong>{escape(stamp['scenario'])}</strong></p>" if "scenario" in stamp else ""
    changes = "".join(f"<li>{escape(c.line())}</li>" for c in territory.changes if c.statut is not Change.INCHANGE)
    changes = changes or "<li>Aucun quartier redessiné, ajouté ou retiré.</li>"
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Couverture de la médiation — {escape(territory.commune_nom)}</title>
<style>{PRINT_CSS}{LEVEL_CSS}</style></head><body>
<h1>Couverture de la médiation dans les quartiers prioritaires de {escape(territory.commune_nom)}</h1>
<small>Extrait le {escape(stamp['extrait_le'])}. Carte : {escape(focus)}.</small>{warning}
<div class="map">{svg_map(territory, colours)}</div>{legend_html(legend)}
<h2>Nombre de structures par quartier et type d'aide</h2>
<table><colgroup><col class="q"></colgroup>
<thead><tr><th>Quartier</th><th>{escape(population_heading())}</th>{header}</tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Points faibles (lacunes puis cellules fragiles, les plus peuplées d'abord)</h2><ul>{weak}</ul>
<h2>Changements 2024</h2><ul>{changes}</ul>
<p><small>Sources : {escape(stamp['sources'])}.</small></p>
</body></html>"""


def rendered(dataset: Dataset, export: Export, *, scenario: Scenario | None = None, service_key: str | None = None,
             today: date | None = None) -> list[tuple[str, str | bytes]]:
    """Each file of an export with its name, as the registry lists them; data·inclusion's are validated first."""
    if export.key == "datainclusion":
        structures, services = to_datainclusion(scenario.apply(dataset) if scenario else dataset)
        validate(structures, services)
        return [(name, json.dumps(items, ensure_ascii=False, indent=2))
                for (name, _mime), items in zip(export.files, (structures, services), strict=True)]
    if export.key == "html":
        return [(export.files[0][0], report_html(dataset, scenario=scenario, service_key=service_key, today=today))]
    renderers: dict[str, Callable[..., str | bytes]] = {"csv": export_csv, "xlsx": export_xlsx, "geojson": export_geojson}
    return [(export.files[0][0], renderers[export.key](dataset, scenario=scenario, today=today))]


def write_export(dataset: Dataset, fmt: str, target: Path) -> list[Path]:
    """Write one export atomically: to `target`, or into the folder `target` when it has several files."""
    export = next(e for e in EXPORTS if e.key == fmt)
    files = rendered(dataset, export)
    paths = [target / name for name, _payload in files] if len(files) > 1 else [target]
    for path, (_name, payload) in zip(paths, files, strict=True):
        write_atomic(path, payload)
    return paths
