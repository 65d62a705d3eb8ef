"""`python -m geo …` as partners run it: a real subprocess, real exit codes, no traceback."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from geo import config
from tests.conftest import CITE, TOULOUSE


def geo(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", *args], capture_output=True, text=True,
                          cwd=config.PROJECT_ROOT, env=env, timeout=120)


def test_help_lists_every_command():
    result = geo("--help")
    assert result.returncode == 0
    for command in ("build-data", "locate", "locate-csv", "coverage"):
        assert command in result.stdout


def test_locate_json_inside_grazailles(dataset):
    inside = dataset.territory.quartier("QP011006").geometry.representative_point()
    result = geo("locate", "--lon", str(inside.x), "--lat", str(inside.y), "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["statut"] == "dans_quartier"
    assert answer["quartier"] == {"code": "QP011006", "nom": "Grazailles", "nom_officiel": "Grazailles",
                                  "codes": {"2015": "QP011006", "2024": "QN01106M"}, "generation": "2015",
                                  "statut_2024": "MODIFIE"}
    assert (answer["generation"], answer["statut_2024"]) == ("2015", "MODIFIE")
    assert answer["avertissement_generation"].startswith("Contour de 2015 : Grazailles a été redessiné en 2024 (QN01106M)")
    first = answer["structures"][0]
    assert {"id", "nom", "telephone", "services"} <= set(first)
    assert (first["id"], first["telephone"], first["tel"]) == ("cs-max-savy", "04 68 71 14 32", "tel:+33468711432")


@pytest.mark.parametrize(("point", "statut"), [(CITE, "hors_quartier"), (TOULOUSE, "hors_commune")])
def test_locate_json_outside(point, statut):
    answer = json.loads(geo("locate", "--lon", str(point[0]), "--lat", str(point[1]), "--json").stdout)
    assert answer["statut"] == statut and answer["quartier"] is None
    assert answer["quartier_le_plus_proche"]["distance_m"] > 0


@pytest.mark.parametrize(("lon", "lat"), [("0", "-90"), ("-180", "-90"), ("180", "90")])
@pytest.mark.slow
def test_the_poles_answer_without_a_warning(lon, lat):
    result = geo("locate", "--lon", lon, "--lat", lat, "--json")
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout)["quartier_le_plus_proche_absent"].startswith("point hors de la France")


@pytest.mark.slow
def test_locate_text_is_french():
    result = geo("locate", "--lon", str(CITE[0]), "--lat", str(CITE[1]))
    assert result.stdout.startswith("Vous êtes à Carcassonne, en dehors des quartiers prioritaires.")
    assert "04 68 77 73 99" in result.stdout


@pytest.mark.parametrize(("lon", "message"), [("nan", "Longitude invalide"), ("181", "Longitude hors limites")])
@pytest.mark.slow
def test_bad_coordinates_exit_non_zero_without_traceback(lon, message):
    result = geo("locate", "--lon", lon, "--lat", "43.2")
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_locate_csv(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text(f"id,longitude,latitude\n1,{CITE[0]},{CITE[1]}\n2,x,y\n", encoding="utf-8")
    result = geo("locate-csv", str(source), "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 0, result.stderr
    assert "2 lignes traitées" in result.stderr
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert [r["statut"] for r in rows] == ["hors_quartier", "erreur"]


@pytest.mark.slow
def test_locate_csv_missing_file(tmp_path):
    result = geo("locate-csv", str(tmp_path / "absent.csv"), "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 2 and "Fichier introuvable" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.slow
def test_coverage(fmt):
    result = geo("coverage", "--format", fmt)
    assert result.returncode == 0
    rows = json.loads(result.stdout) if fmt == "json" else list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 40
    grazailles_school = next(r for r in rows if r["quartier_code"] == "QP011006" and r["service"] == "education")
    assert str(grazailles_school["nombre_structures"]) == "1"


@pytest.mark.slow
def test_build_data_into_another_folder(tmp_path, sources_dir):
    data = tmp_path / "data"
    data.mkdir()
    (data / "sources.toml").write_bytes((config.data_dir() / "sources.toml").read_bytes())
    env = {**os.environ, "GUP_DATA_DIR": str(data), "GUP_SOURCES_DIR": str(sources_dir)}
    result = geo("build-data", "--commune", "11262", env=env)
    assert result.returncode == 0, result.stderr
    assert "3 quartiers prioritaires construits pour Narbonne (11262)" in result.stdout


@pytest.mark.slow
def test_data_error_is_a_message_not_a_traceback(tmp_path, data_copy):
    (data_copy / "structures.csv").write_text("id,nom\n", encoding="utf-8")
    env = {**os.environ, "GUP_DATA_DIR": str(data_copy)}
    result = geo("coverage", env=env)
    assert result.returncode == 2 and "colonne obligatoire absente" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_coverage_has_population_columns():
    rows = list(csv.DictReader(io.StringIO(geo("coverage").stdout)))
    bastide = next(r for r in rows if r["quartier_code"] == "QP011004" and r["service"] == "logement_sante_loisirs")
    assert (bastide["population"], bastide["population_annee"], bastide["habitants_par_structure"]) == (
        "3775", "2015", "3775")


@pytest.mark.parametrize(("fmt", "name"), [("csv", "c.csv"), ("xlsx", "c.xlsx"), ("geojson", "q.geojson"),
                                           ("html", "rapport.html"), ("datainclusion", "di")])
@pytest.mark.slow
def test_export(tmp_path, fmt, name):
    result = geo("export", "--format", fmt, "-o", str(tmp_path / name))
    assert result.returncode == 0, result.stderr
    if fmt == "datainclusion":
        assert sorted(p.name for p in (tmp_path / name).iterdir()) == ["services.json", "structures.json"]
    else:
        assert (tmp_path / name).stat().st_size > 1000


@pytest.mark.slow
def test_export_to_an_unwritable_place_is_a_message(tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    result = geo("export", "--format", "csv", "-o", str(blocker / "sous-dossier" / "c.csv"))
    assert result.returncode == 2 and "Impossible d'écrire" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_locate_at_a_moment_says_who_is_open(dataset):
    inside = dataset.territory.quartier("QP011006").geometry.representative_point()
    args = ("locate", "--lon", str(inside.x), "--lat", str(inside.y), "--json")
    tuesday = {s["id"]: s["ouvert"] for s in json.loads(geo(*args, "--at", "2026-11-24T21:00").stdout)["structures"]}
    sunday = {s["id"]: s["ouvert"] for s in json.loads(geo(*args, "--at", "2026-11-29T21:00").stdout)["structures"]}
    assert tuesday == {"cs-max-savy": None, "regie-quartier": None, "mediaction": True, "cas-carcassonne": None}
    assert sunday["mediaction"] is False
    assert all("ouvert" in s for s in json.loads(geo(*args).stdout)["structures"])  # without --at: now


def test_locate_at_unreadable():
    result = geo("locate", "--lon", "2.35", "--lat", "43.2", "--at", "mardi soir")
    assert result.returncode == 2 and "Date et heure illisibles : « mardi soir »" in result.stderr


@pytest.mark.slow
def test_signaler_json(dataset):
    inside = dataset.territory.quartier("QP011006").geometry.representative_point()
    result = geo("signaler", "--theme", "encombrants", "--lon", str(inside.x), "--lat", str(inside.y), "--json")
    routed = json.loads(result.stdout)
    assert [c["id"] for c in routed["sous_themes"][0]["contacts"]] == ["covaldem", "regie-quartier"]
    assert routed["urgence"][0]["telephone"] == "17"


@pytest.mark.slow
def test_signaler_text_and_errors():
    assert "0 800 66 66 41" in geo("signaler", "--theme", "eclairage-public").stdout
    bad = geo("signaler", "--theme", "inconnu")
    assert bad.returncode == 2 and "Thème inconnu" in bad.stderr
    half = geo("signaler", "--theme", "voirie", "--lon", "2.35")
    assert half.returncode == 2 and "--lon et --lat ensemble" in half.stderr


@pytest.mark.slow
def test_address_index_geocode_and_reverse_offline(tmp_path):
    from tests.addok_server import FIXTURE

    data = tmp_path / "data"
    data.mkdir()
    env = {**os.environ, "GUP_DATA_DIR": str(data), "GUP_GEOCODER": "offline"}
    built = geo("address-index", str(FIXTURE), env=env)
    assert built.returncode == 0 and "20 adresses de la commune 11069 indexées" in built.stdout
    found = json.loads(geo("geocode", "12 r. fictive jules sauzede", "--limit", "1", "--json", env=env).stdout)
    assert found[0]["label"] == "12 Rue Fictive Jules Sauzède 11000 Carcassonne"
    assert {"label", "score", "lon", "lat"} <= set(found[0])
    nearest = json.loads(geo("reverse", "--lon", str(found[0]["lon"]), "--lat", str(found[0]["lat"]), "--json",
                             env=env).stdout)
    assert nearest["label"] == found[0]["label"]
    assert "Aucune adresse trouvée." in geo("geocode", "rue inexistante des lilas", env=env).stdout


def test_geocode_without_service_or_index_says_how_to_enable_it(tmp_path):
    env = {**os.environ, "GUP_DATA_DIR": str(tmp_path), "GUP_GEOCODER": "addok", "GUP_ADDOK_URL": "http://127.0.0.1:9"}
    result = geo("geocode", "12 rue jules sauzede", env=env)
    assert result.returncode == 2 and "python -m geo address-index" in result.stderr and "Traceback" not in result.stderr
