"""The addok protocol (`/search`, `/reverse`, `/search/csv`), spoken by the national Géoplateforme
service and by self-hosted addok servers alike: one class, two base URLs.

Every call has a timeout; 429 and 5xx get one quick retry; recent queries are cached. Queries are
never logged: urllib3 would log URLs (with the address in them) at debug level, so its loggers are
kept quiet here.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from cachetools import TTLCache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from geo import config
from geo.files import sniff_delimiter
from geo.geocode.base import GeocoderError, GeocodeResult

for _name in ("urllib3", "urllib3.connectionpool", "urllib3.util.retry"):
    logging.getLogger(_name).setLevel(logging.ERROR)

BATCH_WORKERS = 4  # without /search/csv: a few requests at a time, well under the 50 requests/s limit
#: With /search/csv: addresses go in blocks of this many, this many blocks in flight at once (the server geocodes
#: one while the next travels; never more, so a shared server is not flooded).
CSV_BLOCK = 1_000
CSV_IN_FLIGHT = 2


class AddokGeocoder:
    def __init__(self, base_url: str, *, commune: str, timeout: float | None = None, name: str = "addok"):
        self.base_url = base_url.rstrip("/")
        self.commune = commune
        self.timeout = config.geocoder_timeout() if timeout is None else timeout  # GUP_GEOCODER_TIMEOUT
        self.name = name
        self.session = requests.Session()
        retry = Retry(total=1, connect=0, read=0, status=1, backoff_factor=0.1, respect_retry_after_header=False,
                      status_forcelist=(429, 500, 502, 503, 504), allowed_methods=("GET", "POST"))
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self._cache: TTLCache[tuple[str, tuple[tuple[str, Any], ...]], dict[str, Any]] = TTLCache(maxsize=256, ttl=600)
        self._lock = threading.Lock()

    def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        key = (path, tuple(sorted(params.items())))
        with self._lock:
            if key in self._cache:
                cached: dict[str, Any] = self._cache[key]
                return cached
        try:
            response = self.session.get(f"{self.base_url}{path}", params=params, timeout=self.timeout)
            response.raise_for_status()
            payload: dict[str, Any] = response.json()
        except ValueError as exc:  # before RequestException: requests' JSONDecodeError is both
            raise GeocoderError(f"Service d'adresses : réponse illisible ({self.name}).") from exc
        except requests.RequestException as exc:
            raise GeocoderError(f"Service d'adresses indisponible ({self.name} : {_why(exc)}).") from exc
        with self._lock:
            self._cache[key] = payload
        return payload

    def _results(self, payload: dict[str, Any]) -> list[GeocodeResult]:
        try:
            return [self._result(f) for f in payload.get("features", [])]
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise GeocoderError(f"Service d'adresses : réponse inattendue ({self.name}).") from exc

    def _result(self, feature: dict[str, Any]) -> GeocodeResult:
        props = feature["properties"]
        lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
        citycode = str(props.get("citycode", ""))
        return GeocodeResult(props["label"], float(props.get("score", 0)), lon, lat, citycode,
                             props.get("type", ""), in_commune=citycode == self.commune)

    def search(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        return self._results(self._get("/search", {"q": query, "limit": limit}))

    def reverse(self, lon: float, lat: float) -> GeocodeResult | None:
        results = self._results(self._get("/reverse", {"lon": lon, "lat": lat}))
        return results[0] if results else None

    def batch(self, queries: list[str]) -> list[GeocodeResult | None]:
        """/search/csv requests of CSV_BLOCK addresses, CSV_IN_FLIGHT at a time, when the server offers it, else a
        few searches at a time; the answers in the queries' order."""
        blocks = [queries[start:start + CSV_BLOCK] for start in range(0, len(queries), CSV_BLOCK)]
        try:
            with ThreadPoolExecutor(CSV_IN_FLIGHT) as pool:
                return [answer for block in pool.map(self._batch_csv, blocks) for answer in block]
        except _NoCsvEndpoint:
            with ThreadPoolExecutor(BATCH_WORKERS) as pool:
                return list(pool.map(lambda q: next(iter(self.search(q, limit=1)), None) if q.strip() else None,
                                     queries))

    def _batch_csv(self, queries: list[str]) -> list[GeocodeResult | None]:
        asked = [i for i, q in enumerate(queries) if q.strip()]  # addok drops empty rows from its answer
        answers: list[GeocodeResult | None] = [None] * len(queries)
        if not asked:
            return answers
        body = io.StringIO()
        writer = csv.writer(body, lineterminator="\n")
        writer.writerow(["adresse"])
        writer.writerows([queries[i]] for i in asked)
        try:
            response = self.session.post(f"{self.base_url}/search/csv", files={"data": ("q.csv", body.getvalue())},
                                         data={"columns": "adresse"}, timeout=max(self.timeout, len(queries) / 50))
            if response.status_code in (404, 405):
                raise _NoCsvEndpoint
            response.raise_for_status()
        except requests.RequestException as exc:
            raise GeocoderError(f"Service d'adresses indisponible ({self.name} : {_why(exc)}).") from exc
        text = response.content.decode("utf-8-sig")
        delimiter = sniff_delimiter(text.split("\n", 1)[0])  # addok answers in the dialect it sniffed
        rows = list(csv.DictReader(io.StringIO(text), delimiter=delimiter))
        if len(rows) != len(asked):
            raise GeocoderError(f"Service d'adresses : réponse incomplète ({self.name}).")
        for i, row in zip(asked, rows, strict=True):
            answers[i] = self._csv_result(row)
        return answers

    def _csv_result(self, row: dict[str, str]) -> GeocodeResult | None:
        if not row.get("result_label") or not row.get("longitude"):
            return None
        # BAN ids start with the INSEE code when the server does not return result_citycode.
        citycode = row.get("result_citycode") or (row.get("result_id") or "")[:5]
        return GeocodeResult(row["result_label"], float(row.get("result_score") or 0), float(row["longitude"]),
                             float(row["latitude"]), citycode, row.get("result_type", ""), in_commune=citycode == self.commune)


class _NoCsvEndpoint(Exception):
    pass


def _why(exc: requests.RequestException) -> str:
    """In a few French words: requests folds timeouts and repeated 5xx/429 into other exception types."""
    text = str(exc)
    if isinstance(exc, requests.Timeout) or "timed out" in text.lower():
        return "délai dépassé"
    found = re.search(r"too many (\d{3}) error", text)
    status = int(found[1]) if found else getattr(exc.response, "status_code", None)
    if status == 429:
        return "trop de requêtes"
    if status:
        return f"erreur {status}"
    if isinstance(exc, requests.ConnectionError):
        return "injoignable"
    return exc.__class__.__name__
