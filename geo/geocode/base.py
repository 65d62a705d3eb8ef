"""What every geocoding backend answers, and how it fails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from geo.errors import GupError

LOW_SCORE = 0.5  # below this, an address match is flagged for a person to check, never silently trusted


class GeocoderError(GupError):
    """The address service could not answer (down, slow, rate-limited, or answering nonsense)."""


@dataclass(frozen=True)
class GeocodeResult:
    label: str
    score: float
    lon: float
    lat: float
    citycode: str
    type: str
    """housenumber, street, locality or municipality, as the BAN says."""
    in_commune: bool = True
    fallback: bool = False
    """True when the offline index answered because the remote service did not."""

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape of `python -m geo geocode --json` (field names are a contract)."""
        return {"label": self.label, "score": round(self.score, 3), "lon": self.lon, "lat": self.lat,
                "code_insee": self.citycode, "type": self.type, "dans_commune": self.in_commune,
                "secours_hors_ligne": self.fallback}


class Geocoder(Protocol):
    """Search, reverse and batch: the one small interface every backend offers."""

    name: str

    def search(self, query: str, *, limit: int = 5) -> list[GeocodeResult]: ...

    def reverse(self, lon: float, lat: float) -> GeocodeResult | None: ...

    def batch(self, queries: list[str]) -> list[GeocodeResult | None]: ...
