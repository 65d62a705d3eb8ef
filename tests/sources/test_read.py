"""The 2024 contours as they are really published: the official ZIP (by its stable id, from the mirror, or a file a
person downloaded), its WGS84 member or its Lambert-93 one, and a commune's quartiers taken from the official list.

The archives are built here from the TEST FIXTURE of tests/generations_fixture.py (2015 contours relabelled, Grazailles
grown), in the official layout; nothing of it is shipped."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import config
from geo.errors import SourceError
from geo.formats.data import load_dataset, load_territory
from geo.planning.exports import export_geojson
from geo.sources.build import build_data
from geo.territory.locate import Locator
from tests.conftest import copy_data_dir
from tests.generations_fixture import (
    MEMBER_LAMBERT_93,
    MEMBER_WGS84,
    contours_2024,
    geojson_bytes,
    official_archive,
    official_layout,
)
from tests.http_stub import serving

RESOURCE_ID = "942d4ee8-8142-4556-8ea1-335537ce1119"
DATASET_API = "/api/1/datasets/5a561801c751df42d7fca9b6/"
CARCASSONNE_2024 = ["QN01102I", "QN01103I", "QN01104I", "QN01105I", "QN01106M"]


@pytest.fixture(scope="module")
def fixture_contours(sources_dir):
    return contours_2024(sources_dir)


@pytest.fixture
def data(tmp_path) -> Path:
    return copy_data_dir(tmp_path / "data")


def grazailles_ring_point(data_dir: Path) -> shapely.Point:
    """A point the 2024 contour of Grazailles holds and its 2015 contour does not."""
    new = load_territory(data_dir, "11069", "2024").known_quartier("QN01106M").geometry
    old = load_territory(data_dir, "11069", "2015").known_quartier("QP011006").geometry
    return new.difference(old).representative_point()


def stamp(data_dir: Path) -> dict:
    return json.loads((data_dir / "quartiers.geojson").read_text(encoding="utf-8"))["metadata"]


def test_the_official_zip_builds_2024_and_grazailles_answers_from_its_redrawn_contour(
        data, sources_dir, fixture_contours, tmp_path):
    archive = official_archive(tmp_path / "qpv-2024-geojson.zip", official_layout(fixture_contours))

    report = build_data(commune="11069", data_dir=data, sources_dir=sources_dir, contours_2024=archive)

    assert report.generations == ("2015", "2024")
    assert [q.code for q in load_territory(data, "11069", "2024").quartiers] == CARCASSONNE_2024
    point = grazailles_ring_point(data)
    answer = Locator(load_dataset(data)).locate(point.x, point.y)  # the newest generation answers by default
    assert answer.generation == "2024" and answer.quartier.code == "QN01106M"
    assert answer.generation_notice() is None  # the redrawn contour itself answers: no warning left
    assert stamp(data)["contours_2024"] == {
        "fichier": "qpv-2024-geojson.zip", "membre": MEMBER_WGS84, "date": "2026-01-12",
        "sha256": hashlib.sha256(archive.read_bytes()).hexdigest(), "ressource": None}


def test_the_planner_and_the_exports_name_the_2024_file(data, sources_dir, fixture_contours, tmp_path):
    archive = official_archive(tmp_path / "qpv-2024-geojson.zip", official_layout(fixture_contours))
    build_data(commune="11069", data_dir=data, sources_dir=sources_dir, contours_2024=archive)
    attribution = load_territory(data, "11069").attribution  # the planner's « Sources : … » caption
    assert attribution.endswith("; contours 2024 : ANCT, fichier du 12/01/2026")
    exported = json.loads(export_geojson(load_dataset(data)))["metadata"]["sources"]
    assert "contours 2024 : ANCT, fichier du 12/01/2026" in exported


@pytest.mark.slow
def test_the_extracted_geojson_from_the_command_line(data, sources_dir, fixture_contours, tmp_path):
    extracted = tmp_path / "QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson"
    extracted.write_bytes(geojson_bytes(fixture_contours))
    result = subprocess.run([sys.executable, "-m", "geo", "build-data", "--contours-2024", str(extracted)],
                            capture_output=True, text=True, timeout=180, cwd=config.PROJECT_ROOT,
                            env={**os.environ, "GUP_DATA_DIR": str(data), "GUP_SOURCES_DIR": str(sources_dir)})
    assert result.returncode == 0, result.stderr
    assert "générations 2015 et 2024" in result.stdout
    assert f"Contours 2024 : {extracted.name}, fichier du " in result.stdout
    provenance = stamp(data)["contours_2024"]
    assert (provenance["fichier"], provenance["membre"]) == (extracted.name, None)
    assert provenance["sha256"] == hashlib.sha256(extracted.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_missing_file_on_the_command_line_is_named(data, tmp_path):
    result = subprocess.run([sys.executable, "-m", "geo", "build-data", "--contours-2024", str(tmp_path / "qpv.zip")],
                            capture_output=True, text=True, timeout=180, cwd=config.PROJECT_ROOT,
                            env={**os.environ, "GUP_DATA_DIR": str(data)})
    assert result.returncode == 2 and f"{tmp_path / 'qpv.zip'} : fichier introuvable (--contours-2024)" in result.stderr


@pytest.mark.parametrize("declared", [True, False], ids=["crs-declare", "crs-non-declare"])
def test_a_lambert_93_only_archive_is_reprojected(data, sources_dir, fixture_contours, tmp_path, declared):
    lambert = json.loads(geojson_bytes(fixture_contours.to_crs("EPSG:2154")))
    assert "crs" in lambert  # GDAL declares Lambert-93; without it, the member's name says it
    if not declared:
        del lambert["crs"]
    archive = official_archive(tmp_path / "qpv.zip", {MEMBER_LAMBERT_93: json.dumps(lambert).encode()})

    build_data(commune="11069", data_dir=data, sources_dir=sources_dir, contours_2024=archive)

    built = {q.code: q.geometry for q in load_territory(data, "11069", "2024").quartiers}
    expected = dict(zip(fixture_contours["code_qp"], fixture_contours.geometry, strict=True))
    assert built.keys() == expected.keys()
    for code, geometry in built.items():
        assert shapely.symmetric_difference(geometry, expected[code]).area < 1e-6 * expected[code].area
    assert stamp(data)["contours_2024"]["membre"] == MEMBER_LAMBERT_93


@pytest.mark.parametrize(("members", "message"), [
    ({"LISEZMOI.txt": b"rien"}, r"qpv\.zip : l'archive ne contient aucun fichier « QP2024_\*WGS84\*\.geojson » ni "
                                r"« QP2024_\*\.geojson » \(fichiers : LISEZMOI\.txt\)"),
    ("sans-code", r"qpv\.zip › GEOJSON/QP2024_France_Hexagonale_Outre_Mer_WGS84\.geojson : colonne « code_qp » "
                  r"absente"),
], ids=["sans-membre", "sans-code-qp"])
def test_an_archive_that_does_not_fit_is_refused_by_name(data, sources_dir, fixture_contours, tmp_path, members,
                                                         message):
    if members == "sans-code":
        members = {MEMBER_WGS84: geojson_bytes(fixture_contours.rename(columns={"code_qp": "code"}))}
    archive = official_archive(tmp_path / "qpv.zip", members)
    before = (data / "quartiers.geojson").read_bytes()
    with pytest.raises(SourceError, match=message):
        build_data(commune="11069", data_dir=data, sources_dir=sources_dir, contours_2024=archive)
    assert (data / "quartiers.geojson").read_bytes() == before  # nothing half built


def test_a_broken_archive_is_refused_by_name(data, sources_dir, fixture_contours, tmp_path):
    whole = official_archive(tmp_path / "whole.zip", official_layout(fixture_contours)).read_bytes()
    broken = tmp_path / "qpv-2024-geojson.zip"
    broken.write_bytes(whole[: len(whole) // 2])  # a download cut in the middle
    with pytest.raises(SourceError, match=r"qpv-2024-geojson\.zip : archive ZIP illisible .* téléchargez-la de nouveau"):
        build_data(commune="11069", data_dir=data, sources_dir=sources_dir, contours_2024=broken)


def test_the_mirror_takes_the_archive_under_its_downloaded_name(data, sources_dir, fixture_contours, tmp_path):
    mirror = tmp_path / "miroir"
    shutil.copytree(sources_dir, mirror)
    official_archive(mirror / "qpv-2024-geojson.zip", official_layout(fixture_contours))
    report = build_data(commune="11069", data_dir=data, sources_dir=mirror)
    assert report.generations == ("2015", "2024") and stamp(data)["contours_2024"]["membre"] == MEMBER_WGS84


# --- a commune's quartiers come from the official list ----------------------------------------------------------


def mirror_with_list(sources_dir: Path, target: Path, extra_rows: list[dict[str, str]]) -> Path:
    shutil.copytree(sources_dir, target)
    path = target / "qpv_2024_communes_occitanie.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows + [{**rows[0], **row} for row in extra_rows])
    return target


def test_a_quartier_straddling_two_communes_is_built_for_each(data, sources_dir, fixture_contours, tmp_path):
    straddling = fixture_contours.copy()  # the contour carries its other commune, Limoux; the list names both
    straddling.loc[straddling["code_qp"] == "QN01104I", ["insee_com", "lib_com"]] = ["11206", "Limoux"]
    mirror = mirror_with_list(sources_dir, tmp_path / "miroir", [
        {"code_qp": "QN01104I", "lib_qp": "Bastide Pont-Vieux", "insee_com": "11206", "lib_com": "Limoux"}])
    archive = official_archive(tmp_path / "qpv.zip", official_layout(straddling))

    report = build_data(commune="11069", data_dir=data, sources_dir=mirror, contours_2024=archive)

    bastide = load_territory(data, "11069", "2024").known_quartier("QN01104I")
    assert bastide.code == "QN01104I" and not report.missing
    feature = next(f for f in json.loads((data / "quartiers.geojson").read_text(encoding="utf-8"))["features"]
                   if f["properties"]["code"] == "QN01104I")
    assert (feature["properties"]["commune_code"], feature["properties"]["commune_nom"]) == ("11069", "Carcassonne")


def test_the_list_and_the_contours_disagreeing_is_said_by_name(data, sources_dir, fixture_contours, tmp_path):
    stray = fixture_contours[fixture_contours["code_qp"] == "QN01105I"].assign(code_qp="QN01199Y", lib_qp="Quartier X")
    contours = gpd.GeoDataFrame(pd.concat([fixture_contours, stray], ignore_index=True), crs=fixture_contours.crs)
    mirror = mirror_with_list(sources_dir, tmp_path / "miroir", [
        {"code_qp": "QN01198Z", "lib_qp": "Quartier sans contour", "insee_com": "11069", "lib_com": "Carcassonne"}])
    archive = official_archive(tmp_path / "qpv.zip", official_layout(contours))

    report = build_data(commune="11069", data_dir=data, sources_dir=mirror, contours_2024=archive)

    assert [q.code for q in load_territory(data, "11069", "2024").quartiers] == CARCASSONNE_2024
    summary = report.summary()
    assert ("Quartier 2024 QN01198Z (Quartier sans contour) : dans la liste officielle pour 11069, mais sans contour "
            "dans qpv.zip.") in summary
    assert ("Quartier 2024 QN01199Y (Quartier X) : contour rattaché à 11069 dans qpv.zip, mais absent de la liste "
            "officielle pour cette commune : il n'est pas construit.") in summary


# --- the download: the stable id, as data.gouv.fr redirects it, and the dataset as fallback ---------------------


@pytest.fixture
def data_gouv(sources_dir, fixture_contours, tmp_path):
    """data.gouv.fr and geo.api.gouv.fr on 127.0.0.1: the 2015 file, the 2024 list and correspondence, the stable id
    redirecting to the archive, and the dataset listing the archive as a ZIP resource. `routes` may be changed."""
    communes = json.loads((sources_dir / "communes_occitanie.geojson").read_text(encoding="utf-8"))
    carcassonne = next(f for f in communes["features"] if f["properties"]["code_commune"] == "11069")
    archive = official_archive(tmp_path / "qpv-2024-geojson.zip", official_layout(fixture_contours)).read_bytes()
    routes: dict[str, tuple] = {}
    with serving(lambda path: routes.get(path, (404, b""))) as base:
        routes.update({
            "/api/1/datasets/quartiers-prioritaires-de-la-politique-de-la-ville-qpv/": (200, json.dumps({"resources": [
                {"title": "Contours QPV 2015", "format": "geojson", "url": f"{base}/static/qpv2015.geojson"},
                {"title": "Liste des QPV 2024", "format": "csv", "url": f"{base}/static/liste.csv"},
                {"title": "Table de correspondance 2024-2015", "format": "csv", "url": f"{base}/static/corr.csv"},
            ]}).encode()),
            DATASET_API: (200, json.dumps({"resources": [
                {"title": "Contours QPV 2024 (GeoJSON)", "format": "zip", "url": f"{base}/static/qpv-2024-v2.zip"},
            ]}).encode()),
            f"/api/1/datasets/r/{RESOURCE_ID}": (302, b"", {"Location": f"{base}/static/qpv-2024-geojson.zip"}),
            "/static/qpv-2024-geojson.zip": (200, archive, {"Last-Modified": "Mon, 12 Jan 2026 09:00:00 GMT"}),
            "/static/qpv-2024-v2.zip": (200, archive),
            "/static/qpv2015.geojson": (200, (sources_dir / "qpv_occitanie_2015.geojson").read_bytes()),
            "/static/liste.csv": (200, (sources_dir / "qpv_2024_communes_occitanie.csv").read_bytes()),
            "/static/corr.csv": (200, (sources_dir / "qpv_correspondance_2024_2015_occitanie.csv").read_bytes()),
            "/communes/11069": (200, json.dumps({"type": "Feature", "geometry": carcassonne["geometry"],
                                                 "properties": {"code": "11069", "nom": "Carcassonne"}}).encode()),
        })
        yield base, routes


def point_catalog_at(data_dir: Path, base: str) -> None:
    text = (data_dir / "sources.toml").read_text(encoding="utf-8")
    text = text.replace("https://www.data.gouv.fr", base)
    text = text.replace("https://geo.api.gouv.fr/communes/{commune}?format=geojson&geometry=contour",
                        base + "/communes/{commune}")
    (data_dir / "sources.toml").write_text(text, encoding="utf-8")


def test_downloaded_by_its_stable_id(data, data_gouv, tmp_path):
    base, _routes = data_gouv
    point_catalog_at(data, base)
    report = build_data(commune="11069", data_dir=data, sources_dir=tmp_path / "sans-miroir")
    assert report.generations == ("2015", "2024")
    provenance = stamp(data)["contours_2024"]
    assert (provenance["ressource"], provenance["fichier"], provenance["membre"]) == (
        RESOURCE_ID, "qpv-2024-geojson.zip", MEMBER_WGS84)
    assert provenance["date"] == "2026-01-12"


def test_when_the_id_no_longer_answers_the_datasets_zip_is_taken(data, data_gouv, tmp_path):
    base, routes = data_gouv
    routes[f"/api/1/datasets/r/{RESOURCE_ID}"] = (404, b"")
    point_catalog_at(data, base)
    report = build_data(commune="11069", data_dir=data, sources_dir=tmp_path / "sans-miroir")
    assert report.generations == ("2015", "2024")
    provenance = stamp(data)["contours_2024"]
    assert (provenance["ressource"], provenance["fichier"]) == (f"{base}/static/qpv-2024-v2.zip", "qpv-2024-v2.zip")


def test_when_neither_answers_the_build_says_both_and_serves_2015(data, data_gouv, tmp_path):
    base, routes = data_gouv
    routes[f"/api/1/datasets/r/{RESOURCE_ID}"] = (404, b"")
    routes[DATASET_API] = (200, json.dumps({"resources": []}).encode())
    point_catalog_at(data, base)
    report = build_data(commune="11069", data_dir=data, sources_dir=tmp_path / "sans-miroir")
    assert report.generations == ("2015",)
    note = next(line for line in report.missing if "contours 2024" in line)
    assert f"ressource {RESOURCE_ID} : HTTPError" in note and "Aucune ressource « zip » contenant « 2024 »" in note
    assert note.endswith("Le service répond avec les contours de 2015.")
