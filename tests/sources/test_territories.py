"""One deployment for many communes (GUP_TERRITOIRE), from the real mirror: the Aude's four communes and the
Occitanie région, each answer naming its commune, département and EPCI."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import shapely

from geo import config
from geo.errors import DataError, SourceError
from geo.formats.batch import locate_csv
from geo.formats.data import load_dataset, load_territory
from geo.render.present import answer_headline, answer_html
from geo.sources.build import build_data
from geo.territory.locate import Locator, Status
from tests.conftest import committed_data

AUDE = {"11069": ("Carcassonne", "200035715", 5), "11203": ("Lézignan-Corbières", "200035863", 1),
        "11206": ("Limoux", "200071926", 1), "11262": ("Narbonne", "241100593", 3)}
NARBONNE_CENTRE = (3.00561, 43.18604)  # a parcel the data's authors label QP011008, Narbonne
NARBONNE_PLAGE = (3.16, 43.16)  # Narbonne-Plage: in the commune, in no quartier
CARCASSONNE_CITE = (2.3636, 43.2065)  # La Cité: Carcassonne, in no quartier


def data_folder(tmp_path: Path) -> Path:
    return committed_data(tmp_path / "data")


@pytest.fixture(scope="module")
def aude(tmp_path_factory: pytest.TempPathFactory, sources_dir: Path) -> tuple[Path, Locator]:
    folder = data_folder(tmp_path_factory.mktemp("aude"))
    report = build_data(territory="11", data_dir=folder, sources_dir=sources_dir)
    assert (report.commune, report.commune_nom, report.communes) == ("11", "Aude", 4)
    return folder, Locator(load_dataset(folder, "11"))


def test_the_aude_is_built_commune_by_commune_with_where_each_sits(aude):
    folder, _ = aude
    communes = {f["properties"]["code"]: f["properties"]
                for f in json.loads((folder / "commune.geojson").read_text(encoding="utf-8"))["features"]}
    assert {code: (p["nom"], p["epci"]) for code, p in communes.items()} == {
        code: (name, epci) for code, (name, epci, _count) in AUDE.items()}
    assert {p["departement"] for p in communes.values()} == {"11"} and {p["region"] for p in communes.values()} == {"76"}
    quartiers = json.loads((folder / "quartiers.geojson").read_text(encoding="utf-8"))["features"]
    per_commune = {code: sum(1 for q in quartiers if q["properties"]["communes"] == [code]) for code in AUDE}
    assert per_commune == {code: count for code, (_name, _epci, count) in AUDE.items()}


def test_a_narbonne_parcel_answers_its_narbonne_quartier_and_commune(aude):
    _, locator = aude
    answer = locator.locate(*NARBONNE_CENTRE)
    assert answer.statut is Status.DANS_QUARTIER and answer.quartier is not None
    assert (answer.quartier.code, answer.commune_code, answer.commune_nom) == ("QP011008", "11262", "Narbonne")
    shown = answer.to_dict()
    assert (shown["commune_code"], shown["commune_nom"], shown["departement"], shown["epci"]) == (
        "11262", "Narbonne", "11", "241100593")
    assert shown["commune"] == {"code": "11262", "nom": "Narbonne"}
    assert answer.structures == ()  # the brochure sources no Narbonne quartier for anyone
    assert shown["aucune_structure_renseignee"] is True
    assert "Aucune structure renseignée pour cette commune pour l&#x27;instant." in answer_html(answer)


def test_outside_the_quartiers_the_commune_of_the_point_answers(aude):
    _, locator = aude
    beach = locator.locate(*NARBONNE_PLAGE)
    assert (beach.statut, beach.commune_nom) == (Status.HORS_QUARTIER, "Narbonne")
    assert beach.nearest is not None and "11262" in beach.nearest.quartier.communes  # Narbonne's, not Carcassonne's
    assert beach.structures == ()  # Carcassonne's city-wide listing is not Narbonne's
    cite = locator.locate(*CARCASSONNE_CITE)
    assert (cite.statut, cite.commune_nom) == (Status.HORS_QUARTIER, "Carcassonne")
    assert [s.id for s in cite.structures] == ["cas-carcassonne"]
    assert cite.to_dict()["aucune_structure_renseignee"] is False
    toulouse = locator.locate(1.4442, 43.6047)
    assert (toulouse.statut, toulouse.commune_nom) == (Status.HORS_COMMUNE, "Aude")
    assert answer_headline(toulouse) == "Ce point est hors du territoire servi (Aude) : ce service ne le couvre pas."


def test_a_build_serves_the_territory_it_was_made_for_only(aude):
    folder, _ = aude
    with pytest.raises(DataError, match="construit pour le territoire 11, alors que le territoire servi"):
        load_territory(folder, "11069")


def test_a_territory_of_several_communes_needs_the_mirror(tmp_path):
    with pytest.raises(SourceError, match="plusieurs communes : il se construit depuis un miroir"):
        build_data(territory="11", data_dir=data_folder(tmp_path), sources_dir=tmp_path / "absent")


def test_an_unknown_territory_is_named(tmp_path, sources_dir):
    folder = data_folder(tmp_path)
    with pytest.raises(SourceError, match="Code de territoire inconnu : « Aude »"):
        build_data(territory="Aude", data_dir=folder, sources_dir=sources_dir)
    with pytest.raises(SourceError, match="Aucune commune à quartier prioritaire dans le territoire « 48 »"):
        build_data(territory="48", data_dir=folder, sources_dir=sources_dir)  # Lozère: none in the mirror


@pytest.mark.slow
def test_occitanie_answers_every_labelled_parcel_with_its_quartier_and_commune(tmp_path, sources_dir):
    """All 10,064 labelled parcels through locate-csv, as a partner runs it on the région's deployment."""
    folder = data_folder(tmp_path)
    report = build_data(territory="region:76", data_dir=folder, sources_dir=sources_dir)
    assert (report.commune_nom, report.communes, len(report.quartiers)) == ("Occitanie", 48, 105)
    locator = Locator(load_dataset(folder, "region:76"))
    located = tmp_path / "parcelles-situees.csv"
    locate_csv(locator, sources_dir / "parcelles_dvf_qpv_occitanie.csv", located)
    with located.open(encoding="utf-8-sig") as handle:
        parcels = list(csv.DictReader(handle))
    assert len(parcels) == 10_064
    wrong = [p for p in parcels if p["quartier_code"] != p["code_qp"]]
    # One parcel centre, published at 5 decimals (about a metre), falls a tenth of a metre outside its contour.
    assert [(p["id_parcelle"], p["code_qp"], p["statut"]) for p in wrong] == [
        ("092610000D3556", "QP009001", "hors_quartier")]
    contour = locator.dataset.territory.known_quartier("QP009001").geometry
    assert contour.distance(shapely.Point(float(wrong[0]["longitude"]), float(wrong[0]["latitude"]))) < 2e-6
    assert [p["id_parcelle"] for p in parcels if p["commune_code"] != p["code_commune"]] == []


def test_the_api_names_the_place_and_answers_for_one_commune(aude):
    from fastapi.testclient import TestClient

    from geo.http.api import create_app

    _, locator = aude
    client = TestClient(create_app(locator))
    located = client.get("/v1/locate", params={"lon": NARBONNE_CENTRE[0], "lat": NARBONNE_CENTRE[1]}).json()
    assert (located["commune_code"], located["commune_nom"], located["departement"], located["epci"]) == (
        "11262", "Narbonne", "11", "241100593")
    narbonne = client.get("/v1/quartiers", params={"commune": "11262"}).json()["features"]
    assert sorted(f["properties"]["code"] for f in narbonne) == ["QP011007", "QP011008", "QP011009"]
    assert client.get("/v1/structures", params={"commune": "11262"}).json() == []  # none invented there
    assert len(client.get("/v1/structures", params={"commune": "11069"}).json()) == 8
    assert len(client.get("/v1/structures").json()) == 8
    wrong = client.get("/v1/quartiers", params={"commune": "31555"})
    assert wrong.status_code == 422
    assert "commune : commune hors du territoire (communes servies : 11069, 11203, 11206, 11262)" in wrong.text


def test_a_carcassonne_directory_is_taken_over_by_the_aude_with_nothing_lost(aude, tmp_path):
    from geo.db.store import StoreError
    from geo.directory.listings import Directory

    folder, _ = aude
    url = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    carcassonne = Directory(config.data_dir(), "11069", url)
    carcassonne.store.set_fact("cas-carcassonne", "telephone", "04 68 71 14 99", source="appel", by="Alice")
    before = (carcassonne.store.export_csv(), carcassonne.store.history())
    widened = Directory(folder, "11", url)
    assert (widened.store.export_csv(), widened.store.history()) == before
    assert widened.store.claim_commune("11") == "11"
    assert widened.locator().locate(*CARCASSONNE_CITE).structures[0].telephone == "+33468711499"
    with pytest.raises(StoreError, match=r"construit pour le territoire 11, alors que le territoire servi est 11069 "
                                         r"\(Carcassonne\), qui ne le contient pas"):
        Directory(config.data_dir(), "11069", url)


def test_a_problem_at_narbonne_goes_to_the_contacts_whose_zone_holds_narbonne(aude, tmp_path):
    from geo.problems.contacts import load_panel
    from geo.problems.panel import route
    from geo.problems.rules import partners

    _, locator = aude
    panel_folder = tmp_path / "panneau"
    panel_folder.mkdir()
    shutil.copy(config.data_dir() / "gup_themes.csv", panel_folder)
    contacts = (config.data_dir() / "gup_contacts.csv").read_text(encoding="utf-8")
    (panel_folder / "gup_contacts.csv").write_text(  # a test fixture: fictitious, département-wide
        contacts + "essai-aude,Service départemental de l'Essai,04 68 00 00 00,non,,,,Essai.,fixture de test,non,11\n",
        encoding="utf-8")
    themes = (panel_folder / "gup_themes.csv").read_text(encoding="utf-8")
    (panel_folder / "gup_themes.csv").write_text(themes.replace(",numero-vert,La voirie", ",numero-vert;essai-aude,La voirie"),
                                                 encoding="utf-8")
    panel = load_panel(panel_folder, locator.dataset)
    narbonne = locator.locate(*NARBONNE_CENTRE)
    assert partners(panel, locator.dataset, "stationnement", "QP011008", narbonne.commune_code) == ("essai-aude",)
    assert partners(panel, locator.dataset, "stationnement", "QP011004", "11069") == ("numero-vert", "essai-aude")
    shown = route(panel, locator.dataset, "stationnement", "QP011008")  # the quartier's commune by default
    assert [c.id for c in shown.sous_themes[0].contacts] == ["essai-aude"]
    assert partners(panel, locator.dataset, "stationnement", None, "31555") == ("coordination",)  # nobody there


def with_fixture_structures(folder: Path, target: Path, *more: dict[str, str]) -> Path:
    """The Aude's data folder with two fictitious structures (test fixtures, never in data/): one in Narbonne, one
    working in a Carcassonne and a Narbonne quartier; and `more`."""
    shutil.copytree(folder, target)
    text = (target / "structures.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    rows = [{"id": "essai-narbonne", "nom": "Maison de l'Essai", "groupe": "Association", "presence": "lieu_accueil",
             "quartiers": "QP011008", "toute_la_commune": "non", "services": "accueil", "telephone": "04 68 00 00 01",
             "description": "Accueil de l'Essai."},
            {"id": "essai-deux-villes", "nom": "Équipe de l'Essai", "groupe": "Association", "presence": "rue",
             "quartiers": "QP011004;QP011008", "toute_la_commune": "non", "services": "mediation",
             "telephone": "04 68 00 00 02", "description": "Médiation de l'Essai."}, *more]
    lines = [",".join(f'"{r.get(c, "")}"' if "," in r.get(c, "") else r.get(c, "") for c in header) for r in rows]
    (target / "structures.csv").write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return target


def test_a_narbonne_coordinator_runs_narbonne_listings_and_never_carcassonne_s(aude, tmp_path, monkeypatch, capsys):
    from geo.cli.main import main
    from geo.directory.listings import Directory
    from geo.directory.permissions import AccessDenied
    from geo.services import MESSAGES

    folder = with_fixture_structures(aude[0], tmp_path / "aude")
    url = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    directory = Directory(folder, "11", url)
    locator = directory.locator()
    both = "essai-deux-villes"
    assert both in [s.id for s in locator.locate(*NARBONNE_CENTRE).structures]
    assert both in [s.id for s in locator.for_quartier("QP011004").structures]  # in both communes
    assert locator.locate(*NARBONNE_CENTRE).to_dict()["aucune_structure_renseignee"] is False
    for name, value in (("GUP_DATA_DIR", str(folder)), ("GUP_TERRITOIRE", "11"), ("GUP_DATABASE_URL", url)):
        monkeypatch.setenv(name, value)
    coordinator = "coordination@narbonne.example.org"
    assert main(["add-editor", coordinator, "--zone", "11262", "--by", "Test"]) == 0
    editing = directory.editing(MESSAGES)
    assert editing.editor(coordinator).coordinated == {"essai-narbonne", both}
    editing.edit(coordinator, "essai-narbonne", {"telephone": "04 68 00 00 09", "toute_la_commune": "oui"},
                 source="appel")  # coverage too: written at once, as an admin's would be
    assert directory.dataset().known_structure("essai-narbonne").toute_la_commune
    editing.edit(coordinator, both, {"telephone": "04 68 00 00 08"}, source="appel")
    for carcassonne in ("cs-max-savy", "cas-carcassonne"):
        with pytest.raises(AccessDenied, match=f"ne peut pas modifier un fait de contact pour « {carcassonne} »"):
            editing.edit(coordinator, carcassonne, {"telephone": "04 68 00 00 07"}, source="appel")
    with pytest.raises(AccessDenied):
        editing.add_role("editeur@carcassonne.example.org", structure="cs-max-savy", by=coordinator,
                         as_editor=coordinator)
    capsys.readouterr()
    assert main(["editors", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"courriel": coordinator, "role": "coordination", "structure": None,
                                                    "ajoute_par": "Test", "zone": "11262"}]
    assert main(["add-editor", coordinator, "--zone", "Narbonne", "--by", "Test"]) == 2
    assert "Code de territoire inconnu : « Narbonne »" in capsys.readouterr().err


def test_the_data_inclusion_export_names_each_structure_s_communes(aude, tmp_path):
    from geo.render.datainclusion import to_datainclusion, validate

    dataset = load_dataset(with_fixture_structures(aude[0], tmp_path / "aude"), "11")
    structures, services = to_datainclusion(dataset)
    validate(structures, services)  # the official models: a territory's code is never a code_insee
    zones = {s["structure_id"].split("--")[1]: s["zone_eligibilite"] for s in services}
    assert (zones["essai-deux-villes"], zones["essai-narbonne"], zones["cs-max-savy"]) == (
        ["11069", "11262"], ["11262"], ["11069"])
    both = next(s for s in services if s["structure_id"].endswith("essai-deux-villes"))
    assert both["publics_precisions"].startswith("Habitants des quartiers prioritaires de Carcassonne et Narbonne : ")


def test_the_light_page_groups_the_quartiers_by_commune_and_keeps_a_chosen_one(aude):
    from geo.http.simple import page_html
    from geo.problems.contacts import load_panel
    from geo.territory import hours

    folder, locator = aude
    for name in ("gup_contacts.csv", "gup_themes.csv"):
        shutil.copy(config.data_dir() / name, folder / name)
    panel = load_panel(folder, locator.dataset)
    page = page_html({}, locator, panel, at=hours.now())
    assert '<optgroup label="Narbonne"><option value="QP011007">' in page and '<optgroup label="Carcassonne">' in page
    narbonne = page_html({"commune": "11262", "lang": "ar"}, locator, panel, at=hours.now())
    assert '<input type="hidden" name="commune" value="11262">' in narbonne and '<optgroup label="Narbonne">' not in narbonne
    assert "QP011008" in narbonne and "QP011004" not in narbonne and "Narbonne." in narbonne
    assert "?commune=11262" in narbonne  # the language links keep the chosen commune
    unknown = page_html({"commune": "31555"}, locator, panel, at=hours.now())
    assert "commune inconnue « 31555 »" in unknown and '<optgroup label="Narbonne">' in unknown


def test_a_structure_covers_zones_beyond_its_quartiers(aude, tmp_path):
    """data·inclusion's zone_eligibilite: a département-wide structure serves every place of the Aude's communes."""
    aude_wide = {"id": "essai-aude", "nom": "Permanence de l'Essai", "groupe": "Association", "presence": "rue",
                 "quartiers": "QP011001", "toute_la_commune": "non", "services": "acces_droits",
                 "telephone": "04 68 00 00 03", "description": "Permanence de l'Essai.", "zones": "11"}
    dataset = load_dataset(with_fixture_structures(aude[0], tmp_path / "aude", aude_wide), "11")
    locator = Locator(dataset)
    for point in (NARBONNE_CENTRE, NARBONNE_PLAGE, CARCASSONNE_CITE):
        assert "essai-aude" in [s.id for s in locator.locate(*point).structures], point
    assert "essai-aude" not in [s.id for s in locator.locate(1.4442, 43.6047).structures]  # Toulouse: not the Aude
    assert "essai-aude" in [s.id for s in locator.for_quartier("QP011004").structures]
    assert dataset.known_structure("essai-aude").zones == ("11",)
    with pytest.raises(DataError, match=r"colonne « zones ».*Code de territoire inconnu : « Aude »"):
        load_dataset(with_fixture_structures(aude[0], tmp_path / "faux", {**aude_wide, "zones": "Aude"}), "11")
