"""Address search: three interchangeable backends behind one small interface (see base.Geocoder).

`geoplateforme` (the national service, default) and `addok` (any addok server) speak the same
protocol; `offline` is a local index of the BAN for the commune. A remote backend that fails or is
too slow hands over to the offline index when one is built, and says so on each result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo import config
from geo.errors import GupError
from geo.geocode.base import LOW_SCORE, Geocoder, GeocoderError, GeocodeResult
from geo.geocode.offline import INDEX_FILE, OfflineGeocoder, build_offline_index
from geo.geocode.remote import AddokGeocoder

__all__ = ["LOW_SCORE", "AddressSearch", "FallbackGeocoder", "GeocodeResult", "Geocoder", "GeocoderError", "build_offline_index",
           "configured_address_search", "make_geocoder"]

UNAVAILABLE = ("La recherche par adresse est indisponible : {why} Pour la rendre possible sans réseau, "
               "construisez l'index local avec « python -m geo address-index adresses-11.csv.gz » (fichier de la "
               "Base Adresse Nationale, adresse.data.gouv.fr). En attendant, choisissez votre quartier ou touchez la carte.")


class FallbackGeocoder:
    """The remote service first; the offline index when it fails; a clear error when neither can answer.

    After a failure the remote service is left alone for a while, so that a resident typing an address
    does not wait for the same timeout at every letter.
    """

    PAUSE_S = 60.0

    def __init__(self, remote: Geocoder | None, offline: OfflineGeocoder | None):
        self.remote, self.offline = remote, offline
        self.name = remote.name if remote else "hors ligne"
        self._paused_until = 0.0
        self._last_error = ""

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """The method of the remote service, else of the offline index (its answers marked as a fallback)."""
        if self.remote is not None and time.monotonic() >= self._paused_until:
            try:
                return getattr(self.remote, method)(*args, **kwargs)
            except GeocoderError as exc:
                self._paused_until, self._last_error = time.monotonic() + self.PAUSE_S, str(exc)
        if self.remote is not None and self.offline is None:
            raise GeocoderError(UNAVAILABLE.format(why=self._last_error))
        if self.offline is None:
            raise GeocoderError(UNAVAILABLE.format(why="aucun service n'est configuré."))
        answer = getattr(self.offline, method)(*args, **kwargs)
        if self.remote is None:
            return answer
        return _as_fallback(answer)

    def search(self, query: str, *, limit: int = 5) -> list[GeocodeResult]:
        found: list[GeocodeResult] = self._call("search", query, limit=limit)
        return found

    def reverse(self, lon: float, lat: float) -> GeocodeResult | None:
        found: GeocodeResult | None = self._call("reverse", lon, lat)
        return found

    def batch(self, queries: list[str]) -> list[GeocodeResult | None]:
        found: list[GeocodeResult | None] = self._call("batch", queries)
        return found


def _as_fallback(answer: Any) -> Any:
    from dataclasses import replace

    if isinstance(answer, list):
        return [replace(r, fallback=True) if r else None for r in answer]
    return replace(answer, fallback=True) if answer else None


def offline_index(data_dir: Path | None = None) -> OfflineGeocoder | None:
    path = (data_dir or config.data_dir()) / INDEX_FILE
    return OfflineGeocoder(path) if path.is_file() else None


def make_geocoder() -> FallbackGeocoder:
    """The geocoder the settings ask for (GUP_GEOCODER), with the offline index behind it when built."""
    kind = config.get("GUP_GEOCODER")
    offline = offline_index()
    if kind == "offline":
        return FallbackGeocoder(None, offline)
    if kind == "addok":
        url = config.get("GUP_ADDOK_URL")
        if not url:
            raise GeocoderError("GUP_GEOCODER vaut « addok » mais GUP_ADDOK_URL n'est pas renseignée.")
        return FallbackGeocoder(AddokGeocoder(url, commune=config.commune(), name="addok"), offline)
    if kind != "geoplateforme":
        raise GeocoderError(f"GUP_GEOCODER inconnu : « {kind} » (valeurs : geoplateforme, addok, offline).")
    remote = AddokGeocoder(config.get("GUP_GEOPLATEFORME_URL"), commune=config.commune(), name="Géoplateforme")
    return FallbackGeocoder(remote, offline)


@dataclass(frozen=True)
class AddressSearch:
    """The address search of this process: on, with its geocoder, or off, with the French reason the page shows."""

    geocoder: FallbackGeocoder | None
    off_reason: str = ""

    @property
    def for_batch(self) -> Callable[[], Geocoder] | None:
        """What the batch engines take: a geocoder asked for only when a file gives addresses (None: search off)."""
        geocoder = self.geocoder
        return None if geocoder is None else (lambda: geocoder)


def configured_address_search() -> AddressSearch:
    """The settings' geocoder, or search switched off for a stated reason: a resident still has the list and the map."""
    try:
        return AddressSearch(make_geocoder())
    except GupError as exc:  # a bad setting, an unreadable offline index
        return AddressSearch(None, str(exc))
