"""The coverage matrix equals the brochure's table, read straight from the brochure's text."""

from __future__ import annotations

import csv
import io
import json

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import config
from geo.planning.exports import CSV_FIELDS, coverage_csv, coverage_json
from geo.territory.coverage import CoverageCell, Level, Scenario, coverage_cells, weak_spots
from tests.real_parts import missing

# The brochure's own words, mapped once by hand to the project's identifiers.
BROCHURE_QUARTIERS = {"Bastide Pont-vieux": "QP011004", "Fleming-La Reille": "QP011005", "Grazaillès": "QP011006",
                      "La Conte-Ozanam-STe-Marie": "QP011002", "Le Viguièr-ST-Jacques": "QP011003"}
BROCHURE_SERVICES = {"Accueil": "accueil", "Médiation-résolution de conflits": "mediation",
                     "Accès aux droits et aux services": "acces_droits", "Aide démarches administratives": "demarches",
                     "Accès au numérique , aide": "numerique", "Aide-Education-décrochage scolaire": "education",
                     "Emploi-formation-insertion": "emploi", "Logement-santé-loisirs": "logement_sante_loisirs"}
BROCHURE_STRUCTURES = {"CS Max Savy": "cs-max-savy", "CS Montsarrat": "cs-montsarrat", "CS La Roseaie": "cs-roseraie",
                       "EVS Bastide": "evs-bastide", "ABP": "abp", "Régie de quartier": "regie-quartier",
                       "Médiation": "mediaction", "Centre d'action sociale": "cas-carcassonne"}


def count_matrix(cells: list[CoverageCell]) -> dict[str, dict[str, int]]:
    """{quartier code: {service key: number of structures}}: the matrix as the tests compare it."""
    matrix: dict[str, dict[str, int]] = {}
    for cell in cells:
        matrix.setdefault(cell.quartier.code, {})[cell.service.key] = cell.count
    return matrix


@pytest.fixture(scope="module")
def brochure_table() -> dict[str, dict[str, object]]:
    """{structure id: {"quartiers": set, "services": set, "phone": str}} parsed from the seed text."""
    seeds = config.PROJECT_ROOT.parent / "shared" / "seeds"
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))] if seeds.is_dir() else []
    text = next((t for t in texts if "Coordonnées de la structure" in t), None)
    if text is None:
        missing(f"brochure absente ({seeds}) : placez ../shared à côté du projet")
    lines = [line.split("\t") for line in text.splitlines() if line.count("\t") == 15]
    header, rows = lines[0], lines[1:]
    table = {}
    for cells in rows:
        marked = {header[i] for i, cell in enumerate(cells) if cell == "●"}
        table[BROCHURE_STRUCTURES[cells[1]]] = {
            "quartiers": {BROCHURE_QUARTIERS[h] for h in marked if h in BROCHURE_QUARTIERS},
            "services": {BROCHURE_SERVICES[h] for h in marked if h in BROCHURE_SERVICES},
            "phone": phonenumbers.format_number(phonenumbers.parse(cells[-1], "FR"), phonenumbers.PhoneNumberFormat.E164),
        }
    assert len(table) == 8
    return table


def test_each_structure_matches_the_brochure(dataset, brochure_table):
    for structure in dataset.structures:
        expected = brochure_table[structure.id]
        assert set(structure.quartiers) == expected["quartiers"], structure.id
        assert set(structure.services) == expected["services"], structure.id
        assert structure.telephone == expected["phone"], structure.id


def test_matrix_equals_the_brochure_cell_by_cell(dataset, brochure_table):
    matrix = count_matrix(coverage_cells(dataset))
    for code in BROCHURE_QUARTIERS.values():
        for key in BROCHURE_SERVICES.values():
            expected = sum(1 for row in brochure_table.values() if code in row["quartiers"] and key in row["services"])
            assert matrix[code][key] == expected, (code, key)


def test_known_facts_of_the_matrix(dataset):
    """Read off the brochure by a person: one structure for school help in every quartier."""
    matrix = count_matrix(coverage_cells(dataset))
    assert {code: row["education"] for code, row in matrix.items()} == dict.fromkeys(matrix, 1)
    assert matrix["QP011002"]["mediation"] == 4  # Roseraie, ABP, Régie, MEDIACTION


def test_csv_and_json_say_the_same(dataset):
    cells = coverage_cells(dataset)
    rows = list(csv.DictReader(io.StringIO(coverage_csv(cells))))
    records = json.loads(coverage_json(cells))
    assert tuple(rows[0]) == CSV_FIELDS and len(rows) == len(records) == 40
    for row, record in zip(rows, records, strict=True):
        assert (row["structures"].split(";") if row["structures"] else []) == record["structures"]
        assert int(row["nombre_structures"]) == record["nombre_structures"] == len(record["structures"])


# --- population and what-if -------------------------------------------------------------------

def test_population_equals_insee(dataset, sources_dir):
    with (sources_dir / "qpv_indicateurs_occitanie.csv").open(encoding="utf-8-sig") as f:
        insee = {r["code_qp"]: int(r["pop_mun"]) for r in csv.DictReader(f)}
    cells = coverage_cells(dataset)
    assert {c.quartier.code: c.population for c in cells} == {q.code: insee[q.code] for q in dataset.territory.quartiers}
    bastide_housing = next(c for c in cells if c.quartier.code == "QP011004" and c.service.key == "logement_sante_loisirs")
    assert (bastide_housing.count, bastide_housing.residents_per_structure, bastide_housing.level) == (1, 3775, Level.FRAGILE)


def test_the_planners_question_has_its_answer_first(dataset):
    """Which quartier has the fewest structures for logement-santé-loisirs, and how many live there?"""
    housing = [c for c in weak_spots(coverage_cells(dataset)) if c.service.key == "logement_sante_loisirs"]
    assert (housing[0].quartier.nom_local, housing[0].population) == ("Bastide-Pont-Vieux", 3775)


structure_ids = st.sampled_from(["cs-max-savy", "cs-montsarrat", "cs-roseraie", "evs-bastide", "abp",
                                 "regie-quartier", "mediaction", "cas-carcassonne"])
quartier_codes = st.sampled_from([f"QP01100{i}" for i in range(2, 7)])
service_keys = st.sampled_from(["accueil", "mediation", "acces_droits", "demarches", "numerique", "education",
                                "emploi", "logement_sante_loisirs"])


@settings(max_examples=60, deadline=None)
@given(off=st.frozensets(structure_ids), more_q=st.dictionaries(structure_ids, st.frozensets(quartier_codes)),
       more_s=st.dictionaries(structure_ids, st.frozensets(service_keys)))
def test_switching_off_never_adds_and_extending_never_removes(dataset, off, more_q, more_s):
    base = count_matrix(coverage_cells(dataset))
    switched_off = count_matrix(coverage_cells(Scenario(disabled=off).apply(dataset)))
    extended = count_matrix(coverage_cells(Scenario(extra_quartiers=more_q, extra_services=more_s).apply(dataset)))
    for code, row in base.items():
        for key, count in row.items():
            assert switched_off[code][key] <= count <= extended[code][key]


def test_scenario_changes_only_what_it_should_and_leaves_the_data_alone(dataset):
    scenario = Scenario(disabled=frozenset({"cas-carcassonne"}),
                        extra_quartiers={"evs-bastide": frozenset({"QP011006"})})
    before = count_matrix(coverage_cells(dataset))
    after = count_matrix(coverage_cells(scenario.apply(dataset)))
    cas, evs = dataset.structure("cas-carcassonne"), dataset.structure("evs-bastide")
    for code, row in before.items():
        for key, count in row.items():
            quartier = dataset.territory.known_quartier(code)
            expected = count - (cas.covers(quartier) and key in cas.services) + (code == "QP011006" and key in evs.services)
            assert after[code][key] == expected, (code, key)
    assert dataset.structure("evs-bastide").quartiers == ("QP011004",)  # the loaded data is untouched
    assert Scenario().is_empty and not scenario.is_empty


def test_scenario_key_round_trip(dataset):
    scenario = Scenario(disabled=frozenset({"abp"}), extra_quartiers={"evs-bastide": frozenset({"QP011006"})},
                        extra_services={"mediaction": frozenset({"accueil"}), "abp": frozenset()})
    again = Scenario.from_key(scenario.key)
    assert again.key == scenario.key and hash(scenario.key)
    assert count_matrix(coverage_cells(again.apply(dataset))) == count_matrix(coverage_cells(scenario.apply(dataset)))
