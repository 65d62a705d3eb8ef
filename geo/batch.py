"""Whole files of points: read, locate in one vectorized pass, write with the answer columns added.

A row with unusable coordinates gets `statut=erreur` and a reason; it never stops the run.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo.errors import InputError
from geo.files import write_atomic
from geo.locate import Locator, Status, structures_serving

LON, LAT = "longitude", "latitude"
ADDED_COLUMNS = ("quartier_code", "quartier_nom", "statut", "structures", "raison")


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


def read_table(path: Path) -> tuple[list[str], list[dict[str, str]], str]:
    """Header, rows and delimiter of a UTF-8 CSV separated by ',' or ';'."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"Fichier introuvable : {path}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} : le fichier n'est pas encodé en UTF-8.") from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = list(reader.fieldnames or [])
    if not header:
        raise InputError(f"{path.name} : fichier vide.")
    missing = [c for c in (LON, LAT) if c not in header]
    if missing:
        raise InputError(f"{path.name} : colonne(s) absente(s) : {', '.join(missing)} "
                         f"(colonnes trouvées : {', '.join(header)}).")
    clash = [c for c in ADDED_COLUMNS if c in header]
    if clash:
        raise InputError(f"{path.name} : le fichier a déjà une colonne {', '.join(clash)} ; renommez-la.")
    return header, list(reader), delimiter


def locate_rows(locator: Locator, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The answer columns for each row, in order."""
    parsed = [(parse_coordinate(r.get(LON) or "", LON, 180), parse_coordinate(r.get(LAT) or "", LAT, 90))
              for r in rows]
    lons = np.array([p[0][0] for p in parsed], dtype=float)
    lats = np.array([p[1][0] for p in parsed], dtype=float)
    statuses, codes = locator.locate_many(lons, lats)
    territory = locator.dataset.territory
    serving: dict[tuple[str, str | None], str] = {}  # the few distinct answers, computed once each
    answers = []
    for row, (lon, lat), status, code in zip(rows, parsed, statuses, codes, strict=True):
        reasons = [r for r in (lon[1], lat[1]) if r]
        if None in row:
            row.pop(None)
            status, code, reasons = Status.ERREUR.value, None, ["cellules en trop par rapport à l'en-tête"]
        quartier = territory.quartier(code) if code else None
        if (status, code) not in serving:
            found = () if status == Status.ERREUR else structures_serving(locator.dataset, Status(status), quartier)
            serving[(status, code)] = ";".join(s.id for s in found)
        answers.append({
            "quartier_code": code or "",
            "quartier_nom": quartier.nom_local if quartier else "",
            "statut": status,
            "structures": serving[(status, code)],
            "raison": " ; ".join(reasons),
        })
    return answers


def locate_csv(locator: Locator, source: Path, target: Path) -> BatchReport:
    header, rows, delimiter = read_table(source)
    answers = locate_rows(locator, rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header + list(ADDED_COLUMNS), delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    for row, answer in zip(rows, answers, strict=True):
        writer.writerow({**row, **answer})
    write_atomic(target, out.getvalue())
    counts: dict[str, int] = {}
    for answer in answers:
        counts[answer["statut"]] = counts.get(answer["statut"], 0) + 1
    return BatchReport(len(rows), counts)
