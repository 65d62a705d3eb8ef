"""Whether this server can answer, for a supervisor or a load balancer (`GET /healthz`).

A failing part is named for an operator (« base de l'annuaire », « données des quartiers »), never with its URL,
its path or a password: the endpoint is public. The details are in the command line's own errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from geo.db.store import StoreError
from geo.directory.listings import Directory
from geo.errors import DataError, GupError
from geo.formats.data import QUARTIERS_FILE
from geo.territory.hours import local

DATABASE = "base de l'annuaire"
QUARTIERS = "données des quartiers"


@dataclass(frozen=True)
class Health:
    failing: str | None
    """The part that fails, or None when every part answers."""
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failing is None

    def as_json(self) -> dict[str, Any]:
        if self.failing is not None:
            return {"statut": "en panne", "partie": self.failing}
        return {"statut": "ok", **self.facts}


def failing_part(exc: GupError) -> str:
    """The part an error of the directory comes from, as /healthz and the 503 pages name it."""
    return QUARTIERS if isinstance(exc, DataError) else DATABASE


def check_health() -> Health:
    """Every part read again now (the database is asked, not a cached revision)."""
    try:
        directory = Directory.configured()
        store = directory.store
        revision, schema = store.revision(), store.schema_revision()
    except (DataError, StoreError) as exc:
        return Health(failing_part(exc))
    built = local(datetime.fromtimestamp((directory.data_dir / QUARTIERS_FILE).stat().st_mtime).astimezone())
    territory = directory.territory
    return Health(None, {"donnees": {"commune": territory.commune_code,
                                     "generations": list(territory.generations),
                                     "construites_le": built.isoformat(timespec="seconds"),
                                     "territoire": {"codes": territory.commune_code, "nom": territory.commune_nom,
                                                    "communes": [c.code for c in territory.communes]}},
                         "schema": schema, "revision": revision})
