"""Building the quartiers from the official sources: mirror, download, other communes, repairs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo import config, files
from geo.errors import SourceError
from geo.formats.data import load_dataset, load_territory
from geo.sources.build import build_data
from tests.conftest import committed_data
from tests.http_stub import serving


@pytest.fixture
def empty_data(tmp_path: Path) -> Path:
    return committed_data(tmp_path / "data")


def read_features(path: Path) -> dict[str, dict]:
    return {f["properties"]["code"]: f for f in json.loads(path.read_text(encoding="utf-8"))["features"]}


def test_build_from_mirror_carries_names_and_indicators(empty_data, sources_dir):
    report = build_data(commune="11069", data_dir=empty_data, sources_dir=sources_dir)
    assert report.quartiers == ["QP011002", "QP011003", "QP011004", "QP011005", "QP011006"]
    features = read_features(empty_data / "quartiers.geojson")
    bastide = features["QP011004"]["properties"]
    assert bastide["nom"] == "Bastide Pont-Vieux" and bastide["nom_local"] == "Bastide-Pont-Vieux"
    assert (bastide["population"], bastide["population_annee"]) == (3775, 2015)
    assert (bastide["taux_pauvrete"], bastide["taux_pauvrete_annee"]) == (40.1, 2017)
    assert features["QP011006"]["properties"]["part_etrangers"] is None  # statistical secrecy: empty, not 0
    commune = json.loads((empty_data / "commune.geojson").read_text(encoding="utf-8"))["features"][0]
    assert commune["properties"] == {"code": "11069", "nom": "Carcassonne", "departement": "11", "epci": "200035715",
                                     "region": "76"}  # where it sits, from the contours and the 2024 list
    assert load_dataset(empty_data, commune="11069").territory.commune_nom == "Carcassonne"


@pytest.mark.parametrize(("commune", "name", "count"), [("11262", "Narbonne", 3), ("31555", "Toulouse", 12)])
def test_any_commune_of_the_source_builds_the_same_way(empty_data, sources_dir, commune, name, count):
    report = build_data(commune=commune, data_dir=empty_data, sources_dir=sources_dir)
    assert (report.commune_nom, len(report.quartiers)) == (name, count)
    loaded = load_territory(empty_data, commune)  # the structures are Carcassonne's: the territory alone
    assert loaded.commune_nom == name and len(loaded.quartiers) == count
    assert all(q.nom_local == q.nom for q in loaded.quartiers)  # no local names known: the official ones


def test_invalid_geometry_is_repaired_and_reported(empty_data, sources_dir):
    report = build_data(commune="34145", data_dir=empty_data, sources_dir=sources_dir)  # Lunel
    assert "QP034021" in report.repaired and "QP034021" in report.summary()
    geometry = shapely.geometry.shape(read_features(empty_data / "quartiers.geojson")["QP034021"]["geometry"])
    assert geometry.is_valid and geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.area > 0


@pytest.mark.parametrize(("commune", "message"), [
    ("11001", "La commune 11001 est absente des contours de communes"),
    ("Carcassonne", "Code commune invalide : « Carcassonne »"),
])
def test_unknown_commune_is_a_clear_error(empty_data, sources_dir, commune, message):
    with pytest.raises(SourceError, match=message):
        build_data(commune=commune, data_dir=empty_data, sources_dir=sources_dir)


@pytest.fixture
def official_site(sources_dir, tmp_path):
    """A stand-in for data.gouv.fr and geo.api.gouv.fr on 127.0.0.1, serving the national file's shape:
    upper-case columns, Lambert-93, no commune code."""
    qpv = gpd.read_file(sources_dir / "qpv_occitanie_2015.geojson")
    national = qpv[["code_qp", "nom_qp", "commune_qp", "geometry"]].rename(columns=str.upper)
    national = national.rename(columns={"GEOMETRY": "geometry"}).set_geometry("geometry").to_crs("EPSG:2154")
    national.to_file(tmp_path / "national.geojson", driver="GeoJSON")
    communes = json.loads((sources_dir / "communes_occitanie.geojson").read_text(encoding="utf-8"))
    carcassonne = next(f for f in communes["features"] if f["properties"]["code_commune"] == "11069")
    routes: dict[str, bytes] = {}
    with serving(lambda path: (200, routes[path]) if path in routes else (404, b"")) as base:
        routes.update({
            "/api/": json.dumps({"resources": [
                {"title": "QPV 2024 (geojson)", "format": "geojson", "url": f"{base}/wrong.geojson"},
                {"title": "Contours QPV 2015", "format": "GeoJSON", "url": f"{base}/qpv2015.geojson"},
            ]}).encode(),
            "/qpv2015.geojson": (tmp_path / "national.geojson").read_bytes(),
            "/communes/11069": json.dumps({"type": "Feature", "properties": {"code": "11069", "nom": "Carcassonne"},
                                           "geometry": carcassonne["geometry"]}).encode(),
        })
        yield base


def point_catalog(data_dir: Path, base: str) -> None:
    text = (data_dir / "sources.toml").read_text(encoding="utf-8")
    text = text.replace("https://www.data.gouv.fr/api/1/datasets/quartiers-prioritaires-de-la-politique-de-la-ville-qpv/",
                        f"{base}/api/")
    text = text.replace("https://geo.api.gouv.fr/communes/{commune}?format=geojson&geometry=contour",
                        base + "/communes/{commune}")
    (data_dir / "sources.toml").write_text(text, encoding="utf-8")


def test_without_mirror_the_official_source_is_downloaded(empty_data, sources_dir, official_site, tmp_path):
    mirror_build = tmp_path / "mirror"
    shutil.copytree(empty_data, mirror_build)
    build_data(commune="11069", data_dir=mirror_build, sources_dir=sources_dir)
    point_catalog(empty_data, official_site)

    report = build_data(commune="11069", data_dir=empty_data, sources_dir=tmp_path / "no-mirror")

    assert report.indicators_missing and "Indicateurs INSEE absents" in report.summary()
    downloaded, mirrored = read_features(empty_data / "quartiers.geojson"), read_features(mirror_build / "quartiers.geojson")
    assert downloaded.keys() == mirrored.keys()
    for code in mirrored:
        a = shapely.geometry.shape(downloaded[code]["geometry"])
        b = shapely.geometry.shape(mirrored[code]["geometry"])
        assert shapely.symmetric_difference(a, b).area < 1e-9 * b.area + 1e-12  # same shape after the round trip
        assert downloaded[code]["properties"]["nom_local"] == mirrored[code]["properties"]["nom_local"]


def test_no_mirror_and_no_network_says_what_to_do(empty_data, tmp_path):
    point_catalog(empty_data, "http://127.0.0.1:9")  # the discard port: nothing answers
    with pytest.raises(SourceError, match="GUP_SOURCES_DIR") as caught:
        build_data(commune="11069", data_dir=empty_data, sources_dir=tmp_path / "no-mirror")
    assert "data.gouv.fr" in str(caught.value)


def test_failed_build_leaves_previous_files_intact(empty_data, sources_dir, monkeypatch):
    build_data(commune="11069", data_dir=empty_data, sources_dir=sources_dir)
    before = (empty_data / "quartiers.geojson").read_bytes()

    def crash(fd):
        raise OSError("disque plein")

    monkeypatch.setattr(files.os, "fsync", crash)
    with pytest.raises(OSError):
        build_data(commune="11262", data_dir=empty_data, sources_dir=sources_dir)
    assert (empty_data / "quartiers.geojson").read_bytes() == before
    assert not list(empty_data.glob("*.tmp"))


@pytest.mark.slow
def test_killing_build_data_mid_write_leaves_the_previous_file(data_copy, sources_dir):
    """A real process, killed with SIGKILL while its new file is half-way: the old file stays whole."""
    import os
    import signal
    import subprocess
    import sys
    import time

    before = (data_copy / "quartiers.geojson").read_bytes()
    slow_write = ("import os, time, geo.files\n"
                  "real = os.fsync\n"
                  "def slow(fd):\n    time.sleep(30)\n    real(fd)\n"
                  "geo.files.os.fsync = slow\n"
                  "from geo.cli.main import main\nmain(['build-data', '--commune', '11262'])\n")
    env = {**os.environ, "GUP_DATA_DIR": str(data_copy), "GUP_SOURCES_DIR": str(sources_dir)}
    process = subprocess.Popen([sys.executable, "-c", slow_write], env=env, cwd=config.PROJECT_ROOT)
    try:
        deadline = time.monotonic() + 60
        while not list(data_copy.glob(".quartiers.geojson.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(data_copy.glob(".quartiers.geojson.*.tmp")), "the build never started writing"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        process.kill()
    assert (data_copy / "quartiers.geojson").read_bytes() == before
    assert load_dataset(data_copy, commune="11069").territory.commune_nom == "Carcassonne"
