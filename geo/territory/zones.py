"""Territories and zones as COG codes: what a deployment serves (GUP_TERRITOIRE), and what a structure or a GUP
contact covers beyond its quartiers (data·inclusion's `zone_eligibilite`).

A code is a commune (INSEE, 5 characters), a département (2 or 3), an EPCI (SIREN, 9 digits), a région written
`region:76`, or `france`. A commune is in a zone when the zone names it, its département, its EPCI or its région.
Paris, Lyon and Marseille: geocoders answer with arrondissement codes, quartiers carry the commune's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from geo.errors import InputError

FRANCE = "france"
REGION_PREFIX = "region:"
#: Arrondissement codes of the three communes that have them, and the commune each belongs to.
ARRONDISSEMENTS = ((range(75101, 75121), "75056"), (range(69381, 69390), "69123"), (range(13201, 13217), "13055"))
#: The région of each département (COG, régions of 2016): a commune whose département has no 2024 quartier is
#: still placed in its région.
REGIONS = {
    "84": "01 03 07 15 26 38 42 43 63 69 73 74", "27": "21 25 39 58 70 71 89 90", "53": "22 29 35 56",
    "24": "18 28 36 37 41 45", "94": "2A 2B", "44": "08 10 51 52 54 55 57 67 68 88", "32": "02 59 60 62 80",
    "11": "75 77 78 91 92 93 94 95", "28": "14 27 50 61 76", "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82", "52": "44 49 53 72 85", "93": "04 05 06 13 83 84",
    "01": "971", "02": "972", "03": "973", "04": "974", "06": "976",
}
REGION_OF_DEPARTEMENT = {departement: region for region, listed in REGIONS.items() for departement in listed.split()}
EXPECTED = ("code INSEE de commune (11069), de département (11, 2A, 974), SIREN d'EPCI à 9 chiffres "
            "(200035715), région « region:76 » ou « france »")


class Kind(StrEnum):
    COMMUNE = "commune"
    DEPARTEMENT = "departement"
    EPCI = "epci"
    REGION = "region"
    FRANCE = "france"


@dataclass(frozen=True)
class Zone:
    """One COG code and what it names."""

    kind: Kind
    code: str

    def __str__(self) -> str:
        return {Kind.REGION: f"{REGION_PREFIX}{self.code}", Kind.FRANCE: FRANCE}.get(self.kind, self.code)


@dataclass(frozen=True)
class CommuneFacts:
    """Where a commune sits: its département, its EPCI and its région (empty when the sources do not say)."""

    code: str
    departement: str = ""
    epci: str = ""
    region: str = ""

    def codes(self) -> dict[Kind, str]:
        return {Kind.COMMUNE: self.code, Kind.DEPARTEMENT: self.departement, Kind.EPCI: self.epci,
                Kind.REGION: self.region}


def zone(text: str) -> Zone:
    """One code read, or an InputError naming it and what is expected."""
    code = text.strip()
    lowered = code.lower()
    if lowered == FRANCE:
        return Zone(Kind.FRANCE, FRANCE)
    if lowered.startswith(REGION_PREFIX) and re.fullmatch(r"\d{2}", lowered[len(REGION_PREFIX):]):
        return Zone(Kind.REGION, lowered[len(REGION_PREFIX):])
    upper = code.upper()
    if re.fullmatch(r"\d[\dAB]\d{3}", upper):
        return Zone(Kind.COMMUNE, commune_of_arrondissement(upper))
    if re.fullmatch(r"\d{9}", code):
        return Zone(Kind.EPCI, code)
    if re.fullmatch(r"0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-8]", upper):
        return Zone(Kind.DEPARTEMENT, upper)
    raise InputError(f"Code de territoire inconnu : « {text} » (attendu : {EXPECTED}).")


def zones(text: str) -> tuple[Zone, ...]:
    """Codes separated by commas (or semicolons, as a spreadsheet writes lists), each once, in a stable order."""
    found = {zone(part) for part in re.split(r"[,;]", text) if part.strip()}
    return tuple(sorted(found, key=lambda z: (list(Kind).index(z.kind), z.code)))


def written(found: tuple[Zone, ...]) -> str:
    """The canonical form of a list of zones: what a store and a build remember a territory by."""
    return ",".join(str(z) for z in found)


def contains(found: tuple[Zone, ...], commune: CommuneFacts) -> bool:
    """Whether any of the zones holds the commune."""
    codes = commune.codes()
    return any(z.kind is Kind.FRANCE or codes.get(z.kind) == z.code for z in found)


def commune_of_arrondissement(code: str) -> str:
    """The commune's code for an arrondissement of Paris, Lyon or Marseille; any other code as it is."""
    if code.isdigit():
        number = int(code)
        for arrondissements, commune in ARRONDISSEMENTS:
            if number in arrondissements:
                return commune
    return code
