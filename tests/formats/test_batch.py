"""Whole files of points: columns kept in order, answers added, bad rows marked, never a stop."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from geo.errors import InputError
from geo.formats.batch import locate_csv
from tests.conftest import CITE, TOULOUSE


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_keep_their_columns_and_get_answers(locator, dataset, tmp_path):
    inside = dataset.territory.quartier("QP011006").geometry.representative_point()
    source = write(tmp_path / "in.csv", "nom,longitude,latitude,note\n"
                   f"a,{inside.x},{inside.y},x\nb,{CITE[0]},{CITE[1]},y\nc,{TOULOUSE[0]},{TOULOUSE[1]},z\n"
                   "d,abc,43.2,w\ne,,43.2,v\nf,2.35,95,u\n")
    report = locate_csv(locator, source, tmp_path / "out.csv")
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert list(rows[0]) == ["nom", "longitude", "latitude", "note",
                             "quartier_code", "quartier_nom", "statut", "structures", "raison",
                             "quartier_code_2015", "quartier_code_2024", "commune_code"]
    assert [r["nom"] for r in rows] == list("abcdef") and [r["note"] for r in rows] == list("xyzwvu")
    assert [r["statut"] for r in rows] == ["dans_quartier", "hors_quartier", "hors_commune", "erreur", "erreur", "erreur"]
    assert rows[0]["quartier_code"] == "QP011006" and rows[0]["quartier_nom"] == "Grazailles"
    assert (rows[0]["quartier_code_2015"], rows[0]["quartier_code_2024"]) == ("QP011006", "QN01106M")
    assert (rows[1]["quartier_code_2015"], rows[1]["quartier_code_2024"]) == ("", "")
    assert rows[0]["structures"] == "cs-max-savy;regie-quartier;mediaction;cas-carcassonne"
    assert rows[1]["structures"] == "cas-carcassonne"
    assert [r["raison"] for r in rows[3:]] == ["longitude illisible : « abc »", "longitude vide",
                                               "latitude hors limites : « 95 »"]
    assert report.rows == 6 and report.by_status["erreur"] == 3


def test_semicolons_and_decimal_commas_as_french_spreadsheets_write_them(locator, tmp_path):
    source = write(tmp_path / "in.csv", "\ufeffid;longitude;latitude\n1;2,3636;43,2065\n")
    locate_csv(locator, source, tmp_path / "out.csv")
    out = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert out.splitlines()[1].startswith("1;2,3636;43,2065;;;hors_quartier;cas-carcassonne")


def test_ragged_row_is_an_error_row_not_a_stop(locator, tmp_path):
    source = write(tmp_path / "in.csv", "longitude,latitude\n2.3636,43.2065,extra\n2.3636,43.2065\n")
    locate_csv(locator, source, tmp_path / "out.csv")
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert [r["statut"] for r in rows] == ["erreur", "hors_quartier"]
    assert rows[0]["raison"] == "cellules en trop par rapport à l'en-tête : extra"  # kept, not lost


@pytest.mark.parametrize(("content", "message"), [
    ("x,y\n1,2\n", "colonne(s) absente(s) : longitude, latitude"),
    ("", "fichier vide"),
    ("longitude,latitude,statut\n", "a déjà une colonne statut"),
])
def test_unusable_files_are_refused_with_a_reason(locator, tmp_path, content, message):
    with pytest.raises(InputError) as caught:
        locate_csv(locator, write(tmp_path / "in.csv", content), tmp_path / "out.csv")
    assert message in str(caught.value)
    assert not (tmp_path / "out.csv").exists()


def test_missing_input_file(locator, tmp_path):
    with pytest.raises(InputError, match="Fichier introuvable"):
        locate_csv(locator, tmp_path / "absent.csv", tmp_path / "out.csv")


@pytest.mark.slow
def test_chunk_size_does_not_change_the_output(locator, tmp_path):
    """200,000 generated rows, a ragged one now and then, streamed with very different chunk sizes."""
    rng = np.random.default_rng(3)
    lines = ["id;longitude;latitude;note"]
    for i in range(200_000):
        lon, lat = rng.uniform(2.28, 2.42), rng.uniform(43.17, 43.25)
        lines.append(f"{i};{lon:.6f};{lat:.6f};{'x' if i % 97 else 'bad;row'}")
    source = write(tmp_path / "in.csv", "\n".join(lines) + "\n")
    outputs = set()
    for size in (997, 50_000, 1_000_000):
        locate_csv(locator, source, tmp_path / f"out{size}.csv", chunk_rows=size)
        outputs.add((tmp_path / f"out{size}.csv").read_bytes())
    assert len(outputs) == 1


def test_progress_is_reported_per_chunk(locator, tmp_path):
    source = write(tmp_path / "in.csv", "longitude,latitude\n" + "2.36,43.2\n" * 25)
    seen = []
    locate_csv(locator, source, tmp_path / "out.csv", chunk_rows=10, progress=seen.append)
    assert seen == [10, 10, 5]
