"""The GUP problems panel: every theme has a contact, and each problem reaches the right one."""

from __future__ import annotations

import dataclasses

import pytest

from geo import config
from geo.errors import DataError, InputError
from geo.problems.contacts import load_panel
from geo.problems.panel import route


@pytest.fixture(scope="module")
def panel(dataset):
    return load_panel(config.data_dir(), dataset)


def ids(routed):
    return [c["id"] for c in routed["sous_themes"][0]["contacts"]]


@pytest.mark.parametrize("quartier", [None, "QP011002", "QP011003", "QP011004", "QP011005", "QP011006"])
def test_every_theme_and_sub_theme_has_a_contact_everywhere(panel, dataset, quartier):
    assert set(panel.themes()) == {"participation", "voirie", "espaces-verts", "tranquillite", "proprete"}
    for key in [*panel.themes(), *(p.cle for p in panel.problems)]:
        for sub in route(panel, dataset, key, quartier).as_json()["sous_themes"]:
            assert sub["contacts"], (key, sub["cle"], quartier)


def test_bulky_waste_goes_to_covaldem(panel, dataset):
    routed = route(panel, dataset, "encombrants", "QP011006").as_json()
    assert ids(routed)[0] == "covaldem" and routed["sous_themes"][0]["contacts"][0]["telephone"] == "04 68 11 97 00"


def test_street_lighting_goes_to_the_free_number(panel, dataset):
    contact = route(panel, dataset, "eclairage-public", None).as_json()["sous_themes"][0]["contacts"][0]
    assert (contact["id"], contact["telephone"], contact["gratuit"]) == ("numero-vert", "0 800 66 66 41", True)


def test_common_parts_go_to_the_landlord(panel, dataset):
    assert ids(route(panel, dataset, "parties-communes", "QP011002").as_json()) == ["bailleur"]


def test_the_regie_only_where_it_works(panel, dataset):
    assert "regie-quartier" not in ids(route(panel, dataset, "encombrants", "QP011004").as_json())  # Bastide: not covered
    grazailles = route(panel, dataset, "encombrants", "QP011006").as_json()["sous_themes"][0]["contacts"]
    regie = next(c for c in grazailles if c["id"] == "regie-quartier")
    assert regie["telephone"] == "04 68 47 22 71"  # the structure's own number, from structures.csv
    unknown_place = route(panel, dataset, "encombrants", None).as_json()["sous_themes"][0]["contacts"]
    assert "dans les quartiers" in next(c for c in unknown_place if c["id"] == "regie-quartier")["pourquoi"]


def test_emergency_numbers_and_sources(panel, dataset):
    routed = route(panel, dataset, "voirie", None).as_json()
    assert [c["telephone"] for c in routed["urgence"]] == ["17", "18", "112", "114"]
    assert routed["urgence"][3]["sms"] == "sms:114" and routed["urgence"][0]["tel"] == "tel:17"
    assert len(routed["sous_themes"]) == 2  # a theme lists its sub-themes
    assert all(c.source for c in panel.contacts.values())


def test_the_page_reads_typed_contacts_the_cli_the_same_as_json(panel, dataset):
    routed = route(panel, dataset, "encombrants", "QP011006")
    first = routed.sous_themes[0].contacts[0]
    assert (routed.theme_cle, first.id, first.telephone, first.tel) == ("proprete", "covaldem", "04 68 11 97 00",
                                                                        "tel:+33468119700")
    assert routed.as_json()["sous_themes"][0]["contacts"][0] == dataclasses.asdict(first)


def test_unknown_theme(panel, dataset):
    with pytest.raises(InputError, match="Thème inconnu : « graffiti »"):
        route(panel, dataset, "graffiti", None).as_json()


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("gup_themes.csv", "covaldem;regie-quartier", "covaldem;inconnu",
     "gup_themes.csv, ligne 15, colonne « contacts » : contact inconnu : inconnu"),
    ("gup_contacts.csv", "04 68 11 97 00", "04 68 11", "gup_contacts.csv, ligne 3, colonne « telephone »"),
    ("gup_contacts.csv", ",regie-quartier,", ",regie-inconnue,", "structure inconnue : regie-inconnue"),
])
def test_routing_files_are_validated_like_structures(data_copy, dataset, file, old, new, message):
    path = data_copy / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_panel(data_copy, dataset)
    assert message in str(caught.value)
