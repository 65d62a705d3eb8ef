"""The model: quartiers, structures, the kinds of help they offer, and the territory that holds them.

Plain frozen objects, built by `geo.formats.data` from the data files and read by every other floor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from shapely.geometry.base import BaseGeometry

from geo.i18n import N_
from geo.territory.generations import OLDEST, Change, QuartierChange
from geo.territory.notices import Notice
from geo.territory.phone import phone_display
from geo.territory.zones import FRANCE, REGION_PREFIX, CommuneFacts

#: Periods of the day a presence pattern may name; their meaning in hours lives in geo.territory.hours.PERIODS.
PRESENCE_MOMENTS = ("soiree_nuit",)

#: Kinds of presence: the label (translated where shown) says how a resident meets the structure.
PRESENCE_LABELS: dict[str, str] = {
    "lieu_accueil": N_("Lieu d'accueil"),
    "rue": N_("Présence dans la rue"),
    "soiree_nuit": N_("Présence en soirée et de nuit"),
}


@dataclass(frozen=True)
class Indicator:
    """An INSEE indicator carried on each quartier, with the year it describes."""

    column: str
    key: str
    label: str
    year: int
    unit: str = ""


INDICATORS: tuple[Indicator, ...] = (
    Indicator("pop_mun", "population", N_("Population municipale"), 2015, N_("habitants")),
    Indicator("ind_jeune", "indice_jeunesse", N_("Indice de jeunesse (0-19 ans / 60 ans et plus)"), 2015),
    Indicator("tx_tot_et", "part_etrangers", N_("Part des étrangers dans la population"), 2015, "%"),
    Indicator("tp60", "taux_pauvrete", N_("Taux de pauvreté"), 2017, "%"),
    Indicator("brev", "taux_bas_revenus", N_("Taux de bas revenus"), 2017, "%"),
    Indicator("disp_q2", "revenu_disponible_median", N_("Revenu disponible médian par unité de consommation"), 2017, "€"),
)
INDICATOR_BY_KEY = {ind.key: ind for ind in INDICATORS}
T = TypeVar("T")
#: How often a structure's facts are to be checked unless its listing says otherwise (geo.territory.freshness).
UPDATE_MONTHS = 6


@dataclass(frozen=True)
class Service:
    """A kind of help, as the brochure's columns name them."""

    key: str
    label: str
    icon: str
    thematiques: tuple[str, ...]


@dataclass(frozen=True)
class Structure:
    id: str
    nom: str
    groupe: str
    presence: tuple[str, ...]
    presence_detail: str
    quartiers: tuple[str, ...]
    toute_la_commune: bool
    services: tuple[str, ...]
    telephone: str
    """E.164, e.g. +33468711432."""
    adresse: str = ""
    horaires: str = ""
    """OSM opening_hours syntax, empty when no sourced hours exist."""
    courriel: str = ""
    description: str = ""
    presence_jours: str = ""
    """Days of presence as an OSM weekday selector ('Tu-Sa'), where only days and a period are sourced."""
    presence_moment: str = ""
    """A period of the day from geo.territory.hours.PERIODS ('soiree_nuit'), with presence_jours."""
    sources: dict[str, str] = field(default_factory=dict)
    """Source and date of each fact beyond the brochure, keyed by fact (adresse, horaires…)."""
    checked: dict[str, date | None] = field(default_factory=dict)
    """The day each fact was last checked (None: never since it was loaded), from the directory store."""
    update_months: int = UPDATE_MONTHS
    notices: tuple[Notice, ...] = ()
    """Every notice of the listing, past ones included; which are in force is decided when read."""
    version: int = 0
    """The listing's version in the store: a write made against an older one is refused."""
    zones: tuple[str, ...] = ()
    """Zones it serves whole beyond its quartiers (COG codes as zones.written writes them: « 11262 », « 11 »…), as
    data·inclusion's zone_eligibilite."""

    def covers(self, quartier: Quartier) -> bool:
        """Whether its coverage names the quartier by any of its codes (the brochure names 2015 ones), or one of its
        zones holds the quartier."""
        return any(code in self.quartiers for code in quartier.known_codes) or self.serves_zone_of(quartier.places)

    def serves_zone_of(self, places: frozenset[str]) -> bool:
        """Whether one of its zones is among the codes a place lies in (Commune.zone_codes)."""
        return any(code in places for code in self.zones)

    @property
    def telephone_affiche(self) -> str:
        return phone_display(self.telephone)


@dataclass(frozen=True)
class Quartier:
    code: str
    nom: str
    """Official name (ANCT)."""
    nom_local: str
    """The name residents use; the official one when no local name is known."""
    geometry: BaseGeometry
    indicators: dict[str, float | None] = field(default_factory=dict)
    generation: str = OLDEST
    """The list its code and contour belong to (geo.territory.generations)."""
    codes: dict[str, str | None] = field(default_factory=dict)
    """Its code in each generation, through the official correspondence ({"2015": "QP011006", "2024": "QN01106M"})."""
    change: Change | None = None
    """What the newest list did to it (public name: generations.CHANGE_FIELD); None without the correspondence."""
    communes: tuple[str, ...] = ()
    """The INSEE codes of the communes it lies in (two for a quartier over a boundary)."""
    places: frozenset[str] = frozenset()
    """Every zone code it lies in: its communes', their départements', EPCI's and régions' (Commune.zone_codes)."""

    @property
    def known_codes(self) -> tuple[str, ...]:
        """Every code naming this quartier: its own and the other generation's (several when quartiers merged)."""
        others = [code for value in self.codes.values() if value for code in value.split("+")]
        return tuple(dict.fromkeys([self.code, *others]))

    def code_in(self, generation: str) -> str | None:
        return self.code if generation == self.generation else self.codes.get(generation)


@dataclass(frozen=True)
class Commune:
    """A commune of the territory: its INSEE code, its name, its contour, and where it sits."""

    code: str
    nom: str
    geometry: BaseGeometry
    departement: str = ""
    epci: str = ""
    region: str = ""

    def facts(self) -> CommuneFacts:
        return CommuneFacts(self.code, self.departement, self.epci, self.region)

    @property
    def zone_codes(self) -> frozenset[str]:
        """Every zone holding it, written as zones.written writes them."""
        return frozenset({self.code, self.departement, self.epci, *((f"{REGION_PREFIX}{self.region}",) if self.region
                                                                   else ()), FRANCE} - {""})


@dataclass(frozen=True)
class Territory:
    """What a deployment serves (GUP_TERRITOIRE, or the one commune of GUP_COMMUNE): its communes with quartiers
    prioritaires, their contours and their quartiers. `commune_code` is the territory as written (« 11069 »,
    « 11 », « region:76 »), `commune_nom` its name, `commune_geometry` the union of its communes."""

    commune_code: str
    commune_nom: str
    commune_geometry: BaseGeometry
    quartiers: tuple[Quartier, ...]
    attribution: str = ""
    generation: str = OLDEST
    """The generation whose contours answer."""
    generations: tuple[str, ...] = (OLDEST,)
    """Every generation whose contours were built."""
    changes: tuple[QuartierChange, ...] = ()
    """What the 2024 list changed for the commune (empty when the build had no correspondence)."""
    communes: tuple[Commune, ...] = ()

    def commune(self, code: str) -> Commune | None:
        return next((c for c in self.communes if c.code == code), None)

    def quartiers_by_commune(self, only: str | None = None) -> list[tuple[str, list[Quartier]]]:
        """The quartiers under their commune's name, in the communes' order (a quartier over two communes under
        its first); `only` keeps one commune's."""
        groups = [(c.nom, [q for q in self.quartiers if q.communes[:1] == (c.code,)]) for c in self.communes
                  if only is None or c.code == only]
        return [(name, found) for name, found in groups if found] or [(self.commune_nom, list(self.quartiers))]

    def commune_of(self, quartier: Quartier) -> Commune | None:
        """The commune a quartier belongs to (the first, for one over a boundary)."""
        return next((c for c in self.communes if c.code in quartier.communes), None)

    def quartier(self, code: str) -> Quartier | None:
        """The quartier named by `code` in any generation (its own code first)."""
        own = next((q for q in self.quartiers if q.code == code), None)
        return own or next((q for q in self.quartiers if code in q.known_codes), None)

    def known_codes(self) -> set[str]:
        """Every code a structure's coverage may use to name one of these quartiers."""
        return {code for q in self.quartiers for code in q.known_codes}

    def known_quartier(self, code: str) -> Quartier:
        return _known(self.quartier(code), f"quartier {code}")


@dataclass(frozen=True)
class Dataset:
    territory: Territory
    services: tuple[Service, ...]
    structures: tuple[Structure, ...]

    def service(self, key: str) -> Service | None:
        return next((s for s in self.services if s.key == key), None)

    def structure(self, structure_id: str) -> Structure | None:
        return next((s for s in self.structures if s.id == structure_id), None)

    def known_service(self, key: str) -> Service:
        return _known(self.service(key), f"type d'aide {key}")

    def known_structure(self, structure_id: str) -> Structure:
        return _known(self.structure(structure_id), f"structure {structure_id}")


def _known(found: T | None, what: str) -> T:
    """A thing the data itself names (checked when it was loaded), unlike a key someone typed: its absence is a
    bug, so it raises instead of handing the caller an Optional to forget."""
    if found is None:
        raise LookupError(f"{what} : absent des données chargées")
    return found
