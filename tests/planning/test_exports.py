"""Exports open with their usual readers, carry sources and date, and never carry a live formula."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import date

import geopandas as gpd
import openpyxl
import pytest

from geo.files import safe_cell
from geo.planning.exports import export_csv, export_geojson, export_xlsx, report_html, write_export
from geo.territory.coverage import Scenario, coverage_cells
from tests.territory.test_coverage import count_matrix

TODAY = date(2026, 11, 22)


def test_csv_states_sources_and_date(dataset):
    rows = list(csv.DictReader(io.StringIO(export_csv(dataset, today=TODAY))))
    assert len(rows) == 40 and rows[0]["extrait_le"] == "2026-11-22"
    grazailles = next(r for r in rows if r["quartier_code"] == "QP011006")
    assert (grazailles["quartier_code_2015"], grazailles["quartier_code_2024"], grazailles["statut_2024"]) == (
        "QP011006", "QN01106M", "MODIFIE")
    assert "ANCT" in rows[0]["sources"] and "Brochure GUP « La médiation », Ville de Carcassonne" in rows[0]["sources"]


def test_xlsx_opens_with_openpyxl_and_highlights_weak_cells(dataset):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(dataset, today=TODAY)))
    assert book.sheetnames == ["Matrice", "Détail", "Changements 2024", "Sources"]
    matrix = book["Matrice"]
    header = [c.value for c in matrix[1]]
    bastide = next(row for row in matrix.iter_rows(min_row=2) if row[1].value == "QP011004")
    housing = bastide[header.index("Logement – santé – loisirs")]
    assert (bastide[2].value, housing.value) == (3775, 1)
    assert housing.fill.fgColor.rgb.endswith("FDAE61")  # fragile: orange
    assert [bastide[header.index("Code 2015")].value, bastide[header.index("Code 2024")].value] == ["QP011004", "QN01104I"]
    sources = {row[0].value: row[1].value for row in book["Sources"].iter_rows()}
    assert "ANCT" in sources["sources"] and sources["extrait_le"] == "2026-11-22"
    changes = [[c.value for c in row] for row in book["Changements 2024"].iter_rows(min_row=2)]
    assert ["MODIFIE", "Grazailles", "QP011006", "QN01106M"] in changes and len(changes) == 5


def test_geojson_opens_with_geopandas_with_coverage_and_attribution(dataset, tmp_path):
    text = export_geojson(dataset, today=TODAY)
    path = tmp_path / "q.geojson"
    path.write_text(text, encoding="utf-8")
    frame = gpd.read_file(path)
    assert len(frame) == 5 and frame.crs.to_epsg() == 4326
    grazailles = frame.set_index("code").loc["QP011006"]
    assert grazailles["nb_education"] == 1 and grazailles["structures_education"] == "cs-max-savy"
    assert grazailles["population"] == 1084
    assert json.loads(text)["features"][4]["properties"]["codes"] == {"2015": "QP011006", "2024": "QN01106M"}
    assert grazailles["statut_2024"] == "MODIFIE"
    assert "ANCT" in json.loads(text)["metadata"]["sources"]


def test_report_is_one_printable_page_with_map_matrix_and_sources(dataset):
    html = report_html(dataset, service_key="logement_sante_loisirs", today=TODAY)
    assert "@page { size: A4" in html and "<svg" in html and "<table>" in html.replace("<table><colgroup>", "<table>")
    assert 'class="fragile"' in html and "ANCT" in html and "2026-11-22" in html
    assert "simulation" not in html
    assert "<li>MODIFIE — Grazailles : 2015 QP011006 → 2024 QN01106M</li>" in html and "INCHANGE" not in html


def test_simulated_exports_say_so(dataset):
    scenario = Scenario(disabled=frozenset({"cas-carcassonne"}))
    assert "ne décrit pas le réseau réel" in report_html(dataset, scenario=scenario)
    rows = list(csv.DictReader(io.StringIO(export_csv(dataset, scenario=scenario))))
    assert rows[0]["scenario"].startswith("simulation")
    simulated = count_matrix(coverage_cells(Scenario(disabled=frozenset({"cas-carcassonne"})).apply(dataset)))
    assert int(next(r for r in rows if r["quartier_code"] == "QP011004" and r["service"] == "accueil")[
        "nombre_structures"]) == simulated["QP011004"]["accueil"]


@pytest.mark.parametrize(("value", "safe"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+33 4", "'+33 4"), ("@SUM(A1)", "'@SUM(A1)"),
    ("-1.5", "-1.5"), ("-2,35", "-2,35"), ("\tx", "'\tx"), ("Grazailles", "Grazailles"), (3, 3),
])
def test_formula_cells_are_neutralised_numbers_are_not(value, safe):
    assert safe_cell(value) == safe


def test_data_cannot_inject_a_formula_into_exports(dataset):
    evil = dataclasses.replace(dataset.structure("cs-max-savy"), id="cs-max-savy")
    quartier = dataclasses.replace(dataset.territory.quartiers[0], nom_local="=CMD()")
    territory = dataclasses.replace(dataset.territory, quartiers=(quartier, *dataset.territory.quartiers[1:]))
    poisoned = dataclasses.replace(dataset, territory=territory, structures=(evil, *dataset.structures[1:]))
    assert "'=CMD()" in export_csv(poisoned)
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(poisoned)))
    assert book["Matrice"]["A2"].value == "'=CMD()"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson", "html"])
def test_write_export_writes_one_file(dataset, tmp_path, fmt):
    target = tmp_path / f"out.{fmt}"
    assert write_export(dataset, fmt, target) == [target] and target.stat().st_size > 1000
