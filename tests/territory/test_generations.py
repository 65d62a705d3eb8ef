"""Generations of quartiers: the official 2024↔2015 correspondence on real data, and a redrawn contour (fixture)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import shapely

from geo import config
from geo.errors import DataError, SourceError
from geo.formats.data import load_dataset, load_territory
from geo.sources.build import build_data
from geo.territory.generations import Change, QuartierChange, changes_from_rows
from geo.territory.locate import Locator, Status
from tests.generations_fixture import FIXTURE_MARK, GROWN_M, mirror_with_2024_contours
from tests.servers import running_api

CARCASSONNE_2024 = {"QP011002": "QN01102I", "QP011003": "QN01103I", "QP011004": "QN01104I",
                    "QP011005": "QN01105I", "QP011006": "QN01106M"}


def geo(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "geo", *args], capture_output=True, text=True, timeout=180,
                          cwd=config.PROJECT_ROOT, env={**os.environ, "GUP_DATA_DIR": str(data_dir), **env})


@pytest.fixture(scope="module")
def mirror_2024(sources_dir, tmp_path_factory) -> Path:
    return mirror_with_2024_contours(sources_dir, tmp_path_factory.mktemp("miroir") / "qpv")


@pytest.fixture(scope="module")
def both_built(mirror_2024, tmp_path_factory) -> Path:
    """A data folder built with both generations from the fixture mirror."""
    from tests.conftest import copy_data_dir

    data = copy_data_dir(tmp_path_factory.mktemp("deux") / "data")
    build_data(commune="11069", data_dir=data, sources_dir=mirror_2024)
    return data


def grown_ring_point(data_dir: Path) -> shapely.Point:
    """A point inside 2024's Grazailles and outside 2015's: a street that entered the quartier."""
    new = load_territory(data_dir, "11069", "2024").known_quartier("QN01106M").geometry
    old = load_territory(data_dir, "11069", "2015").known_quartier("QP011006").geometry
    return new.difference(old).representative_point()


# --- the official correspondence, real data -----------------------------------------------------------------------


def test_the_correspondence_gives_carcassonne_both_codes_and_grazailles_change(dataset):
    territory = dataset.territory
    assert territory.generations == ("2015",) and territory.generation == "2015"  # the mirror has no 2024 contours
    assert {q.code: q.codes["2024"] for q in territory.quartiers} == CARCASSONNE_2024
    assert {q.code: q.change for q in territory.quartiers} == {
        **{code: Change.INCHANGE for code in CARCASSONNE_2024}, "QP011006": Change.MODIFIE}
    assert [(c.code_in("2024"), c.statut) for c in territory.changes if c.statut is not Change.INCHANGE] == [
        ("QN01106M", Change.MODIFIE)]
    assert territory.quartier("QN01106M") is territory.quartier("QP011006")  # either code names it


@pytest.mark.slow
def test_toulouse_new_and_removed_quartiers_are_reported(sources_dir, tmp_path):
    from tests.conftest import copy_data_dir

    data = copy_data_dir(tmp_path / "data")
    result = geo("build-data", "--commune", "31555", data_dir=data, GUP_SOURCES_DIR=str(sources_dir))
    assert result.returncode == 0, result.stderr
    assert "Changements 2024 pour Toulouse (correspondance officielle) :" in result.stdout
    changes = load_territory(data, "31555").changes
    assert sorted(c.code_in("2024") for c in changes if c.statut is Change.NOUVEAU) == ["QN03117N", "QN03118N", "QN03119N"]
    assert sorted(c.codes["2015"][0] for c in changes if c.statut is Change.SUPPRIME) == [
        "QP031009", "QP031015", "QP031018"]
    for line in ("NOUVEAU — Lalande Nord : 2015 aucun → 2024 QN03117N", "SUPPRIME — ", "→ 2024 aucun"):
        assert line in result.stdout
    assert "Le service répond avec les contours de 2015." in result.stdout


def test_a_removed_quartier_and_a_new_one_from_rows():
    rows = [{"qp2024": "QN1", "label_qp2024": "Nouveau", "statut": "NOUVEAU", "qp2015_1": ""},
            {"qp2024": "QN2", "label_qp2024": "Fusion", "statut": "MODIFIE", "qp2015_1": "QPa", "qp2015_2": "QPb"},
            {"qp2024": "QN9", "label_qp2024": "Ailleurs", "statut": "INCHANGE", "qp2015_1": "QPz"}]
    changes = changes_from_rows(rows, {"QN1", "QN2"}, {"QPa", "QPb", "QPc"}, {"QPc": "Sorti"})
    assert (changes[1].code_in("2015"), changes[1].code_in("2024")) == ("QPa+QPb", "QN2")
    assert changes == (QuartierChange(Change.NOUVEAU, "Nouveau", {"2015": (), "2024": ("QN1",)}),
                       QuartierChange(Change.MODIFIE, "Fusion", {"2015": ("QPa", "QPb"), "2024": ("QN2",)}),
                       QuartierChange(Change.SUPPRIME, "Sorti", {"2015": ("QPc",), "2024": ()}))
    assert changes[2].line() == "SUPPRIME — Sorti : 2015 QPc → 2024 aucun"


def test_without_2024_contours_asking_for_them_is_a_clear_error(data_copy, sources_dir):
    with pytest.raises(SourceError, match=r"contours 2024 : absent du miroir .*qpv_2024\.geojson"):
        build_data(commune="11069", data_dir=data_copy, sources_dir=sources_dir, generation="2024")
    with pytest.raises(DataError, match="génération 2024 non construite"):
        load_territory(data_copy, "11069", "2024")
    result = geo("build-data", "--generation", "2019", data_dir=data_copy)
    assert result.returncode == 2 and "2015" in result.stderr and "Traceback" not in result.stderr


def test_a_broken_correspondence_names_the_file_and_builds_without_codes(data_copy, sources_dir, tmp_path):
    import shutil

    mirror = tmp_path / "qpv"
    shutil.copytree(sources_dir, mirror)
    (mirror / "qpv_correspondance_2024_2015_occitanie.csv").write_bytes(b"\xff\xfe\x00broken")
    report = build_data(commune="11069", data_dir=data_copy, sources_dir=mirror)
    assert "qpv_correspondance_2024_2015_occitanie.csv n'est pas un CSV UTF-8" in report.summary()
    territory = load_territory(data_copy, "11069")
    assert territory.changes == () and all(q.change is None for q in territory.quartiers)
    assert Locator(load_dataset(data_copy, "11069")).locate(2.35664, 43.22668).generation_notice() is None


# --- a redrawn contour: the fixture ------------------------------------------------------------------------------


def test_the_fixture_is_marked_and_never_shipped(mirror_2024):
    props = json.loads((mirror_2024 / "qpv_2024.geojson").read_text(encoding="utf-8"))["features"][0]["properties"]
    assert props["fixture"] == FIXTURE_MARK
    assert not (config.PROJECT_ROOT / "data" / "qpv_2024.geojson").exists()
    assert "qpv_2024" not in subprocess.run(["git", "ls-files"], capture_output=True, text=True,
                                            cwd=config.PROJECT_ROOT).stdout


def test_both_generations_are_built_and_the_newest_answers(both_built):
    territory = load_territory(both_built, "11069")
    assert territory.generations == ("2015", "2024") and territory.generation == "2024"
    assert [q.code for q in territory.quartiers] == sorted(CARCASSONNE_2024.values())
    grazailles = territory.known_quartier("QN01106M")
    assert grazailles.codes == {"2015": "QP011006", "2024": "QN01106M"} and grazailles.change is Change.MODIFIE
    assert grazailles.nom_local == "Grazailles"
    bastide = territory.known_quartier("QN01104I")
    assert bastide.nom_local == "Bastide-Pont-Vieux" and bastide.indicators["population"] == 3775  # same perimeter
    assert grazailles.indicators["population"] is None  # 2015's figures describe the old contour
    assert load_territory(both_built, "11069", "2015").generation == "2015"


def test_a_street_that_entered_grazailles_in_2024(both_built):
    point = grown_ring_point(both_built)
    dataset = load_dataset(both_built, "11069")
    newest = Locator(dataset).locate(point.x, point.y)
    assert newest.statut is Status.DANS_QUARTIER and newest.quartier.code == "QN01106M"
    assert [s.id for s in newest.structures] == ["cs-max-savy", "regie-quartier", "mediaction", "cas-carcassonne"]
    assert newest.generation_notice() is None  # the newest contour answered: nothing to warn about

    older = Locator(_dataset_2015(both_built)).locate(point.x, point.y)
    assert older.statut is Status.HORS_QUARTIER and older.generation == "2015"
    assert older.nearest.quartier.code == "QP011006" and older.nearest.distance_m <= GROWN_M + 1
    assert older.generation_notice().startswith("Contour de 2015 : Grazailles, à ")


def _dataset_2015(data_dir: Path):
    import dataclasses

    dataset = load_dataset(data_dir, "11069")
    return dataclasses.replace(dataset, territory=load_territory(data_dir, "11069", "2015"))


@pytest.mark.slow
def test_gup_generation_and_the_command_line_choose_the_generation(both_built):
    point = grown_ring_point(both_built)
    where = ("--lon", str(point.x), "--lat", str(point.y), "--json")
    newest = json.loads(geo("locate", *where, data_dir=both_built).stdout)
    assert (newest["statut"], newest["generation"], newest["quartier"]["code"]) == ("dans_quartier", "2024", "QN01106M")
    assert newest["quartier"]["codes"] == {"2015": "QP011006", "2024": "QN01106M"}
    for older in (json.loads(geo("locate", *where, "--generation", "2015", data_dir=both_built).stdout),
                  json.loads(geo("locate", *where, data_dir=both_built, GUP_GENERATION="2015").stdout)):
        assert (older["statut"], older["generation"], older["quartier"]) == ("hors_quartier", "2015", None)
        assert older["quartier_le_plus_proche"]["codes"]["2024"] == "QN01106M"
        assert "redessiné en 2024 (QN01106M)" in older["avertissement_generation"]


@pytest.mark.slow
def test_locate_csv_gives_both_codes(both_built, tmp_path):
    point = grown_ring_point(both_built)
    source = tmp_path / "in.csv"
    source.write_text(f"nom,longitude,latitude\nanneau,{point.x},{point.y}\n", encoding="utf-8")
    result = geo("locate-csv", str(source), "-o", str(tmp_path / "out.csv"), data_dir=both_built)
    assert result.returncode == 0, result.stderr
    row = next(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert (row["quartier_code"], row["quartier_code_2015"], row["quartier_code_2024"]) == (
        "QN01106M", "QP011006", "QN01106M")


@pytest.mark.slow
def test_the_api_answers_from_an_older_generation_on_request(both_built):
    point = grown_ring_point(both_built)
    with running_api(GUP_DATA_DIR=str(both_built)) as api:
        newest = requests.get(f"{api}/v1/locate", params={"lon": point.x, "lat": point.y}, timeout=10).json()
        older = requests.get(f"{api}/v1/locate", params={"lon": point.x, "lat": point.y, "generation": "2015"},
                             timeout=10).json()
        wrong = requests.get(f"{api}/v1/locate", params={"lon": point.x, "lat": point.y, "generation": "2019"},
                             timeout=10)
    assert (newest["generation"], newest["quartier"]["code"], newest["statut_2024"]) == ("2024", "QN01106M", "MODIFIE")
    assert (older["generation"], older["statut"]) == ("2015", "hors_quartier")
    assert wrong.status_code == 422 and "generation : valeur inconnue (attendu : 2015 ou 2024)" in wrong.json()["message"]


def test_the_app_answers_from_2024_and_an_old_link_still_finds_grazailles(both_built, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.ui.test_app import APP, answer

    monkeypatch.setenv("GUP_DATA_DIR", str(both_built))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["quartier"] = "QP011006"  # a link shared before 2024
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="quartier").value == "QN01106M"
    assert "Vous êtes dans le quartier Grazailles." in answer(at) and "gup-generation" not in answer(at)
    st.cache_resource.clear()


def test_generations_are_data_and_public_names_stay():
    """The code is written over the generations' mapping; the public field names are exactly those partners read."""
    from geo.territory.generations import CHANGE_FIELD, CODE_FIELDS, GENERATIONS

    assert GENERATIONS == ("2015", "2024")
    assert CODE_FIELDS == {"2015": "quartier_code_2015", "2024": "quartier_code_2024"} and CHANGE_FIELD == "statut_2024"
    from geo.formats.batch import ADDED_COLUMNS
    from geo.planning.exports import CSV_FIELDS

    assert ADDED_COLUMNS[-2:] == ("quartier_code_2015", "quartier_code_2024")
    assert CSV_FIELDS[-3:] == ("quartier_code_2015", "quartier_code_2024", "statut_2024")
