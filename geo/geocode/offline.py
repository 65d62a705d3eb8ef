"""An address index that works with no network: the BAN's file for the département, kept for one commune.

Matching is fuzzy and accent-insensitive (rapidfuzz on normalised street names, common French
abbreviations expanded), so that « 12 r. Jules Sauzède », « 12 rue jules sauzede » or one typo
still find the address.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from unidecode import unidecode

from geo.errors import InputError
from geo.files import write_atomic
from geo.geocode.base import GeocodeResult

INDEX_FILE = "adresses.json"
MIN_SCORE = 70  # rapidfuzz 0-100: below this, « no match » is the honest answer
ABBREVIATIONS = {"r": "rue", "av": "avenue", "ave": "avenue", "bd": "boulevard", "bld": "boulevard", "pl": "place",
                 "imp": "impasse", "ch": "chemin", "che": "chemin", "all": "allee", "rte": "route", "fg": "faubourg",
                 "sq": "square", "crs": "cours", "pas": "passage", "st": "saint", "ste": "sainte", "gal": "general",
                 "mal": "marechal", "res": "residence", "qu": "quai", "lot": "lotissement"}
REPETITIONS = {"b": "bis", "bis": "bis", "t": "ter", "ter": "ter", "q": "quater", "quater": "quater"}
BAN_COLUMNS = ("numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune", "lon", "lat")


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation, abbreviations spelt out: how street names are compared."""
    words = re.sub(r"[^a-z0-9]+", " ", unidecode(text).lower()).split()
    return " ".join(ABBREVIATIONS.get(w, w) for w in words)


def split_number(query: str) -> tuple[str, str]:
    """('12 bis', 'rue jules sauzede') from '12 bis rue jules sauzede' (normalised)."""
    match = re.match(r"^(\d+)\s*(bis|ter|quater|b|t|q)?\b\s*(.*)$", query)
    if not match:
        return "", query
    number, rep, rest = match.groups()
    return (f"{int(number)} {REPETITIONS[rep]}" if rep else str(int(number))), rest


@dataclass(frozen=True)
class Street:
    name: str
    postcode: str
    city: str
    numbers: dict[str, tuple[float, float]]


def build_offline_index(source: Path, commune: str, data_dir: Path) -> tuple[Path, int]:
    """Read the BAN CSV (plain or .gz, ';'-separated) and keep the commune's addresses, grouped by street."""
    try:
        raw = source.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"Fichier introuvable : {source}") from exc
    text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    missing = [c for c in BAN_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{source.name} : ce n'est pas un fichier d'adresses de la BAN (colonnes absentes : "
                         f"{', '.join(missing)}).")
    streets: dict[tuple[str, str], dict[str, Any]] = {}
    count = 0
    for row in reader:
        if row["code_insee"] != commune:
            continue
        street = streets.setdefault((row["nom_voie"], row["code_postal"]), {
            "name": row["nom_voie"], "postcode": row["code_postal"], "city": row["nom_commune"], "numbers": {}})
        number = f"{row['numero']} {REPETITIONS.get(row['rep'].lower(), row['rep'].lower())}".strip()
        street["numbers"][number] = [float(row["lon"]), float(row["lat"])]
        count += 1
    if not count:
        raise InputError(f"{source.name} : aucune adresse pour la commune {commune}.")
    target = data_dir / INDEX_FILE
    write_atomic(target, json.dumps({"commune": commune, "source": source.name, "streets": list(streets.values())},
                                    ensure_ascii=False))
    return target, count


class OfflineGeocoder:
    name = "hors ligne"

    def __init__(self, path: Path):
        doc = json.loads(path.read_text(encoding="utf-8"))
        self.commune = doc["commune"]
        self.streets = [Street(s["name"], s["postcode"], s["city"], {k: tuple(v) for k, v in s["numbers"].items()})
                        for s in doc["streets"]]
        self._names = [normalise(s.name) for s in self.streets]
        points = [(i, number, lon, lat) for i, s in enumerate(self.streets) for number, (lon, lat) in s.numbers.items()]
        self._points = points
        self._xy = np.array([(p[2], p[3]) for p in points], dtype=float).reshape(-1, 2)

    def _label(self, street: Street, number: str = "") -> str:
        return f"{number + ' ' if number else ''}{street.name} {street.postcode} {street.city}"

    def search(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        number, words = split_number(normalise(query))
        words = re.sub(rf"\b({re.escape(normalise(self.streets[0].city))}|\d{{5}})\b", " ", words).strip() if (
            self.streets) else words
        if not words:
            return []
        matches = process.extract(words, self._names, scorer=fuzz.WRatio, limit=limit, score_cutoff=MIN_SCORE)
        results = []
        for _, score, index in matches:
            street = self.streets[index]
            if number and number in street.numbers:
                lon, lat = street.numbers[number]
                results.append(GeocodeResult(self._label(street, number), score / 100, lon, lat, self.commune,
                                             "housenumber"))
            else:
                lon, lat = np.mean(list(street.numbers.values()), axis=0)
                penalty = 0.8 if number else 1.0  # asked for a number this street does not have
                results.append(GeocodeResult(self._label(street), score / 100 * penalty, float(lon), float(lat),
                                             self.commune, "street"))
        return sorted(results, key=lambda r: -r.score)[:limit]

    def reverse(self, lon: float, lat: float) -> GeocodeResult | None:
        if not len(self._xy):
            return None
        k = np.cos(np.radians(lat))
        nearest = int(np.argmin(((self._xy[:, 0] - lon) * k) ** 2 + (self._xy[:, 1] - lat) ** 2))
        index, number, x, y = self._points[nearest]
        return GeocodeResult(self._label(self.streets[index], number), 1.0, x, y, self.commune, "housenumber")

    def batch(self, queries: list[str]) -> list[GeocodeResult | None]:
        return [next(iter(self.search(q, limit=1)), None) for q in queries]
