"""Reading the official sources: from the local mirror (GUP_SOURCES_DIR) or from data.gouv.fr.

Each reader turns a file into what the build needs and says in French what is missing or unreadable,
so a machine without the mirror or without internet learns which official download to fetch.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any

import geopandas as gpd
import pandas as pd
import requests

from geo.errors import SourceError
from geo.territory import hours

#: The 2024 contours name their columns like the 2024 list; the build reads them under the 2015 names.
CONTOURS_2024_COLUMNS = {"lib_qp": "nom_qp", "insee_com": "code_commune", "lib_com": "nom_commune"}
HTTP_TIMEOUT_S = 60
WGS84 = "EPSG:4326"
LAMBERT_93 = "EPSG:2154"
#: The member of the official 2024 archive that fits: the whole of France in WGS84.
MEMBER_WGS84 = "QP2024_*WGS84*.geojson"
#: The archive's other members, one per territory in its local projection (Lambert-93 for the Hexagone).
MEMBER_LOCAL = "QP2024_*.geojson"
#: Words by which a member's name says Lambert-93, should the file itself not declare it.
LAMBERT_93_WORDS = ("l93", "lamb93", "lambert93", "2154", "hexagon")


@dataclass(frozen=True)
class Provenance:
    """Which file the 2024 contours were read from, as the build's stamp records it."""

    fichier: str
    """The file as received: the archive, or the GeoJSON."""
    membre: str | None
    """The archive's member(s) read; None for a GeoJSON file."""
    date: str
    """The file's day (ISO): the member's date in an archive, else the file's."""
    sha256: str
    """Of the file as received, so anybody can check it is the official one."""
    ressource: str | None
    """The data.gouv.fr resource it was downloaded from; None for a local file."""

    def attribution(self) -> str:
        return f"contours 2024 : ANCT, fichier du {date.fromisoformat(self.date):%d/%m/%Y}"

    def line(self) -> str:
        """For the person who ran the build: which file, which member, and its fingerprint to check."""
        member = f" ({self.membre})" if self.membre else ""
        origin = f", ressource data.gouv.fr {self.ressource}" if self.ressource else ""
        return (f"Contours 2024 : {self.fichier}{member}, fichier du {date.fromisoformat(self.date):%d/%m/%Y}"
                f"{origin}, SHA-256 {self.sha256}.")

    def as_json(self) -> dict[str, str | None]:
        return {"fichier": self.fichier, "membre": self.membre, "date": self.date, "sha256": self.sha256,
                "ressource": self.ressource}


@dataclass
class RawSources:
    qpv: gpd.GeoDataFrame
    communes: list[dict[str, Any]]
    indicators: dict[str, dict[str, str]] | None
    origin: str


@dataclass
class Sources2024:
    """What the 2024 list brings: its contours when available, its communes and the official correspondence."""

    contours: gpd.GeoDataFrame | None
    communes: list[dict[str, str]]
    correspondence: list[dict[str, str]]
    missing: list[str] = field(default_factory=list)
    """What could not be read, in words for the person who ran the build."""
    provenance: Provenance | None = None
    """Where the contours came from, when there are contours."""


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


@dataclass(frozen=True)
class Received:
    """A source file as it arrived: its bytes, its name, and whence."""

    payload: bytes
    name: str
    day: date
    """The file's own date: its modification date, or the server's Last-Modified, else the day it came."""
    resource: str | None = None

    @classmethod
    def of_file(cls, path: Path) -> Received:
        return cls(path.read_bytes(), path.name, datetime.fromtimestamp(path.stat().st_mtime).date())


def mirror_file(entry: dict[str, Any], sources_dir: Path) -> Path:
    """The first of the names the mirror accepts for this source (the official download, or what it holds)."""
    names = entry["miroir"] if isinstance(entry["miroir"], list) else [entry["miroir"]]
    found: list[Path] = [sources_dir / name for name in names if (sources_dir / name).is_file()]
    if not found:
        raise SourceError(f"{entry['titre']} : absent du miroir ({sources_dir / names[0]}"
                          f"{''.join(f' ou {n}' for n in names[1:])}) ; source officielle : {entry['page']}.")
    return found[0]


def _later_file(entry: dict[str, Any], sources_dir: Path) -> Received:
    """A 2024 source from the mirror when there is one, else from the official dataset: by the resource's stable
    id when the catalog gives one, else (or when the id no longer answers) by format and title."""
    if sources_dir.is_dir():
        return Received.of_file(mirror_file(entry, sources_dir))
    failures = []
    if "ressource_id" in entry:
        try:
            response = _get(entry["url"].format(ressource_id=entry["ressource_id"]))
            return _received(response, entry["ressource_id"])
        except requests.RequestException as exc:
            failures.append(f"ressource {entry['ressource_id']} : {exc.__class__.__name__}")
    try:
        payload, url = _resource(entry)
    except (requests.RequestException, ValueError, SourceError) as exc:
        failures.append(str(exc) if isinstance(exc, SourceError) else exc.__class__.__name__)
        raise SourceError(f"{entry['titre']} : téléchargement impossible ({' ; '.join(failures)}) ; "
                          f"source officielle : {entry['page']}.") from exc
    return Received(payload, PurePosixPath(url).name, hours.today(), url)


def _received(response: requests.Response, resource: str) -> Received:
    """A download by stable id: its name is the file it redirected to, its date the server's Last-Modified."""
    try:
        day = parsedate_to_datetime(response.headers["Last-Modified"]).date()
    except (KeyError, TypeError, ValueError):
        day = hours.today()
    return Received(response.content, PurePosixPath(response.url).name or resource, day, resource)


def read_later(catalog: dict[str, Any], sources_dir: Path, contours_file: Path | None = None) -> Sources2024:
    """The 2024 sources that can be had; each one missing is said, none stops the 2015 build. `contours_file`,
    the official ZIP or the GeoJSON taken out of it, replaces the mirror's or the download's contours."""
    later = Sources2024(None, [], [])
    for key in ("liste_2024", "correspondance"):
        try:
            received = _later_file(catalog[key], sources_dir)
            rows = list(csv.DictReader(io.StringIO(received.payload.decode("utf-8-sig"))))
        except SourceError as exc:
            later.missing.append(f"{exc} Les codes 2024 ne sont pas connus.")
            continue
        except UnicodeDecodeError as exc:
            later.missing.append(f"{catalog[key]['titre']} : {received.name} n'est pas un CSV UTF-8 ({exc.reason}).")
            continue
        if key == "liste_2024":
            later.communes = rows
        else:
            later.correspondence = rows
    try:
        if contours_file is not None:
            if not contours_file.is_file():
                raise SourceError(f"{contours_file} : fichier introuvable (--contours-2024).")
            received = Received.of_file(contours_file)
        else:
            received = _later_file(catalog["qpv_2024"], sources_dir)
        later.contours, later.provenance = read_contours_2024(received)
    except SourceError as exc:
        if contours_file is not None:  # the person asked for this file: its fault is theirs to fix, not a note
            raise
        later.missing.append(f"{exc} Le service répond avec les contours de 2015.")
    return later


def read_contours_2024(received: Received) -> tuple[gpd.GeoDataFrame, Provenance]:
    """The 2024 contours from the official ZIP archive (its WGS84 member, else its members in local projections,
    reprojected), or from a GeoJSON file taken out of it."""
    sha256 = hashlib.sha256(received.payload).hexdigest()
    if not zipfile.is_zipfile(io.BytesIO(received.payload)):
        if received.name.lower().endswith(".zip") or received.payload.startswith(b"PK"):
            raise SourceError(f"{received.name} : archive ZIP illisible (fichier tronqué ou abîmé ?) ; "
                              "téléchargez-la de nouveau.")
        frame = _read_qpv(received.payload, received.name, CONTOURS_2024_COLUMNS)
        return frame, Provenance(received.name, None, received.day.isoformat(), sha256, received.resource)
    try:
        with zipfile.ZipFile(io.BytesIO(received.payload)) as archive:
            members = _contour_members(archive, received.name)
            frames = [_read_qpv(archive.read(m), f"{received.name} › {m.filename}", CONTOURS_2024_COLUMNS,
                                undeclared_crs=_lambert_93_by_name(m.filename)) for m in members]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise SourceError(f"{received.name} : archive ZIP illisible ({exc}) ; téléchargez-la de nouveau.") from exc
    frame = frames[0] if len(frames) == 1 else gpd.GeoDataFrame(
        pd.concat(frames, ignore_index=True), geometry="geometry", crs=WGS84)
    day = max(date(*m.date_time[:3]) for m in members)
    return frame, Provenance(received.name, ", ".join(m.filename for m in members), day.isoformat(), sha256,
                             received.resource)


def _contour_members(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    """The WGS84 member when the archive has one, else every member in a local projection."""
    def matching(pattern: str) -> list[zipfile.ZipInfo]:
        return [m for m in archive.infolist() if not m.is_dir()
                and fnmatch.fnmatch(PurePosixPath(m.filename).name.lower(), pattern.lower())]

    found = matching(MEMBER_WGS84) or matching(MEMBER_LOCAL)
    if not found:
        listed = ", ".join(m.filename for m in archive.infolist()[:12]) or "aucun"
        raise SourceError(f"{name} : l'archive ne contient aucun fichier « {MEMBER_WGS84} » ni « {MEMBER_LOCAL} » "
                          f"(fichiers : {listed}) ; est-ce bien l'archive des contours QPV 2024 ?")
    return found[:1] if matching(MEMBER_WGS84) else found


def _lambert_93_by_name(member: str) -> str | None:
    """A member whose name says Lambert-93 is read in it when its coordinates cannot be WGS84's."""
    lowered = member.lower().replace("-", "").replace("_", "")
    return LAMBERT_93 if any(word in lowered for word in LAMBERT_93_WORDS) and "wgs84" not in lowered else None


def _get(url: str) -> requests.Response:
    response = requests.get(url, timeout=HTTP_TIMEOUT_S)
    response.raise_for_status()
    return response


def _read_qpv(payload: bytes, name: str, aliases: dict[str, str] | None = None,
              undeclared_crs: str | None = None) -> gpd.GeoDataFrame:
    """The QPV contours with lower-case column names, in WGS84 whatever CRS they came in. A GeoJSON that declares
    no CRS is read as WGS84; `undeclared_crs` is taken instead when its coordinates lie beyond the Earth's."""
    try:
        frame = gpd.read_file(io.BytesIO(payload))
    except Exception as exc:  # pyogrio raises several types for unreadable input
        raise SourceError(f"{name} : contours QPV illisibles ({exc}).") from exc
    if undeclared_crs and frame.crs == WGS84 and not _on_earth(frame):
        frame = frame.set_crs(undeclared_crs, allow_override=True)
    frame.columns = [c.lower() if c != "geometry" else c for c in frame.columns]
    if aliases:
        frame = frame.rename(columns={k: v for k, v in aliases.items() if v not in frame.columns})
    if "code_qp" not in frame.columns:
        raise SourceError(f"{name} : colonne « code_qp » absente (colonnes : {', '.join(frame.columns)}).")
    if frame.crs is None:
        raise SourceError(f"{name} : système de coordonnées non déclaré ; impossible de placer les quartiers.")
    frame = frame.to_crs(WGS84)
    if not _on_earth(frame):
        minx, miny, maxx, maxy = frame.total_bounds
        raise SourceError(f"{name} : coordonnées incohérentes avec le système déclaré ({frame.crs}) : "
                          f"emprise {minx:.0f}, {miny:.0f}, {maxx:.0f}, {maxy:.0f} hors de la Terre.")
    return frame


def _on_earth(frame: gpd.GeoDataFrame) -> bool:
    minx, miny, maxx, maxy = frame.total_bounds
    return bool(-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90)


def _read_indicators(payload: bytes) -> dict[str, dict[str, str]]:
    text = payload.decode("utf-8-sig")
    return {row["code_qp"]: row for row in csv.DictReader(io.StringIO(text))}
