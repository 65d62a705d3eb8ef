"""Address search against a real addok server, the offline index, and the fallback between them."""

from __future__ import annotations

import csv
import logging
import socket
import time
from pathlib import Path

import pytest

from geo.formats.batch import locate_csv
from geo.geocode import FallbackGeocoder, GeocoderError, build_offline_index, make_geocoder
from geo.geocode.offline import OfflineGeocoder
from geo.geocode.remote import AddokGeocoder
from tests.addok_server import FIXTURE, addok_server, missing_tools
from tests.http_stub import serving
from tests.real_parts import missing

ADDRESS_BY_QUARTIER = {"QP011002": "12 Rue Fictive Jules Sauzède", "QP011003": "2 Avenue Fictive du Général Leclerc",
                       "QP011004": "25 Boulevard Fictif Barbès", "QP011005": "12 Place Fictive Émile Zola",
                       "QP011006": "2 Impasse Fictive des Tilleuls"}


def fixture_point(street: str, number: str) -> tuple[float, float]:
    with FIXTURE.open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f, delimiter=";") if r["nom_voie"] == street and r["numero"] == number
                   and not r["rep"])
    return float(row["lon"]), float(row["lat"])


@pytest.fixture(scope="module")
def addok_url(tmp_path_factory):
    why = missing_tools()
    if why:
        missing(why)
    with addok_server(tmp_path_factory.mktemp("addok")) as url:
        yield url


@pytest.fixture(scope="module")
def offline(tmp_path_factory) -> OfflineGeocoder:
    path, count = build_offline_index(FIXTURE, "11069", tmp_path_factory.mktemp("index"))
    assert count == 20  # the Narbonne address is left out
    return OfflineGeocoder(path)


# --- the addok backend, against a real addok ---------------------------------------------------

def test_addok_search(addok_url):
    results = AddokGeocoder(addok_url, commune="11069").search("12 rue fictive jules sauzede", limit=3)
    first = results[0]
    assert (first.label, first.type, first.in_commune) == ("12 Rue Fictive Jules Sauzède 11000 Carcassonne",
                                                           "housenumber", True)
    assert (first.lon, first.lat) == fixture_point("Rue Fictive Jules Sauzède", "12")
    assert 0 < first.score <= 1


def test_results_outside_the_commune_are_kept_but_marked(addok_url):
    result = AddokGeocoder(addok_url, commune="11069").search("1 rue fictive de narbonne", limit=1)[0]
    assert result.citycode == "11262" and result.in_commune is False


def test_addok_reverse(addok_url):
    lon, lat = fixture_point("Impasse Fictive des Tilleuls", "25")
    result = AddokGeocoder(addok_url, commune="11069").reverse(lon + 0.00001, lat)
    assert result.label == "25 Impasse Fictive des Tilleuls 11000 Carcassonne"


def test_addok_batch_uses_search_csv_in_order(addok_url):
    geocoder = AddokGeocoder(addok_url, commune="11069")
    results = geocoder.batch(["25 bd fictif barbes", "", "2 impasse fictive des tilleuls"])
    assert results[0].label.startswith("25 Boulevard Fictif Barbès") and results[2].label.startswith("2 Impasse")
    assert results[1] is None


def test_addok_batch_in_blocks_keeps_the_order_and_bounds_what_is_in_flight(addok_url, monkeypatch):
    """2,500 addresses in blocks of 1,000: three /search/csv requests, never more than CSV_IN_FLIGHT at once, and
    every answer in its query's place."""
    import threading

    from geo.geocode import remote

    monkeypatch.setattr(remote, "CSV_BLOCK", 1_000)
    geocoder = AddokGeocoder(addok_url, commune="11069")
    sizes, running, most = [], [0], [0]
    lock = threading.Lock()
    send = geocoder._batch_csv

    def counted(block):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            sizes.append(len(block))
        try:
            return send(block)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(geocoder, "_batch_csv", counted)
    known = ["25 bd fictif barbes", "", "2 impasse fictive des tilleuls", "12 rue fictive jules sauzede"]
    queries = [known[i % 4] for i in range(2_500)]
    results = geocoder.batch(queries)
    assert sorted(sizes) == [500, 1_000, 1_000] and most[0] <= remote.CSV_IN_FLIGHT
    expected = {q: (r.label if r else None) for q, r in zip(known, send(known), strict=True)}
    assert [r.label if r else None for r in results] == [expected[q] for q in queries]


def test_geoplateforme_backend_is_the_same_protocol(addok_url, monkeypatch, tmp_path):
    monkeypatch.setenv("GUP_GEOCODER", "geoplateforme")
    monkeypatch.setenv("GUP_GEOPLATEFORME_URL", addok_url)
    monkeypatch.setenv("GUP_DATA_DIR", str(tmp_path))  # no offline index here
    geocoder = make_geocoder()
    assert geocoder.name == "Géoplateforme"
    assert geocoder.search("12 place fictive emile zola", limit=1)[0].label.startswith("12 Place Fictive Émile Zola")


def test_address_to_structures_end_to_end(addok_url, locator, tmp_path):
    source = tmp_path / "adresses.csv"
    source.write_text("nom;adresse;code_postal;commune\n" + "".join(
        f"{code};{address};11000;Carcassonne\n" for code, address in ADDRESS_BY_QUARTIER.items()), encoding="utf-8")
    locate_csv(locator, source, tmp_path / "out.csv", geocoder=lambda: AddokGeocoder(addok_url, commune="11069"))
    rows = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8-sig"), delimiter=";"))
    assert [r["quartier_code"] for r in rows] == [r["nom"] for r in rows]
    assert all(r["statut"] == "dans_quartier" and r["structures"] and float(r["score_geocodage"]) > 0.5 for r in rows)
    assert rows[0]["adresse_trouvee"] == "12 Rue Fictive Jules Sauzède 11000 Carcassonne"


def test_queries_are_never_logged(addok_url, caplog):
    caplog.set_level(logging.DEBUG)
    AddokGeocoder(addok_url, commune="11069").search("12 rue secrete fictive", limit=1)
    assert "secrete" not in caplog.text


# --- the offline index -----------------------------------------------------------------------

@pytest.mark.parametrize("query", ["12 Rue Fictive Jules Sauzède", "12 rue fictive jules sauzede",
                                   "12 r. Fictive Jules Sauzède", "12 rue fictve jules sauzede",
                                   "12 rue fictive jules sauzede 11000 carcassonne"])
def test_offline_finds_the_address_whatever_the_spelling(offline, query):
    result = offline.search(query, limit=1)[0]
    assert (result.label, result.type) == ("12 Rue Fictive Jules Sauzède 11000 Carcassonne", "housenumber")


@pytest.mark.parametrize(("query", "label"), [
    ("25 bd fictif barbes", "25 Boulevard Fictif Barbès 11000 Carcassonne"),
    ("2 av fictive du gal leclerc", "2 Avenue Fictive du Général Leclerc 11000 Carcassonne"),
    ("12 b rue fictive jules sauzede", "12 bis Rue Fictive Jules Sauzède 11000 Carcassonne"),
])
def test_offline_abbreviations(offline, query, label):
    assert offline.search(query, limit=1)[0].label == label


def test_offline_no_match_says_so(offline):
    assert offline.search("rue inexistante des lilas") == []
    assert offline.search("   ") == []


def test_offline_reverse(offline):
    lon, lat = fixture_point("Place Fictive Émile Zola", "2")
    assert offline.reverse(lon, lat + 0.00002).label == "2 Place Fictive Émile Zola 11000 Carcassonne"


# --- fallback ------------------------------------------------------------------------------

@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers: the remote service hangs."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture(params=[500, 429])
def failing_url(request):
    with serving(lambda path: (request.param, b"")) as url:
        yield url


@pytest.mark.slow
def test_a_hanging_service_falls_back_within_the_timeout(offline, silent_port):
    geocoder = FallbackGeocoder(AddokGeocoder(f"http://127.0.0.1:{silent_port}", commune="11069", timeout=2), offline)
    start = time.monotonic()
    result = geocoder.search("12 rue fictive jules sauzede", limit=1)[0]
    assert time.monotonic() - start < 3
    assert result.fallback and result.label.startswith("12 Rue Fictive Jules Sauzède")


def test_500_and_429_fall_back(offline, failing_url):
    geocoder = FallbackGeocoder(AddokGeocoder(failing_url, commune="11069", timeout=2), offline)
    start = time.monotonic()
    assert geocoder.search("25 bd fictif barbes", limit=1)[0].fallback
    assert time.monotonic() - start < 3


def test_no_service_and_no_index_says_how_to_enable_it(failing_url):
    with pytest.raises(GeocoderError, match="python -m geo address-index"):
        FallbackGeocoder(AddokGeocoder(failing_url, commune="11069"), None).search("12 rue fictive")


def test_malformed_answers_are_errors():
    def garbage(path: str) -> tuple[int, bytes]:
        return 200, b'{"features": [{"properties": {}}]}' if "search" in path else b"not json"

    with serving(garbage) as url:
        geocoder = AddokGeocoder(url, commune="11069")
        with pytest.raises(GeocoderError, match="réponse inattendue"):
            geocoder.search("x")
        with pytest.raises(GeocoderError, match="réponse illisible"):
            geocoder.reverse(2.3, 43.2)


def test_offline_setting_needs_the_index(monkeypatch, tmp_path):
    monkeypatch.setenv("GUP_GEOCODER", "offline")
    monkeypatch.setenv("GUP_DATA_DIR", str(tmp_path))
    with pytest.raises(GeocoderError, match="indisponible"):
        make_geocoder().search("12 rue")
    build_offline_index(FIXTURE, "11069", Path(tmp_path))
    assert make_geocoder().search("12 rue fictive jules sauzede")[0].fallback is False
