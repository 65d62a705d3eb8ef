"""Territories and zones as COG codes: read once, written one way, and a commune is in a zone by any of its codes."""

from __future__ import annotations

import pytest

from geo.errors import InputError
from geo.territory.zones import CommuneFacts, Kind, commune_of_arrondissement, contains, written, zone, zones

CARCASSONNE = CommuneFacts("11069", "11", "200035715", "76")
NARBONNE = CommuneFacts("11262", "11", "241100593", "76")


@pytest.mark.parametrize(("text", "kind", "code"), [
    ("11069", Kind.COMMUNE, "11069"), ("2A004", Kind.COMMUNE, "2A004"), (" 11 ", Kind.DEPARTEMENT, "11"),
    ("2b", Kind.DEPARTEMENT, "2B"), ("974", Kind.DEPARTEMENT, "974"), ("200035715", Kind.EPCI, "200035715"),
    ("region:76", Kind.REGION, "76"), ("Region:76", Kind.REGION, "76"), ("FRANCE", Kind.FRANCE, "france"),
    ("75112", Kind.COMMUNE, "75056"), ("13208", Kind.COMMUNE, "13055"), ("69383", Kind.COMMUNE, "69123"),
])
def test_each_kind_of_code_is_read(text, kind, code):
    assert (zone(text).kind, zone(text).code) == (kind, code)


@pytest.mark.parametrize("text", ["1106", "region:7", "region:", "Carcassonne", "1234567890", "98", "20", "00", "11069;x"])
def test_an_unknown_code_is_named_with_what_is_expected(text):
    with pytest.raises(InputError, match=r"Code de territoire inconnu : « .* » \(attendu : code INSEE"):
        zones(text)


def test_a_list_is_written_one_way_whatever_its_order_and_repeats():
    assert written(zones("11262, 11069;11 , region:76,11069")) == "11069,11262,11,region:76"
    assert written(zones("11069")) == "11069"  # the one-commune form is unchanged
    assert zones("") == () and zones(" , ") == ()


@pytest.mark.parametrize(("text", "carcassonne", "narbonne"), [
    ("11069", True, False), ("11", True, True), ("200035715", True, False), ("region:76", True, True),
    ("france", True, True), ("region:11", False, False), ("34", False, False), ("11262,200035715", True, True),
])
def test_a_commune_is_in_a_zone_by_any_of_its_codes(text, carcassonne, narbonne):
    assert (contains(zones(text), CARCASSONNE), contains(zones(text), NARBONNE)) == (carcassonne, narbonne)


def test_only_the_three_cities_have_arrondissements():
    assert [commune_of_arrondissement(c) for c in ("75101", "75120", "75121", "69389", "13216", "11069")] == [
        "75056", "75056", "75121", "69123", "13055", "11069"]


def test_every_departement_has_one_region():
    from geo.territory.zones import REGION_OF_DEPARTEMENT, REGIONS

    assert len(REGION_OF_DEPARTEMENT) == sum(len(listed.split()) for listed in REGIONS.values()) == 101
    assert all(zone(d).kind is Kind.DEPARTEMENT for d in REGION_OF_DEPARTEMENT)
    assert REGION_OF_DEPARTEMENT["09"] == REGION_OF_DEPARTEMENT["11"] == "76"
