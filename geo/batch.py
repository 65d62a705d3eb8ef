"""Whole files of points: read in chunks, locate each chunk in one vectorized pass, write as we go.

Memory stays bounded whatever the file's size. A row with unusable coordinates gets `statut=erreur`
and a reason; it never stops the run. The output is written atomically.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo.errors import InputError
from geo.files import atomic_writer
from geo.geocode.base import LOW_SCORE, Geocoder
from geo.locate import Locator, Status, structures_serving

LON, LAT = "longitude", "latitude"
ADDRESS, POSTCODE, CITY = "adresse", "code_postal", "commune"
ADDED_COLUMNS = ("quartier_code", "quartier_nom", "statut", "structures", "raison")
GEOCODING_COLUMNS = ("adresse_trouvee", "score_geocodage")
CHUNK_ROWS = 50_000
RAGGED = "cellules en trop par rapport à l'en-tête"


@dataclass(frozen=True)
class BatchReport:
    rows: int
    by_status: dict[str, int]

    def summary(self) -> str:
        parts = ", ".join(f"{status} : {count}" for status, count in sorted(self.by_status.items()))
        return f"{self.rows} lignes traitées ({parts})."


def parse_coordinate(text: str, name: str, limit: float) -> tuple[float, str]:
    """(value, '') or (nan, reason in French). A decimal comma is accepted, as French spreadsheets write it."""
    cleaned = (text or "").strip().replace(",", ".")
    if not cleaned:
        return math.nan, f"{name} vide"
    try:
        value = float(cleaned)
    except ValueError:
        return math.nan, f"{name} illisible : « {text} »"
    if not math.isfinite(value) or abs(value) > limit:
        return math.nan, f"{name} hors limites : « {text} »"
    return value, ""


def sniff_delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def check_header(name: str, header: list[str], *, addresses_allowed: bool = False) -> bool:
    """Whether the file gives addresses (True) or coordinates (False); a clear error when it gives neither."""
    if not header:
        raise InputError(f"{name} : fichier vide.")
    by_address = addresses_allowed and ADDRESS in header and not (LON in header and LAT in header)
    missing = [] if by_address else [c for c in (LON, LAT) if c not in header]
    if missing:
        also = " ou une colonne adresse" if addresses_allowed else ""
        raise InputError(f"{name} : colonne(s) absente(s) : {', '.join(missing)}{also} "
                         f"(colonnes trouvées : {', '.join(header)}).")
    clash = [c for c in (*ADDED_COLUMNS, *(GEOCODING_COLUMNS if by_address else ())) if c in header]
    if clash:
        raise InputError(f"{name} : le fichier a déjà une colonne {', '.join(clash)} ; renommez-la.")
    return by_address


class Answers:
    """The added columns for rows of coordinates; the few distinct answers are computed once each."""

    def __init__(self, locator: Locator):
        self.locator = locator
        self._serving: dict[tuple[str, str | None], tuple[str, str]] = {}

    def columns(self, lon_texts: list[str], lat_texts: list[str], extra: list[list[str]],
                notes: list[str] | None = None) -> list[list[str]]:
        """Added columns per row; `extra` holds a row's cells beyond the header (kept in the reason, not lost);
        `notes` replaces the coordinate reasons (what geocoding said of each row)."""
        lons = [parse_coordinate(t, LON, 180) for t in lon_texts]
        lats = [parse_coordinate(t, LAT, 90) for t in lat_texts]
        if notes is not None:
            lons = [(v, note) for (v, _), note in zip(lons, notes, strict=True)]
            lats = [(v, "") for v, _ in lats]
        statuses, codes = self.locator.locate_many(np.array([v for v, _ in lons]), np.array([v for v, _ in lats]))
        out = []
        for (_, lon_why), (_, lat_why), status, code, more in zip(lons, lats, statuses, codes, extra, strict=True):
            reason = f"{RAGGED} : {';'.join(more)}" if more else " ; ".join(r for r in (lon_why, lat_why) if r)
            if more:
                status, code = Status.ERREUR.value, None
            name, ids = self._answer(status, code)
            out.append([code or "", name, status, ids, reason])
        return out

    def _answer(self, status: str, code: str | None) -> tuple[str, str]:
        if (status, code) not in self._serving:
            quartier = self.locator.dataset.territory.quartier(code) if code else None
            found = () if status == Status.ERREUR else structures_serving(self.locator.dataset, Status(status), quartier)
            self._serving[(status, code)] = (quartier.nom_local if quartier else "", ";".join(s.id for s in found))
        return self._serving[(status, code)]


def _chunks(rows: Iterable[list[str]], size: int) -> Iterable[list[list[str]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _geocoded(geocoder: Geocoder, cells: list[list[str]],
              header: list[str]) -> tuple[list[str], list[str], list[list[str]], list[str]]:
    """Coordinates for rows of addresses, the columns saying what was found, and a reason where it is doubtful."""
    parts = [header.index(c) for c in (ADDRESS, POSTCODE, CITY) if c in header]
    queries = [" ".join(row[i] for i in parts).strip() for row in cells]
    found = geocoder.batch(queries)
    lons, lats, added, notes = [], [], [], []
    for query, result in zip(queries, found, strict=True):
        if result is None:
            lons.append(""), lats.append(""), added.append(["", ""])
            notes.append("adresse vide" if not query else "adresse introuvable")
            continue
        lons.append(repr(result.lon)), lats.append(repr(result.lat))
        added.append([result.label, f"{result.score:.2f}"])
        notes.append("" if result.score >= LOW_SCORE else
                     f"adresse incertaine (score {result.score:.2f}) : vérifiez-la".replace(".", ",", 1))
    return lons, lats, added, notes


def locate_csv(locator: Locator, source: Path, target: Path, *, chunk_rows: int = CHUNK_ROWS,
               progress: Callable[[int], None] | None = None,
               geocoder: Callable[[], Geocoder] | None = None) -> BatchReport:
    """Stream `source` to `target` with the answer columns added; `progress` receives rows done per chunk.

    A file of addresses (an `adresse` column, optionally `code_postal` and `commune`) is geocoded in
    batches by the geocoder that `geocoder()` returns; it also gets `adresse_trouvee` and `score_geocodage`.
    """
    try:
        with source.open("rb") as raw:
            if b"\x00" in raw.read(4096):
                raise InputError(f"{source.name} : ce n'est pas un fichier CSV (contenu binaire) ; "
                                 "enregistrez-le au format « CSV UTF-8 ».")
        handle = source.open(encoding="utf-8-sig", newline="")
        first_line = handle.readline()
        handle.seek(0)
    except FileNotFoundError as exc:
        raise InputError(f"Fichier introuvable : {source}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{source} est un dossier, pas un fichier CSV.") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{source.name} : le fichier n'est pas encodé en UTF-8.") from exc
    counts: Counter[str] = Counter()
    with handle:
        delimiter = sniff_delimiter(first_line)
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader, [])
            by_address = check_header(source.name, header, addresses_allowed=geocoder is not None)
            width = len(header)
            service = geocoder() if by_address and geocoder else None
            answers = Answers(locator)
            with atomic_writer(target) as out:
                writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
                writer.writerow([*header, *ADDED_COLUMNS, *(GEOCODING_COLUMNS if by_address else ())])
                for chunk in _chunks(reader, chunk_rows):
                    cells = [row + [""] * (width - len(row)) for row in chunk]
                    if service is not None:
                        lons, lats, geocoded, notes = _geocoded(service, cells, header)
                    else:
                        lons, lats = [c[header.index(LON)] for c in cells], [c[header.index(LAT)] for c in cells]
                        geocoded, notes = [[] for _ in cells], None
                    added = answers.columns(lons, lats, [row[width:] for row in chunk], notes)
                    writer.writerows(row[:width] + extra + more
                                     for row, extra, more in zip(cells, added, geocoded, strict=True))
                    counts.update(extra[2] for extra in added)
                    if progress:
                        progress(len(chunk))
        except UnicodeDecodeError as exc:
            raise InputError(f"{source.name} : le fichier n'est pas encodé en UTF-8.") from exc
    return BatchReport(sum(counts.values()), dict(counts))
