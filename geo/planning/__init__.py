"""Planning: the coverage's tables and exports, and the residents' anonymous demand.

The one registry of the coverage exports lives here, light to import: `python -m geo export --format` takes its
keys, the planner's page its buttons and the documentation its table; planning/exports.py renders each.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.i18n import N_

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"


@dataclass(frozen=True)
class Export:
    """One coverage export: its `--format` key, its button on the planner's page, and its files (name, media type)
    — one file, or a folder's for data·inclusion."""

    key: str
    label: str
    files: tuple[tuple[str, str], ...]


EXPORTS = (
    Export("csv", N_("Matrice (CSV)"), (("couverture.csv", "text/csv"),)),
    Export("xlsx", N_("Matrice (XLSX)"), (("couverture.xlsx", XLSX),)),
    Export("geojson", N_("Quartiers et couverture (GeoJSON)"), (("quartiers.geojson", "application/geo+json"),)),
    Export("html", N_("Rapport imprimable (A4)"), (("rapport-couverture.html", "text/html"),)),
    Export("datainclusion", "data·inclusion", (("structures.json", JSON), ("services.json", JSON))),
)
EXPORT_FORMATS = tuple(export.key for export in EXPORTS)
