"""Reading the official sources: from the local mirror (GUP_SOURCES_DIR) or from data.gouv.fr.

Each reader turns a file into what the build needs and says in French what is missing or unreadable,
so a machine without the mirror or without internet learns which official download to fetch.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import requests

from geo.errors import SourceError

#: The 2024 contours name their columns like the 2024 list; the build reads them under the 2015 names.
CONTOURS_2024_COLUMNS = {"lib_qp": "nom_qp", "insee_com": "code_commune", "lib_com": "nom_commune"}
HTTP_TIMEOUT_S = 60
WGS84 = "EPSG:4326"


@dataclass
class RawSources:
    qpv: gpd.GeoDataFrame
    communes: list[dict[str, Any]]
    indicators: dict[str, dict[str, str]] | None
    origin: str


@dataclass
class Later:
    """What the 2024 list brings: its contours when available, its communes and the official correspondence."""

    contours: gpd.GeoDataFrame | None
    communes: list[dict[str, str]]
    correspondence: list[dict[str, str]]
    missing: list[str] = field(default_factory=list)
    """What could not be read, in words for the person who ran the build."""


def read_2015(catalog: dict[str, Any], commune: str, sources_dir: Path) -> RawSources:
    """The 2015 contours, communes and indicators: from the mirror when there is one, else downloaded."""
    return _read_mirror(catalog, sources_dir) if sources_dir.is_dir() else _download(catalog, commune, sources_dir)


def _read_mirror(catalog: dict[str, Any], sources_dir: Path) -> RawSources:
    qpv_path = sources_dir / catalog["qpv"]["miroir"]
    communes_path = sources_dir / catalog["communes"]["miroir"]
    for path in (qpv_path, communes_path):
        if not path.is_file():
            raise SourceError(f"Fichier source absent du miroir : {path}. Complétez le dossier GUP_SOURCES_DIR "
                              f"ou retirez-le pour télécharger la source officielle.")
    indicators_path = sources_dir / catalog["indicateurs"]["miroir"]
    indicators = _read_indicators(indicators_path.read_bytes()) if indicators_path.is_file() else None
    try:
        communes = json.loads(communes_path.read_text(encoding="utf-8"))["features"]
    except (ValueError, KeyError) as exc:
        raise SourceError(f"{communes_path.name} : GeoJSON des communes illisible ({exc}).") from exc
    return RawSources(_read_qpv(qpv_path.read_bytes(), qpv_path.name), communes, indicators,
                      f"miroir local {sources_dir}")


def _resource(entry: dict[str, Any]) -> tuple[bytes, str]:
    """The dataset's resource chosen by format and a word of its title (a re-upload under a new id is found)."""
    resources = _get(entry["api"]).json().get("resources", [])
    wanted = [r for r in resources
              if (r.get("format") or "").lower() == entry["ressource_format"]
              and entry["ressource_titre_contient"].lower() in (r.get("title") or "").lower()]
    if not wanted:
        raise SourceError(f"Aucune ressource « {entry['ressource_format']} » contenant « "
                          f"{entry['ressource_titre_contient']} » dans le jeu de données {entry['page']}.")
    return _get(wanted[0]["url"]).content, wanted[0]["url"]


def _download(catalog: dict[str, Any], commune: str, sources_dir: Path) -> RawSources:
    qpv = catalog["qpv"]
    try:
        qpv_bytes, qpv_url = _resource(qpv)
        commune_doc = _get(catalog["communes"]["url"].format(commune=commune)).json()
    except (requests.RequestException, ValueError) as exc:
        raise SourceError(
            f"Pas de miroir local des données QPV ({sources_dir}) et le téléchargement de la source officielle "
            f"a échoué ({exc.__class__.__name__}). Placez les fichiers officiels dans un dossier et indiquez-le "
            f"avec GUP_SOURCES_DIR, ou connectez la machine à internet ; source : {qpv['page']}") from exc
    feature = commune_doc if commune_doc.get("type") == "Feature" else (commune_doc.get("features") or [{}])[0]
    props = feature.get("properties", {})
    feature["properties"] = {"code_commune": props.get("code", commune), "nom_commune": props.get("nom", commune)}
    return RawSources(_read_qpv(qpv_bytes, qpv_url), [feature], None, f"téléchargement {qpv['page']}")


def _later_bytes(entry: dict[str, Any], sources_dir: Path) -> tuple[bytes, str]:
    """A 2024 source from the mirror when there is one, else from the official dataset."""
    if sources_dir.is_dir():
        path = sources_dir / entry["miroir"]
        if not path.is_file():
            raise SourceError(f"{entry['titre']} : absent du miroir ({path}) ; source officielle : {entry['page']}.")
        return path.read_bytes(), path.name
    try:
        return _resource(entry)
    except (requests.RequestException, ValueError) as exc:
        raise SourceError(f"{entry['titre']} : téléchargement impossible ({exc.__class__.__name__}) ; "
                          f"source officielle : {entry['page']}.") from exc


def read_later(catalog: dict[str, Any], sources_dir: Path) -> Later:
    """The 2024 sources that can be had; each one missing is said, none stops the 2015 build."""
    later = Later(None, [], [])
    for key in ("liste_2024", "correspondance"):
        try:
            payload, name = _later_bytes(catalog[key], sources_dir)
            rows = list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig"))))
        except SourceError as exc:
            later.missing.append(f"{exc} Les codes 2024 ne sont pas connus.")
            continue
        except UnicodeDecodeError as exc:
            later.missing.append(f"{catalog[key]['titre']} : {name} n'est pas un CSV UTF-8 ({exc.reason}).")
            continue
        if key == "liste_2024":
            later.communes = rows
        else:
            later.correspondence = rows
    try:
        payload, name = _later_bytes(catalog["qpv_2024"], sources_dir)
        later.contours = _read_qpv(payload, name, CONTOURS_2024_COLUMNS)
    except SourceError as exc:
        later.missing.append(f"{exc} Le service répond avec les contours de 2015.")
    return later


def _get(url: str) -> requests.Response:
    response = requests.get(url, timeout=HTTP_TIMEOUT_S)
    response.raise_for_status()
    return response


def _read_qpv(payload: bytes, name: str, aliases: dict[str, str] | None = None) -> gpd.GeoDataFrame:
    """The QPV contours with lower-case column names, in WGS84 whatever CRS they came in."""
    try:
        frame = gpd.read_file(io.BytesIO(payload))
    except Exception as exc:  # pyogrio raises several types for unreadable input
        raise SourceError(f"{name} : contours QPV illisibles ({exc}).") from exc
    frame.columns = [c.lower() if c != "geometry" else c for c in frame.columns]
    if aliases:
        frame = frame.rename(columns={k: v for k, v in aliases.items() if v not in frame.columns})
    if "code_qp" not in frame.columns:
        raise SourceError(f"{name} : colonne « code_qp » absente (colonnes : {', '.join(frame.columns)}).")
    if frame.crs is None:
        raise SourceError(f"{name} : système de coordonnées non déclaré ; impossible de placer les quartiers.")
    frame = frame.to_crs(WGS84)
    minx, miny, maxx, maxy = frame.total_bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise SourceError(f"{name} : coordonnées incohérentes avec le système déclaré ({frame.crs}) : "
                          f"emprise {minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f} hors de la Terre.")
    return frame


def _read_indicators(payload: bytes) -> dict[str, dict[str, str]]:
    text = payload.decode("utf-8-sig")
    return {row["code_qp"]: row for row in csv.DictReader(io.StringIO(text))}
