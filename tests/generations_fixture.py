"""TEST FIXTURE, never data: 2024 contours derived from the official 2015 ones, for Carcassonne only.

The mirror has no 2024 contours. To test what a redrawn contour does, the four unchanged quartiers keep their 2015
shape under their 2024 codes and Grazailles (QN01106M, MODIFIE) is its 2015 contour grown by GROWN_M metres. The
contours carry the official file's properties and are marked as a fixture inside. They are written into a test's
temporary mirror, named like the official GeoJSON, or packed like the official archive (`official_archive`).
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import geopandas as gpd

GROWN_M = 50
CARCASSONNE = "11069"
FIXTURE_MARK = "FIXTURE DE TEST : contours 2024 dérivés des contours 2015, Grazailles agrandi de 50 m"
#: The official archive's layout (shared/data/qpv/PROVENANCE.md): the WGS84 member, beside per-territory ones.
MEMBER_WGS84 = "GEOJSON/QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson"
MEMBER_LAMBERT_93 = "GEOJSON/QP2024_France_Hexagonale_L93.geojson"
#: The date the fixture's members carry inside the archive.
MEMBER_DATE = (2026, 1, 12, 10, 0, 0)


def contours_2024(sources_dir: Path) -> gpd.GeoDataFrame:
    """Carcassonne's 2015 contours under their 2024 codes and the official file's columns, Grazailles grown."""
    with (sources_dir / "qpv_correspondance_2024_2015_occitanie.csv").open(encoding="utf-8") as handle:
        successor = {row["qp2015_1"]: row["qp2024"] for row in csv.DictReader(handle) if row["qp2015_1"]}
    qpv = gpd.read_file(sources_dir / "qpv_occitanie_2015.geojson")
    mine = qpv[qpv["code_commune"].astype(str) == CARCASSONNE].copy()
    metric = mine.to_crs("EPSG:2154")
    grown = metric.geometry.where(mine["code_qp"] != "QP011006", metric.geometry.buffer(GROWN_M))
    count = len(mine)
    return gpd.GeoDataFrame({
        "fid": list(range(1, count + 1)),
        "code_qp": [successor[c] for c in mine["code_qp"]],
        "lib_qp": mine["nom_qp"].to_list(),
        "insee_reg": ["76"] * count, "lib_reg": ["Occitanie"] * count,
        "insee_dep": ["11"] * count, "lib_dep": ["Aude"] * count,
        "insee_com": mine["code_commune"].to_list(),
        "lib_com": mine["nom_commune"].to_list(),
        "siren_epci": ["200035715"] * count,
        "fixture": [FIXTURE_MARK] * count,
    }, geometry=grown.to_list(), crs="EPSG:2154").to_crs("EPSG:4326")


def geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_file(buffer, driver="GeoJSON")
    return buffer.getvalue()


def official_archive(target: Path, members: dict[str, bytes]) -> Path:
    """A ZIP laid out like the official download, holding `members` (name → bytes)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in members.items():
            archive.writestr(zipfile.ZipInfo(name, MEMBER_DATE), payload)
    return target


def official_layout(frame: gpd.GeoDataFrame) -> dict[str, bytes]:
    """The members of the official archive: WGS84 for all of France, Lambert-93 for the Hexagone, and a readme."""
    return {MEMBER_WGS84: geojson_bytes(frame), MEMBER_LAMBERT_93: geojson_bytes(frame.to_crs("EPSG:2154")),
            "LISEZMOI.txt": b"Contours des QPV 2024 (fixture de test)"}


def mirror_with_2024_contours(sources_dir: Path, target: Path) -> Path:
    """A copy of the mirror plus `qpv_2024.geojson` (the fixture); returns the new mirror folder."""
    shutil.copytree(sources_dir, target)
    (target / "qpv_2024.geojson").write_bytes(geojson_bytes(contours_2024(sources_dir)))
    return target
