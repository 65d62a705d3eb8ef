"""The bad-input corpus: each case is what a person could really give us, and the French answer they get.

Every case runs through the command line's single error handler (`geo.cli.main.main`): a known problem
exits with 2 and its message, never a traceback. The data cases damage a private copy of the data.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from geo import config
from geo.cli import main as cli

GRAZAILLES = ["--lon", "2.35664", "--lat", "43.22668"]


@dataclass
class Case:
    name: str
    args: list[str]
    message: str
    damage: Callable[[Path, Path], None] = lambda data, tmp: None
    code: int = 2
    env: dict[str, str] = field(default_factory=dict)


def rewrite(file: str, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]):
    def damage(data: Path, tmp: Path) -> None:
        path = data / file
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        columns = list(rows[0])
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(change(rows))
        path.write_text(out.getvalue(), encoding="utf-8")
    return damage


def cell(file: str, column: str, value: str, row: int = 0):
    def change(rows):
        rows[row][column] = value
        return rows
    return rewrite(file, change)


def raw(file: str, content: bytes):
    return lambda data, tmp: (data / file).write_bytes(content)


def replace(file: str, old: str, new: str):
    def damage(data: Path, tmp: Path) -> None:
        text = (data / file).read_text(encoding="utf-8")
        assert old in text, (file, old)
        (data / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return damage


def mirror(change: Callable[[Path], None]):
    """A copy of the official files, changed; build-data reads it through GUP_SOURCES_DIR."""
    def damage(data: Path, tmp: Path) -> None:
        shutil.copytree(config.sources_dir(), tmp / "mirror")
        change(tmp / "mirror")
    return damage


def lambert_declared_as_wgs84(folder: Path) -> None:
    import geopandas as gpd

    frame = gpd.read_file(folder / "qpv_occitanie_2015.geojson").to_crs("EPSG:2154").set_crs(4326, allow_override=True)
    (folder / "qpv_occitanie_2015.geojson").unlink()
    frame.to_file(folder / "qpv_occitanie_2015.geojson", driver="GeoJSON")


def add_empty_commune(folder: Path) -> None:
    path = folder / "communes_occitanie.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"].append({"type": "Feature", "properties": {"code_commune": "11999", "nom_commune": "Sans-Quartier"},
                            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0]]]}})
    path.write_text(json.dumps(doc), encoding="utf-8")


def points(text: str):
    return lambda data, tmp: (tmp / "points.csv").write_text(text, encoding="utf-8")


S = "structures.csv"
CASES = [
    # structures.csv, as city staff may save it
    Case("colonne manquante", ["coverage"], "structures.csv, ligne 1 : colonne obligatoire absente de l'en-tête : telephone",
         replace(S, "services,telephone,", "services,tel,")),
    Case("quartier inconnu", ["coverage"], "structures.csv, ligne 2, colonne « quartiers » : code de quartier inconnu : QP011099",
         cell(S, "quartiers", "QP011005;QP011099")),
    Case("type d'aide inconnu", ["coverage"], "structures.csv, ligne 3, colonne « services » : type d'aide inconnu : cuisine",
         cell(S, "services", "cuisine", row=1)),
    Case("identifiant en double", ["coverage"],
         "structures.csv, ligne 3, colonne « id » : identifiant en double (déjà utilisé ligne 2) (valeur : « cs-max-savy »)",
         cell(S, "id", "cs-max-savy", row=1)),
    Case("téléphone mal formé", ["coverage"], "structures.csv, ligne 2, colonne « telephone » : numéro de téléphone invalide "
         "(attendu : 10 chiffres, par exemple 04 68 00 00 00) (valeur : « 04 68 71 14 »)", cell(S, "telephone", "04 68 71 14")),
    Case("horaires illisibles", ["coverage"], "structures.csv, ligne 5, colonne « horaires » : horaires illisibles",
         cell(S, "horaires", "lundi 9h-12h", row=3)),
    Case("fichier vide", ["coverage"], "structures.csv : le fichier est vide (aucune ligne d'en-tête)", raw(S, b"")),
    Case("en-tête seul", ["coverage"], "structures.csv : aucune structure (le fichier n'a que l'en-tête)", rewrite(S, lambda r: [])),
    Case("encodage Windows", ["coverage"], "structures.csv : le fichier n'est pas encodé en UTF-8",
         raw(S, "id,nom\ncs,Centre social é\n".encode("cp1252"))),
    Case("données binaires", ["coverage"], "structures.csv : le fichier contient des données binaires, ce n'est pas un CSV",
         raw(S, b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")),
    Case("cellule de 10 Mo", ["coverage"], "structures.csv, ligne 2 : cellule trop longue",
         cell(S, "description", "x" * 10_000_000)),
    Case("formule de tableur", ["coverage"], "structures.csv, ligne 2, colonne « nom » : formule de tableur : saisissez le texte "
         "lui-même, sans « = » devant", cell(S, "nom", '=HYPERLINK("http://x","Centre")')),
    Case("nom vide", ["coverage"], "structures.csv, ligne 4, colonne « nom » : champ obligatoire vide", cell(S, "nom", "", row=2)),
    Case("présence inconnue", ["coverage"], "structures.csv, ligne 2, colonne « presence » : type de présence inconnu : bureau",
         cell(S, "presence", "bureau")),
    Case("oui/non", ["coverage"], "structures.csv, ligne 2, colonne « toute_la_commune » : valeur attendue : « oui » ou « non »",
         cell(S, "toute_la_commune", "parfois")),
    Case("courriel mal formé", ["coverage"], "structures.csv, ligne 5, colonne « courriel » : adresse électronique mal formée",
         cell(S, "courriel", "evs.bastide(at)agglo", row=3)),
    Case("ligne trop longue", ["coverage"], "structures.csv, ligne 10 : cellules en trop par rapport à l'en-tête",
         lambda data, tmp: (data / S).write_text((data / S).read_text(encoding="utf-8") + "a," * 25 + "b\n", encoding="utf-8")),
    Case("jours de présence illisibles", ["coverage"], "structures.csv, ligne 8, colonne « presence_jours » : jours illisibles",
         cell(S, "presence_jours", "mardi-samedi", row=6)),
    Case("motif de présence incomplet", ["coverage"], "structures.csv, ligne 8 : presence_jours et presence_moment vont ensemble",
         cell(S, "presence_moment", "", row=6)),
    Case("taxonomie : clé en double", ["coverage"], "services.csv, ligne 3, colonne « cle » : clé en double",
         cell("services.csv", "cle", "accueil", row=1)),
    Case("taxonomie absente", ["coverage"], "services.csv : fichier introuvable", lambda data, tmp: (data / "services.csv").unlink()),
    Case("contact GUP : téléphone", ["signaler", "--theme", "voirie"],
         "gup_contacts.csv, ligne 3, colonne « telephone » : numéro de téléphone invalide", cell("gup_contacts.csv", "telephone",
                                                                                              "04 68", row=1)),
    Case("thème GUP : contact inconnu", ["signaler", "--theme", "voirie"],
         "gup_themes.csv, ligne 4, colonne « contacts » : contact inconnu : mairie", cell("gup_themes.csv", "contacts", "mairie",
                                                                                         row=2)),
    # quartier sources and built files
    Case("miroir incomplet", ["build-data"], "Fichier source absent du miroir", mirror(
        lambda m: (m / "qpv_occitanie_2015.geojson").unlink())),
    Case("géométrie invalide réparée", ["build-data", "--commune", "34145"], "Géométrie invalide réparée : QP034021 "
         "(Self-intersection", mirror(lambda m: None), code=0),
    Case("mauvais système de coordonnées", ["build-data"], "coordonnées incohérentes avec le système déclaré",
         mirror(lambert_declared_as_wgs84)),
    Case("commune sans quartier prioritaire", ["build-data", "--commune", "11999"],
         "La commune 11999 n'a aucun quartier prioritaire dans la source.", mirror(add_empty_commune)),
    Case("commune absente de la source", ["build-data", "--commune", "75056"],
         "La commune 75056 est absente des contours de communes", mirror(lambda m: None)),
    Case("code commune invalide", ["build-data", "--commune", "Carcassonne"],
         "Code commune invalide : « Carcassonne » (attendu : code INSEE à 5 caractères, ex. 11069).", mirror(lambda m: None)),
    Case("quartiers non construits", ["coverage"], "quartiers.geojson : fichier absent : lancez « python -m geo build-data »",
         lambda data, tmp: (data / "quartiers.geojson").unlink()),
    Case("quartiers illisibles", ["coverage"], "quartiers.geojson : GeoJSON illisible", raw("quartiers.geojson", b'{"type": "Fe')),
    Case("quartiers d'une autre commune", ["coverage"], "construit pour la commune 11069, alors que GUP_COMMUNE vaut 11262",
         env={"GUP_COMMUNE": "11262"}),
    # command-line arguments
    Case("longitude non numérique", ["locate", "--lon", "abc", "--lat", "43.2"],
         "argument --lon : « abc » n'est pas un nombre (exemple : 2.3397)"),
    Case("longitude NaN", ["locate", "--lon", "nan", "--lat", "43.2"], "Longitude invalide : « nan » n'est pas un nombre fini."),
    Case("latitude infinie", ["locate", "--lon", "2.35", "--lat", "inf"], "Latitude invalide : « inf » n'est pas un nombre fini."),
    Case("longitude hors limites", ["locate", "--lon", "200", "--lat", "43.2"],
         "Longitude hors limites : 200.0 (attendu entre -180 et 180)."),
    Case("latitude hors limites", ["locate", "--lon", "2.35", "--lat", "-95"],
         "Latitude hors limites : -95.0 (attendu entre -90 et 90)."),
    Case("latitude manquante", ["locate", "--lon", "2.35"], "arguments obligatoires manquants : --lat"),
    Case("format inconnu", ["coverage", "--format", "xml"], "argument --format : choix invalide 'xml' (possibles : 'csv', 'json')"),
    Case("moment illisible", ["locate", *GRAZAILLES, "--at", "mardi"], "Date et heure illisibles : « mardi »"),
    Case("thème inconnu", ["signaler", "--theme", "graffitis"], "Thème inconnu : « graffitis »"),
    Case("point incomplet", ["signaler", "--theme", "voirie", "--lon", "2.35"], "Donnez --lon et --lat ensemble"),
    Case("fichier d'entrée absent", ["locate-csv", "{tmp}/absent.csv", "-o", "{tmp}/out.csv"], "Fichier introuvable :"),
    Case("sortie impossible", ["export", "--format", "csv", "-o", "{tmp}/points.csv/sous/c.csv"], "Impossible d'écrire",
         points("longitude,latitude\n")),
    # files of points
    Case("fichier de points vide", ["locate-csv", "{tmp}/points.csv", "-o", "{tmp}/out.csv"], "points.csv : fichier vide.",
         points("")),
    Case("aucune colonne utilisable", ["locate-csv", "{tmp}/points.csv", "-o", "{tmp}/out.csv"],
         "points.csv : colonne(s) absente(s) : longitude, latitude ou une colonne adresse (colonnes trouvées : x, y).", points("x,y\n1,2\n")),
    Case("mauvais type de fichier", ["locate-csv", "{tmp}/points.csv", "-o", "{tmp}/out.csv"],
         "points.csv : ce n'est pas un fichier CSV (contenu binaire)",
         lambda data, tmp: (tmp / "points.csv").write_bytes(b"PK\x03\x04\x00\x00binary xlsx")),
    Case("points en Windows-1252, tels qu'Excel les enregistre", ["locate-csv", "{tmp}/points.csv", "-o", "{tmp}/out.csv"],
         "1 lignes traitées (hors_quartier : 1).", code=0, damage=
         lambda data, tmp: (tmp / "points.csv").write_bytes("nom;longitude;latitude\nJosé;2,3636;43,2065\n".encode("cp1252"))),
    Case("ligne de points bancale", ["locate-csv", "{tmp}/points.csv", "-o", "{tmp}/out.csv"],
         "2 lignes traitées (erreur : 1, hors_quartier : 1).", points("longitude,latitude\n2.3636,43.2065,x\n2.3636,43.2065\n"),
         code=0),
]


@pytest.fixture
def run(data_copy, tmp_path, monkeypatch, capsys):
    def go(case: Case) -> tuple[int, str]:
        case.damage(data_copy, tmp_path)
        monkeypatch.setenv("GUP_DATA_DIR", str(data_copy))
        monkeypatch.setenv("GUP_LOG_FILE", str(tmp_path / "erreurs.log"))
        if (tmp_path / "mirror").exists():
            monkeypatch.setenv("GUP_SOURCES_DIR", str(tmp_path / "mirror"))
        for key, value in case.env.items():
            monkeypatch.setenv(key, value)
        try:
            code = cli.main([a.replace("{tmp}", str(tmp_path)) for a in case.args])
        except SystemExit as exit_:  # argparse's own exit, with our French message
            code = exit_.code
        captured = capsys.readouterr()
        return code, captured.out + captured.err
    return go


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_a_clear_french_answer(run, case):
    code, output = run(case)
    assert code == case.code, output
    assert case.message in output
    assert "Traceback" not in output


def test_an_unexpected_error_shows_a_reference_and_logs_the_stack(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("GUP_LOG_FILE", str(tmp_path / "erreurs.log"))

    def explode(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("geo.territory.coverage.coverage_cells", explode)
    code = cli.main(["coverage"])
    err = capsys.readouterr().err
    assert code == 70 and "Erreur inattendue (référence " in err
    assert "secret detail" not in err and "Traceback" not in err
    log = (tmp_path / "erreurs.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError" in log


def test_the_incident_log_never_holds_a_typed_address(monkeypatch, tmp_path, capsys):
    """An address a resident typed, inside an unexpected error and its cause, and in a local variable: the log
    keeps the class, the reference and the code lines, never the message or the value."""
    log_file = tmp_path / "erreurs.log"
    monkeypatch.setenv("GUP_LOG_FILE", str(log_file))
    secret = "12 rue Secrète 11000 Carcassonne"

    def explode(*args, **kwargs):
        typed = secret  # a local value: never logged either
        try:
            int(typed)
        except ValueError as exc:
            raise KeyError(f"adresse introuvable : {typed}") from exc

    monkeypatch.setattr("geo.territory.coverage.coverage_cells", explode)
    assert cli.main(["coverage"]) == 70
    reference = re.search(r"référence ([0-9a-f]{8})", capsys.readouterr().err).group(1)
    log = log_file.read_text(encoding="utf-8")
    assert f"incident {reference}: KeyError" in log
    assert "ValueError" in log and "int(typed)" in log and "test_bad_inputs.py" in log  # where, in code lines
    assert secret not in log and "Secrète" not in log


# --- inputs that do not come through the command line: uploads, links, address services ----------

@pytest.mark.parametrize(("name", "payload", "message"), [
    ("liste.pdf", b"%PDF-1.7", "liste.pdf : type de fichier non pris en charge (CSV ou XLSX attendu)."),
    ("liste.csv", b"x" * (20 * 1024 * 1024 + 1), "liste.csv : fichier trop gros (20 Mo ; 20 Mo au plus)."),
    ("liste.csv", b"   \n", "liste.csv : fichier vide."),
    ("liste.csv", b"nom;ville\nA;B\n", "liste.csv : colonne(s) absente(s) : longitude, latitude (colonnes trouvées : nom, ville)."),
    ("liste.xlsx", b"PK\x03\x04garbage", "liste.xlsx : classeur XLSX illisible"),
], ids=["type", "taille", "vide", "sans colonne utile", "xlsx abîmé"])
def test_uploads(locator, name, payload, message):
    from geo.errors import InputError
    from geo.formats.batch import locate_upload

    with pytest.raises(InputError) as caught:
        locate_upload(locator, name, payload)
    assert message in str(caught.value)


@pytest.mark.parametrize(("params", "notice"), [
    ({"quartier": "QP000000"}, "quartier inconnu « QP000000 »"),
    ({"service": "cuisine"}, "type d'aide inconnu « cuisine »"),
    ({"lon": "2,3", "lat": "nan"}, "point illisible (lon=2,3, lat=nan)"),
    ({"lon": "999", "lat": "43"}, "point illisible (lon=999, lat=43)"),
    ({"vue": "admin"}, "vue inconnue « admin » (resident ou planner)"),
    ({"<script>": "1"}, "paramètre inconnu « <script> »"),
], ids=["quartier", "service", "point NaN", "point hors limites", "vue", "nom piégé"])
def test_url_parameters_are_ignored_with_a_notice(dataset, params, notice):
    from geo.render.links import read_params

    assert notice in read_params(params, dataset).ignored


@pytest.mark.parametrize(("status", "body", "message"), [
    (500, b"", "Service d'adresses indisponible (addok : erreur 500)."),
    (429, b"", "Service d'adresses indisponible (addok : trop de requêtes)."),
    (200, b"<html>maintenance</html>", "Service d'adresses : réponse illisible (addok)."),
    (200, b'{"features": [{"geometry": null, "properties": {"label": "x"}}]}', "Service d'adresses : réponse inattendue (addok)."),
], ids=["500", "429", "pas du JSON", "JSON inattendu"])
def test_address_service_answers(status, body, message):
    from geo.geocode import GeocoderError
    from geo.geocode.remote import AddokGeocoder
    from tests.http_stub import serving

    with serving(lambda path: (status, body)) as url, pytest.raises(GeocoderError) as caught:
        AddokGeocoder(url, commune="11069").search("12 rue des essais")
    assert str(caught.value) == message


def test_address_service_timeout():
    import socket

    from geo.geocode import GeocoderError
    from geo.geocode.remote import AddokGeocoder

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        with pytest.raises(GeocoderError, match=r"Service d'adresses indisponible \(addok : délai dépassé\)\."):
            AddokGeocoder(f"http://127.0.0.1:{silent.getsockname()[1]}", commune="11069", timeout=0.5).search("x")


def test_address_results_outside_france_are_kept_but_marked_and_located_outside(locator):
    from geo.geocode.remote import AddokGeocoder
    from tests.http_stub import serving

    madrid = (b'{"features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-3.7038, 40.4168]},'
              b' "properties": {"label": "Calle Mayor, Madrid", "score": 0.9, "citycode": "28079", "type": "street"}}]}')
    with serving(lambda path: (200, madrid)) as url:
        result = AddokGeocoder(url, commune="11069").search("calle mayor")[0]
    assert result.in_commune is False
    assert locator.locate(result.lon, result.lat).statut.value == "hors_commune"
