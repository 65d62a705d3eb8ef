"""The coverage matrix: for each quartier and each kind of help, which structures answer, for how many people.

A what-if scenario is applied to a copy of the dataset, never to the data file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from geo.i18n import N_
from geo.territory.model import Dataset, Quartier, Service, Structure

#: A scenario as plain, hashable tuples: disabled ids, then (id, added quartiers) and (id, added services) pairs.
ScenarioKey = tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...], tuple[tuple[str, tuple[str, ...]], ...]]
FRAGILE = 1  # one structure: the whole quartier depends on it for that kind of help


class Level(StrEnum):
    """How well a quartier is served for one kind of help, worst first.

    The value is the public name (CSS class of the report); the colour is the same on the page, the maps, the
    report and the spreadsheet, and the label (French, marked for translation) is the legend's."""

    GAP = "lacune"
    FRAGILE = "fragile"
    COVERED = "couvert"

    @classmethod
    def of(cls, count: int) -> Level:
        return cls.GAP if count == 0 else cls.FRAGILE if count <= FRAGILE else cls.COVERED

    @property
    def colour(self) -> str:
        return _LEVEL_COLOURS[self]

    @property
    def label(self) -> str:
        return _LEVEL_LABELS[self]

    @property
    def is_weak(self) -> bool:
        return self is not Level.COVERED


_LEVEL_COLOURS = {Level.GAP: "#d73027", Level.FRAGILE: "#fdae61", Level.COVERED: "#4575b4"}
_LEVEL_LABELS = {Level.GAP: N_("aucune structure (lacune)"), Level.FRAGILE: N_("une seule structure (fragile)"),
                 Level.COVERED: N_("deux structures ou plus")}


@dataclass(frozen=True)
class CoverageCell:
    quartier: Quartier
    service: Service
    structures: tuple[Structure, ...]

    @property
    def count(self) -> int:
        return len(self.structures)

    @property
    def population(self) -> int | None:
        value = self.quartier.indicators.get("population")
        return None if value is None else int(value)

    @property
    def residents_per_structure(self) -> int | None:
        """Residents for each structure offering this help here; None when nobody offers it."""
        if self.population is None or self.count == 0:
            return None
        return round(self.population / self.count)

    @property
    def level(self) -> Level:
        return Level.of(self.count)


@dataclass(frozen=True)
class Scenario:
    """Et si… ? Structures switched off, and structures extended to more quartiers or kinds of help."""

    disabled: frozenset[str] = frozenset()
    extra_quartiers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    extra_services: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def key(self) -> ScenarioKey:
        """A plain, hashable form: for caches, and to rebuild the scenario with from_key."""
        return (tuple(sorted(self.disabled)),
                tuple(sorted((k, tuple(sorted(v))) for k, v in self.extra_quartiers.items() if v)),
                tuple(sorted((k, tuple(sorted(v))) for k, v in self.extra_services.items() if v)))

    @classmethod
    def from_key(cls, key: ScenarioKey) -> Scenario:
        disabled, quartiers, services = key
        return cls(frozenset(disabled), {k: frozenset(v) for k, v in quartiers}, {k: frozenset(v) for k, v in services})

    @property
    def is_empty(self) -> bool:
        return not (self.disabled or any(self.extra_quartiers.values()) or any(self.extra_services.values()))

    def apply(self, dataset: Dataset) -> Dataset:
        """The dataset as it would be under this scenario (the original is left untouched)."""
        structures = tuple(
            dataclasses.replace(
                s,
                quartiers=_union(s.quartiers, self.extra_quartiers.get(s.id, ())),
                services=_union(s.services, self.extra_services.get(s.id, ())),
            )
            for s in dataset.structures if s.id not in self.disabled
        )
        return dataclasses.replace(dataset, structures=structures)


def _union(current: tuple[str, ...], extra: frozenset[str] | tuple[()]) -> tuple[str, ...]:
    return current + tuple(sorted(set(extra) - set(current)))


def coverage_cells(dataset: Dataset) -> list[CoverageCell]:
    """Quartier-major, in the order of the territory and of the taxonomy."""
    return [
        CoverageCell(q, svc, tuple(s for s in dataset.structures if s.covers(q) and svc.key in s.services))
        for q in dataset.territory.quartiers
        for svc in dataset.services
    ]


def weak_spots(cells: list[CoverageCell]) -> list[CoverageCell]:
    """Gaps and fragile cells, the most residents first: where a planner should look."""
    weak = [c for c in cells if c.level.is_weak]
    return sorted(weak, key=lambda c: (c.count, -(c.population or 0), c.quartier.code, c.service.key))

