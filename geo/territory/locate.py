"""Point → quartier → structures, one point at a time or many at once.

A point on a quartier's boundary counts as inside (MapIt's rule: `covers`, not `contains`). For a
point, "intersects" and "covers" are the same predicate, and shapely evaluates `intersects_xy`
over whole coordinate arrays against a prepared polygon, so batches need no Python loop per point.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
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
from geo.territory.model import Commune, Dataset, Quartier, Structure
from geo.territory.notices import in_force
from geo.territory.phone import phone_display, tel_href
from geo.territory.zones import Zone, commune_of_arrondissement, contains

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
class Outcome:
    """What a point's answer depends on: its status, its quartier and its commune (None where there is none)."""

    statut: Status
    quartier: Quartier | None
    commune: Commune | None

    @property
    def key(self) -> tuple[str, str | None, str | None]:
        return self.statut.value, self.quartier.code if self.quartier else None, self.commune.code if self.commune else None


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
    departement: str = ""
    epci: str = ""
    unlisted_commune: bool = False
    """No structure of the directory serves any place of this commune yet (a commune newly in the territory)."""
    communes_served: int = 1
    """How many communes the territory holds: outside it, the answer names the territory, not a commune."""

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
            "commune_code": self.commune_code,
            "commune_nom": self.commune_nom,
            "departement": self.departement or None,
            "epci": self.epci or None,
            "aucune_structure_renseignee": self.unlisted_commune,
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
        self._communes = territory.communes
        self._commune = QuartierIndex([c.geometry for c in self._communes], fine=COMMUNE_FINE_CELLS)
        self._quartier_commune = [territory.commune_of(q) for q in self._quartiers]
        self._listed: tuple[Dataset, set[str]] | None = None
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
        """Each point's answer as a small integer, for whole columns at once, in the order of `answers()`: the
        index of its quartier; else len(quartiers) + the index of its commune outside the quartiers; then outside
        the territory; then unusable coordinates."""
        lons = np.asarray(lons, dtype=float)
        lats = np.asarray(lats, dtype=float)
        count, communes = len(self._quartiers), len(self._communes)
        valid = np.isfinite(lons) & np.isfinite(lats) & (np.abs(lons) <= 180) & (np.abs(lats) <= 90)
        answers = np.full(len(lons), count + communes + 1, dtype=np.int64)
        answers[valid] = self._index.lookup(lons[valid], lats[valid])
        outside = valid & (answers < 0)  # a quartier is always in its commune: test only the others
        found = self._commune.lookup(lons[outside], lats[outside])
        answers[outside] = np.where(found >= 0, count + found, count + communes)
        return answers

    def answers(self) -> list[Outcome]:
        """Every answer a point may get, in the order of answer_indices."""
        return [*(Outcome(Status.DANS_QUARTIER, q, c) for q, c in zip(self._quartiers, self._quartier_commune, strict=True)),
                *(Outcome(Status.HORS_QUARTIER, None, c) for c in self._communes),
                Outcome(Status.HORS_COMMUNE, None, None), Outcome(Status.ERREUR, None, None)]

    def locate_many(self, lons: Any, lats: Any) -> tuple[np.ndarray, np.ndarray]:
        """Status and quartier code (None if none) of every point; unusable coordinates get `erreur`."""
        places = self.answers()
        statuses = np.array([p.statut.value for p in places], dtype=object)
        codes = np.array([p.quartier.code if p.quartier else None for p in places], dtype=object)
        answers = self.answer_indices(lons, lats)
        return statuses[answers], codes[answers]

    def locate(self, lon: float, lat: float) -> Answer:
        """The point's quartier and commune; outside every quartier, the commune's city-wide structures and the
        nearest quartier of the same commune (of the whole territory outside it)."""
        check_coordinates(lon, lat)
        index = self._index.lookup_one(lon, lat)
        if index >= 0:
            quartier = self._quartiers[index]
            return self._answer(Status.DANS_QUARTIER, quartier, None, (float(lon), float(lat)),
                                self._quartier_commune[index])
        found = self._commune.lookup_one(lon, lat)
        commune = self._communes[found] if found >= 0 else None
        statut = Status.HORS_QUARTIER if commune else Status.HORS_COMMUNE
        return self._answer(statut, None, self.nearest(lon, lat, commune), (float(lon), float(lat)), commune)

    def for_quartier(self, code: str) -> Answer:
        """The answer for a resident who chose their quartier in a list rather than a point."""
        quartier = self.dataset.territory.quartier(code)
        if quartier is None:
            known = ", ".join(q.code for q in self._quartiers)
            raise InputError(f"Quartier inconnu : « {code} » (quartiers : {known}).")
        return self._answer(Status.DANS_QUARTIER, quartier, None, None, self.dataset.territory.commune_of(quartier))

    def nearest(self, lon: float, lat: float, commune: Commune | None = None) -> Nearest | None:
        """The nearest quartier (of `commune` when given) and its distance in metres; None outside the metric
        projection's area of use."""
        if not shapely.intersects_xy(self._metric_area, lon, lat):
            return None
        x, y = self._to_metric.transform(lon, lat)
        distances = shapely.distance(self._metric, shapely.Point(x, y))
        if commune is not None:
            distances = np.where([commune.code in q.communes for q in self._quartiers], distances, np.inf)
        index = int(np.argmin(distances))
        return Nearest(self._quartiers[index], float(distances[index]))

    def _answer(self, statut: Status, quartier: Quartier | None, nearest: Nearest | None,
                point: tuple[float, float] | None, commune: Commune | None) -> Answer:
        territory = self.dataset.territory
        structures = structures_serving(self.dataset, statut, quartier, commune)
        by_service = {svc.key: tuple(s.id for s in structures if svc.key in s.services)
                      for svc in self.dataset.services}
        code, name = (commune.code, commune.nom) if commune else (territory.commune_code, territory.commune_nom)
        unlisted = commune is not None and commune.code not in self._listed_communes()
        return Answer(statut, code, name, quartier, structures, by_service, nearest, point, territory.generation,
                      commune.departement if commune else "", commune.epci if commune else "", unlisted,
                      len(self._communes))

    def _listed_communes(self) -> set[str]:
        """The communes where at least one structure serves somewhere, for the directory as it is now."""
        dataset = self.dataset
        if self._listed is None or self._listed[0] is not dataset:
            self._listed = (dataset, {code for s in dataset.structures for code in communes_of(dataset, s)})
        return self._listed[1]


def structures_serving(dataset: Dataset, statut: Status, quartier: Quartier | None,
                       commune: Commune | None = None) -> tuple[Structure, ...]:
    """Inside a quartier: those covering it. Elsewhere in a commune: the city-wide ones of that commune (a
    structure open to all of the commune of one of its quartiers). Outside: none."""
    if statut is Status.DANS_QUARTIER and quartier is not None:
        return tuple(s for s in dataset.structures if s.covers(quartier))
    if statut is Status.HORS_QUARTIER:
        return tuple(s for s in dataset.structures if (s.toute_la_commune and (
            commune is None or commune.code in city_wide_communes(dataset, s))) or (
            commune is not None and s.serves_zone_of(commune.zone_codes)))
    return ()


def communes_of(dataset: Dataset, structure: Structure) -> set[str]:
    """The communes where a structure serves some place: those of the quartiers it covers (whole or not), those
    its zones hold."""
    return ({code for q in dataset.territory.quartiers if structure.covers(q) for code in q.communes}
            | (city_wide_communes(dataset, structure) if structure.toute_la_commune else set())
            | {c.code for c in dataset.territory.communes if structure.serves_zone_of(c.zone_codes)})


def structures_in_zones(dataset: Dataset, held: tuple[Zone, ...]) -> frozenset[str]:
    """The structures serving a place of these zones: what a zone's coordinator runs."""
    communes = {c.code for c in dataset.territory.communes if contains(held, c.facts())}
    return frozenset(s.id for s in dataset.structures if communes_of(dataset, s) & communes)


def city_wide_communes(dataset: Dataset, structure: Structure) -> set[str]:
    """The communes a structure « ouverte à toute la commune » serves whole: those of the quartiers it covers, or
    the territory's only commune when it names none."""
    territory = dataset.territory
    found = {code for q in territory.quartiers if structure.covers(q) for code in q.communes}
    return found or ({territory.communes[0].code} if len(territory.communes) == 1 else set())


def in_commune(dataset: Dataset, code: str) -> Dataset:
    """The part of the dataset one commune of the territory sees: its quartiers, and the structures covering one of
    them or open to all of it; an InputError naming the territory's communes for any other code."""
    territory = dataset.territory
    commune = territory.commune(commune_of_arrondissement(code.strip().upper()))
    if commune is None:
        known = ", ".join(f"{c.code} ({c.nom})" for c in territory.communes)
        raise InputError(f"Commune inconnue dans ce territoire : « {code} » (communes : {known}).")
    quartiers = tuple(q for q in territory.quartiers if commune.code in q.communes)
    structures = tuple(s for s in dataset.structures if commune.code in communes_of(dataset, s))
    part = replace(territory, commune_code=commune.code, commune_nom=commune.nom, commune_geometry=commune.geometry,
                   quartiers=quartiers, communes=(commune,))
    return Dataset(part, dataset.services, structures)
