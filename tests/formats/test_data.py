"""Loading and validating the data files: every bad input names file, row, column and value."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from geo.errors import DataError
from geo.formats.data import load_dataset
from geo.territory.fields import STRUCTURE_COLUMNS

Rows = list[dict[str, str]]


def read_rows(path: Path) -> Rows:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, rows: Rows, columns: tuple[str, ...] | list[str] = STRUCTURE_COLUMNS) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_committed_data_loads_with_the_brochures_eight_structures(dataset):
    assert [s.id for s in dataset.structures] == [
        "cs-max-savy", "cs-montsarrat", "cs-roseraie", "evs-bastide", "abp", "regie-quartier", "mediaction",
        "cas-carcassonne"]
    assert len(dataset.services) == 8
    assert [q.code for q in dataset.territory.quartiers] == [f"QP01100{i}" for i in range(2, 7)]


def test_only_sourced_facts_are_filled(dataset):
    """structures_sources.md gives an address, hours and e-mail for the EVS only; all else stays empty."""
    with_address = {s.id for s in dataset.structures if s.adresse}
    with_hours = {s.id for s in dataset.structures if s.horaires}
    assert with_address == with_hours == {"evs-bastide"}
    evs = dataset.structure("evs-bastide")
    assert evs.sources == {"adresse": "ladepeche.fr, 2024-03-19", "horaires": "echo-languedoc.fr, 2021-12-22",
                           "courriel": "echo-languedoc.fr, 2021-12-22"}


def test_brochure_typos_are_fixed(dataset):
    names = {s.nom for s in dataset.structures}
    assert "Centre social La Roseraie" in names and "MEDIACTION" in names
    assert not any("Roseaie" in n or n == "Médiation" for n in names)


def test_phones_are_normalized_to_e164(dataset):
    assert dataset.structure("mediaction").telephone == "+33660489809"


def first(rows: Rows, **changes: str) -> Rows:
    rows[0].update(changes)
    return rows


BAD_CASES: list[tuple[str, Callable[[Rows], Rows], str]] = [
    ("unknown quartier", lambda r: first(r, quartiers="QP011005;QP999999"),
     "structures.csv, ligne 2, colonne « quartiers » : code de quartier inconnu : QP999999"),
    ("unknown kind of help", lambda r: first(r, services="accueil;cuisine"),
     "structures.csv, ligne 2, colonne « services » : type d'aide inconnu : cuisine"),
    ("unknown presence", lambda r: first(r, presence="bureau"),
     "structures.csv, ligne 2, colonne « presence » : type de présence inconnu : bureau"),
    ("duplicate id", lambda r: [r[0], {**r[1], "id": r[0]["id"]}, *r[2:]],
     "structures.csv, ligne 3, colonne « id » : identifiant en double (déjà utilisé ligne 2) (valeur : « cs-max-savy »)"),
    ("malformed id", lambda r: first(r, id="CS Max Savy"),
     "structures.csv, ligne 2, colonne « id » : identifiant invalide"),
    ("malformed phone", lambda r: first(r, telephone="04 68 71"),
     "structures.csv, ligne 2, colonne « telephone » : numéro de téléphone invalide"),
    ("missing name", lambda r: first(r, nom=""),
     "structures.csv, ligne 2, colonne « nom » : champ obligatoire vide"),
    ("missing quartiers", lambda r: first(r, quartiers=" ; "),
     "structures.csv, ligne 2, colonne « quartiers » : champ obligatoire vide"),
    ("unparsable hours", lambda r: first(r, horaires="lundi 9h-12h"),
     "structures.csv, ligne 2, colonne « horaires » : horaires illisibles"),
    ("yes/no", lambda r: first(r, toute_la_commune="peut-être"),
     "structures.csv, ligne 2, colonne « toute_la_commune » : valeur attendue : « oui » ou « non » (valeur : « peut-être »)"),
    ("bad e-mail", lambda r: first(r, courriel="evs.bastide-at-agglo"),
     "structures.csv, ligne 2, colonne « courriel » : adresse électronique mal formée"),
    ("header only", lambda r: [],
     "structures.csv : aucune structure (le fichier n'a que l'en-tête)"),
]


@pytest.mark.parametrize(("mutate", "expected"), [c[1:] for c in BAD_CASES], ids=[c[0] for c in BAD_CASES])
def test_bad_structures_are_reported_where_they_are(data_copy, mutate, expected):
    path = data_copy / "structures.csv"
    write_rows(path, mutate(read_rows(path)))
    with pytest.raises(DataError) as caught:
        load_dataset(data_copy)
    assert expected in str(caught.value)


def test_every_problem_is_listed_not_only_the_first(data_copy):
    path = data_copy / "structures.csv"
    rows = read_rows(path)
    rows[0]["telephone"] = "12"
    rows[3]["services"] = "cuisine"
    write_rows(path, rows)
    with pytest.raises(DataError) as caught:
        load_dataset(data_copy)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "telephone"), (5, "services")]


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "structures.csv : le fichier est vide"),
    ("id;nom\ncs;Centre social é\n".encode("cp1252"), "structures.csv : le fichier n'est pas encodé en UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "structures.csv : le fichier contient des données binaires"),
    (b"id,nom,groupe,presence,quartiers,services\n", "colonne obligatoire absente de l'en-tête : telephone"),
], ids=["empty", "windows-1252", "binary", "missing column"])
def test_unreadable_structures_files(data_copy, content, expected):
    (data_copy / "structures.csv").write_bytes(content)
    with pytest.raises(DataError) as caught:
        load_dataset(data_copy)
    assert expected in str(caught.value)


def test_ragged_row_is_reported(data_copy):
    path = data_copy / "structures.csv"
    path.write_text(path.read_text(encoding="utf-8") + "x,y,z," + "," * 20 + "extra\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"structures\.csv, ligne 10 : cellules en trop"):
        load_dataset(data_copy)


def test_unknown_service_in_taxonomy_file(data_copy):
    path = data_copy / "services.csv"
    rows = read_rows(path)
    rows[1]["cle"] = "accueil"
    write_rows(path, rows, ("cle", "libelle", "icone", "thematiques"))
    with pytest.raises(DataError, match=r"services\.csv, ligne 3, colonne « cle » : clé en double"):
        load_dataset(data_copy)


def test_missing_quartiers_file_says_how_to_rebuild(data_copy):
    (data_copy / "quartiers.geojson").unlink()
    with pytest.raises(DataError, match="python -m geo build-data"):
        load_dataset(data_copy)


def test_quartiers_built_for_another_commune_are_refused(data_copy):
    with pytest.raises(DataError, match="construit pour la commune 11069, alors que GUP_COMMUNE vaut 11262"):
        load_dataset(data_copy, commune="11262")


def test_taxonomy_thematiques_are_data_inclusion_v1_values(dataset):
    from data_inclusion.schema.v1 import Thematique

    known = {t.value for t in Thematique}
    for service in dataset.services:
        assert service.thematiques and set(service.thematiques) <= known, service.key


def test_damaged_quartiers_file_says_how_to_rebuild(data_copy):
    path = data_copy / "quartiers.geojson"
    path.write_text(path.read_text(encoding="utf-8").replace('"nom_local"', '"autre"', 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"quartiers\.geojson : contenu inattendu \(KeyError"):
        load_dataset(data_copy)
