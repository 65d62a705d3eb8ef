"""TEST FIXTURE, never data: a 2024 contour file derived from the official 2015 one, for Carcassonne only.

The mirror has no 2024 contours. To test what a redrawn contour does, the four unchanged quartiers keep their 2015
shape under their 2024 codes and Grazailles (QN01106M, MODIFIE) is its 2015 contour grown by GROWN_M metres. The
file is written into a test's temporary mirror, named like the official one, and marked as a fixture inside.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import geopandas as gpd

GROWN_M = 50
CARCASSONNE = "11069"
FIXTURE_MARK = "FIXTURE DE TEST : contours 2024 dérivés des contours 2015, Grazailles agrandi de 50 m"


def mirror_with_2024_contours(sources_dir: Path, target: Path) -> Path:
    """A copy of the mirror plus `qpv_2024.geojson` (the fixture); returns the new mirror folder."""
    shutil.copytree(sources_dir, target)
    with (sources_dir / "qpv_correspondance_2024_2015_occitanie.csv").open(encoding="utf-8") as handle:
        successor = {row["qp2015_1"]: row["qp2024"] for row in csv.DictReader(handle) if row["qp2015_1"]}
    qpv = gpd.read_file(sources_dir / "qpv_occitanie_2015.geojson")
    mine = qpv[qpv["code_commune"].astype(str) == CARCASSONNE].copy()
    metric = mine.to_crs("EPSG:2154")
    grown = metric.geometry.where(mine["code_qp"] != "QP011006", metric.geometry.buffer(GROWN_M))
    fixture = gpd.GeoDataFrame({
        "code_qp": [successor[c] for c in mine["code_qp"]],
        "lib_qp": mine["nom_qp"].to_list(),
        "insee_com": mine["code_commune"].to_list(),
        "lib_com": mine["nom_commune"].to_list(),
        "fixture": [FIXTURE_MARK] * len(mine),
    }, geometry=grown.to_list(), crs="EPSG:2154").to_crs("EPSG:4326")
    fixture.to_file(target / "qpv_2024.geojson", driver="GeoJSON")
    return target
