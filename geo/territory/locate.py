"""Point → quartier → structures, one point at a time or many at once.

A point on a quartier's boundary counts as inside (MapIt's rule: `covers`, not `contains`). For a
point, "intersects" and "covers" are the same predicate, and shapely evaluates `intersects_xy`
over whole coordinate arrays against a prepared polygon, so batches need no Python loop per point.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer

from geo.errors import InputError
from geo.territory.freshness import freshness
from geo.territory.generations import CHANGE_FIELD, GENERATIONS, NEWEST, OLDEST, Change, redrawn_notice
from geo.territory.hours import availability, today
from geo.territory.index import QuartierIndex
from geo.territory.model import Dataset, Quartier, Structure
from geo.territory.notices import in_force
from geo.territory.phone import phone_display, tel_href

METRIC_CRS = "EPSG:2154"  # Lambert-93: metres, for distances in metropolitan France
#: Why an answer outside every quartier names no nearest one: Lambert-93 measures nothing true (or finite, at a
#: pole) far from metropolitan France, and a quartier "nearest" to Montréal helps nobody.
NO_NEAREST_REASON = "point hors de la France métropolitaine : pas de distance au quartier le plus proche"
#: Outside every older contour but this close to a redrawn quartier, the newer list may well include the place.
REDRAWN_NEAR_M = 300
COMMUNE_FINE_CELLS = 16


class Status(StrEnum):
    DANS_QUARTIER = "dans_quartier"
    HORS_QUARTIER = "hors_quartier"
    HORS_COMMUNE = "hors_commune"
    ERREUR = "erreur"


@dataclass(frozen=True)
class Nearest:
    quartier: Quartier
    distance_m: float


@dataclass(frozen=True)
class Answer:
    """What a resident needs to know about a place: where it is and whom to contact."""

    statut: Status
    commune_code: str
    commune_nom: str
    quartier: Quartier | None
    structures: tuple[Structure, ...]
    by_service: dict[str, tuple[str, ...]]
    """Every service key, with the ids of the structures offering it here (possibly none)."""
    nearest: Nearest | None = None
    """Outside every quartier, the nearest one, when the point lies where distances are measured (else None)."""
    point: tuple[float, float] | None = None
    generation: str = OLDEST
    """The generation whose contours answered."""

    @property
    def redrawn(self) -> tuple[Quartier, float | None] | None:
        """The quartier the newer list redrew when an older contour answered: inside it (distance None), or
        outside within REDRAWN_NEAR_M of it — exactly where a resident may get a wrong answer. A quartier chosen
        in a list, not found by a point, was not answered by a contour: nothing to warn about."""
        if self.generation == NEWEST or self.point is None:
            return None
        if self.quartier is not None:
            return (self.quartier, None) if self.quartier.change is Change.MODIFIE else None
        near = self.nearest
        if near is not None and near.quartier.change is Change.MODIFIE and near.distance_m <= REDRAWN_NEAR_M:
            return near.quartier, near.distance_m
        return None

    def generation_notice(self, gettext: Callable[[str], str] = str) -> str | None:
        """The resident's warning about a redrawn quartier, in the reader's language (French by default)."""
        found = self.redrawn
        if found is None:
            return None
        quartier, distance = found
        return redrawn_notice(gettext, quartier.nom_local, quartier.codes.get(NEWEST) or "", distance)

    @property
    def no_nearest_reason(self) -> str | None:
        """Why a point outside every quartier names no nearest one (None when it does, or needs none)."""
        needs_one = self.point is not None and self.statut is not Status.DANS_QUARTIER
        return NO_NEAREST_REASON if needs_one and self.nearest is None else None

    def structures_for(self, service_key: str | None) -> tuple[Structure, ...]:
        if service_key is None:
            return self.structures
        return tuple(s for s in self.structures if service_key in s.services)

    def to_dict(self, at: datetime | None = None) -> dict[str, Any]:
        """The public JSON shape of `python -m geo locate --json` (field names are a contract).

        With a moment, each structure also says whether it is open or present then (`ouvert`).
        """
        structures = [structure_dict(s) for s in self.structures]
        if at is not None:
            for item, structure in zip(structures, self.structures, strict=True):
                state = availability(structure, at)
                item.update(ouvert=state.ouvert, disponibilite=state.text,
                            annonces=[n.as_json(at) for n in in_force(structure.notices, at)])
        quartier = self.quartier
        return {
            "statut": str(self.statut),
            "generation": self.generation,
            CHANGE_FIELD: None if quartier is None or quartier.change is None else str(quartier.change),
            "avertissement_generation": self.generation_notice(),
            "commune": {"code": self.commune_code, "nom": self.commune_nom},
            "quartier": _quartier_dict(self.quartier),
            "structures": structures,
            "par_service": {key: list(ids) for key, ids in self.by_service.items()},
            "quartier_le_plus_proche": None if self.nearest is None else {
                **_known_quartier_dict(self.nearest.quartier), "distance_m": round(self.nearest.distance_m)},
            "quartier_le_plus_proche_absent": self.no_nearest_reason,
            "point": None if self.point is None else {"lon": self.point[0], "lat": self.point[1]},
        }


def _quartier_dict(quartier: Quartier | None) -> dict[str, Any] | None:
    return None if quartier is None else _known_quartier_dict(quartier)


def _known_quartier_dict(quartier: Quartier) -> dict[str, Any]:
    return {"code": quartier.code, "nom": quartier.nom_local, "nom_officiel": quartier.nom,
            "codes": {generation: quartier.code_in(generation) for generation in GENERATIONS},
            "generation": quartier.generation,
            CHANGE_FIELD: None if quartier.change is None else str(quartier.change)}


def structure_dict(s: Structure) -> dict[str, Any]:
    return {
        "id": s.id, "nom": s.nom, "telephone": phone_display(s.telephone), "tel": tel_href(s.telephone),
        "services": list(s.services), "groupe": s.groupe, "presence": list(s.presence),
        "adresse": s.adresse or None, "horaires": s.horaires or None, "courriel": s.courriel or None,
        "toute_la_commune": s.toute_la_commune, **freshness_dict(s),
    }


def freshness_dict(s: Structure) -> dict[str, Any]:
    """`date_maj` (the latest check of any fact, ISO) and `a_verifier` (a fact is overdue), for open data."""
    state = freshness(s, today())
    return {"date_maj": state.last_checked.isoformat() if state.last_checked else None, "a_verifier": state.to_check}


def check_coordinates(lon: float, lat: float) -> None:
    """Refuse what cannot be a place on Earth, naming the bad value."""
    for name, value, limit in (("longitude", lon, 180), ("latitude", lat, 90)):
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"{name.capitalize()} invalide : « {value} » n'est pas un nombre fini.")
        if abs(value) > limit:
            raise InputError(f"{name.capitalize()} hors limites : {value} (attendu entre -{limit} et {limit}).")


class Locator:
    """Prepared geometries of one dataset; build once, ask many times."""

    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        territory = dataset.territory
        self._quartiers = territory.quartiers
        self._codes = np.array([q.code for q in self._quartiers], dtype=object)
        self._index = QuartierIndex([q.geometry for q in self._quartiers])
        # One large polygon: coarser fine cells build 15× faster and answer faster too (fewer cells to fetch;
        # its long boundary is tested exactly either way). Measured by bench/batch.py.
        self._commune = QuartierIndex([territory.commune_geometry], fine=COMMUNE_FINE_CELLS)
        self._to_metric = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)
        area = CRS(METRIC_CRS).area_of_use
        assert area is not None  # EPSG:2154 declares one
        self._metric_area = shapely.box(area.west, area.south, area.east, area.north)
        self._metric = [shapely.transform(q.geometry, self._project) for q in self._quartiers]

    def with_dataset(self, dataset: Dataset) -> Locator:
        """The same prepared quartiers answering from a newer directory of the same territory (no rebuild)."""
        if dataset.territory is not self.dataset.territory:
            raise ValueError("un autre territoire demande un autre Locator")
        clone = copy.copy(self)
        clone.dataset = dataset
        return clone

    def _project(self, coords: np.ndarray) -> np.ndarray:
        x, y = self._to_metric.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    def answer_indices(self, lons: Any, lats: Any) -> np.ndarray:
        """Each point's answer as a small integer, for whole columns at once: the index of its quartier, else
        len(quartiers) outside the quartiers in the commune, +1 outside the commune, +2 for unusable coordinates."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        count = len(self._quartiers)
        valid = np.isfinite(lons) & np.isfinite(lats) & (np.abs(lons) <= 180) & (np.abs(lats) <= 90)
        answers = np.full(len(lons), count + 2, dtype=np.int64)
        answers[valid] = self._index.lookup(lons[valid], lats[valid])
        outside = valid & (answers < 0)  # a quartier is always in its commune: test only the others
        answers[outside] = np.where(self._commune.lookup(lons[outside], lats[outside]) == 0, count, count + 1)
        return answers

    def locate_many(self, lons: Any, lats: Any) -> tuple[np.ndarray, np.ndarray]:
        """Status and quartier code (None if none) of every point; unusable coordinates get `erreur`."""
        answers = self.answer_indices(lons, lats)
        statuses = np.array([Status.DANS_QUARTIER.value] * len(self._quartiers) + [
            Status.HORS_QUARTIER.value, Status.HORS_COMMUNE.value, Status.ERREUR.value], dtype=object)
        codes = np.append(self._codes, np.array([None] * 3, dtype=object))
        return statuses[answers], codes[answers]

    def locate(self, lon: float, lat: float) -> Answer:
        check_coordinates(lon, lat)
        index = self._index.lookup_one(lon, lat)
        quartier = self._quartiers[index] if index >= 0 else None
        if quartier:
            statut = Status.DANS_QUARTIER
        else:
            statut = Status.HORS_QUARTIER if self._commune.lookup_one(lon, lat) == 0 else Status.HORS_COMMUNE
        nearest = None if quartier else self.nearest(lon, lat)
        return self._answer(statut, quartier, nearest, (float(lon), float(lat)))

    def for_quartier(self, code: str) -> Answer:
        """The answer for a resident who chose their quartier in a list rather than a point."""
        quartier = self.dataset.territory.quartier(code)
        if quartier is None:
            known = ", ".join(q.code for q in self._quartiers)
            raise InputError(f"Quartier inconnu : « {code} » (quartiers : {known}).")
        return self._answer(Status.DANS_QUARTIER, quartier, None, None)

    def nearest(self, lon: float, lat: float) -> Nearest | None:
        """The nearest quartier and its distance in metres; None outside the metric projection's area of use."""
        if not shapely.intersects_xy(self._metric_area, lon, lat):
            return None
        x, y = self._to_metric.transform(lon, lat)
        distances = shapely.distance(self._metric, shapely.Point(x, y))
        index = int(np.argmin(distances))
        return Nearest(self._quartiers[index], float(distances[index]))

    def _answer(self, statut: Status, quartier: Quartier | None, nearest: Nearest | None,
                point: tuple[float, float] | None) -> Answer:
        territory = self.dataset.territory
        structures = structures_serving(self.dataset, statut, quartier)
        by_service = {svc.key: tuple(s.id for s in structures if svc.key in s.services)
                      for svc in self.dataset.services}
        return Answer(statut, territory.commune_code, territory.commune_nom, quartier, structures,
                      by_service, nearest, point, territory.generation)


def structures_serving(dataset: Dataset, statut: Status, quartier: Quartier | None) -> tuple[Structure, ...]:
    """Inside a quartier: those covering it. Elsewhere in the commune: the city-wide ones. Outside: none."""
    if statut is Status.DANS_QUARTIER and quartier is not None:
        return tuple(s for s in dataset.structures if s.covers(quartier))
    if statut is Status.HORS_QUARTIER:
        return tuple(s for s in dataset.structures if s.toute_la_commune)
    return ()
