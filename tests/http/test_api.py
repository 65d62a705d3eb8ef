"""The JSON API, served by `python -m geo serve-api` on 127.0.0.1 and stopped after."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from geo import config
from tests.conftest import CITE
from tests.servers import running_api

FUZZER_SETTINGS = Path(__file__).parents[1] / "schemathesis.toml"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The real server on 127.0.0.1, waited for by time (see tests.servers), on a directory of its own: the fuzzer
    files problem reports through Open311."""
    database = tmp_path_factory.mktemp("api") / "annuaire.sqlite3"
    with running_api(GUP_DATABASE_URL=f"sqlite:///{database}", GUP_GEOCODER="offline") as url:
        yield url


def cli_json(*args: str):
    result = subprocess.run([sys.executable, "-m", "geo", *args], capture_output=True, text=True,
                            cwd=config.PROJECT_ROOT, check=True)
    return json.loads(result.stdout)


def test_locate_answers_like_the_command_line(api, dataset):
    inside = dataset.territory.quartier("QP011006").geometry.representative_point()
    params = {"lon": inside.x, "lat": inside.y, "at": "2026-11-24T21:00"}
    response = requests.get(f"{api}/v1/locate", params=params, headers={"Origin": "https://partenaire.example"},
                            timeout=10)
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"  # any site may read
    assert response.json() == cli_json("locate", "--lon", str(inside.x), "--lat", str(inside.y), "--json",
                                       "--at", "2026-11-24T21:00")


def test_locate_outside(api):
    answer = requests.get(f"{api}/v1/locate", params={"lon": CITE[0], "lat": CITE[1]}, timeout=10).json()
    assert answer["statut"] == "hors_quartier" and answer["structures"][0]["id"] == "cas-carcassonne"


@pytest.mark.parametrize(("params", "message"), [
    ({"lat": 43.2}, "lon : paramètre obligatoire manquant"),
    ({"lon": "abc", "lat": 43.2}, "lon : nombre attendu"),
    ({"lon": 200, "lat": 43.2}, "lon : valeur trop grande"),
    ({"lon": 2.3, "lat": -95}, "lat : valeur trop petite"),
    ({"lon": "nan", "lat": 43.2}, "lon : nombre fini attendu"),
    ({"lon": 2.3, "lat": 43.2, "at": "mardi"}, "Date et heure illisibles"),
    ({"lon": 2.3, "lat": 43.2, "at": ""}, "Date et heure illisibles : «  »"),
    ({"lon": 2.3, "lat": 43.2, "at": "0001-01-01T00:00:00+05:00"}, "Date et heure illisibles"),  # before year 1 in Paris
    ({"lon": 2.3, "lat": 43.2, "generation": "1999"}, "generation : valeur inconnue (attendu : 2015)"),
])
def test_bad_parameters_get_a_french_422(api, params, message):
    response = requests.get(f"{api}/v1/locate", params=params, timeout=10)
    assert response.status_code == 422 and message in response.json()["message"]


def test_quartiers_structures_and_coverage(api):
    quartiers = requests.get(f"{api}/v1/quartiers", timeout=10)
    assert quartiers.headers["content-type"].startswith("application/geo+json")
    assert len(quartiers.json()["features"]) == 5 and "ANCT" in quartiers.json()["metadata"]["sources"]
    structures = requests.get(f"{api}/v1/structures", timeout=10).json()
    assert [s["id"] for s in structures][:2] == ["cs-max-savy", "cs-montsarrat"] and structures[0]["quartiers"]
    coverage = requests.get(f"{api}/v1/coverage", timeout=10).json()
    assert coverage == cli_json("coverage", "--format", "json")


@pytest.mark.parametrize(("lon", "lat"), [(-180, -90), (0, -90), (180, 90)])
def test_the_poles_get_an_answer_without_a_distance(api, lon, lat):
    response = requests.get(f"{api}/v1/locate", params={"lon": lon, "lat": lat}, timeout=10)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["statut"] == "hors_commune" and answer["quartier_le_plus_proche"] is None
    assert answer["quartier_le_plus_proche_absent"].startswith("point hors de la France métropolitaine")


def test_at_with_its_own_offset_is_accepted(api):
    for at in ("2026-11-24T21:00", "2026-11-24T20:00:00Z", "2026-11-24T21:00:00.5+01:00"):
        response = requests.get(f"{api}/v1/locate", params={"lon": CITE[0], "lat": CITE[1], "at": at}, timeout=10)
        assert response.status_code == 200 and "disponibilite" in response.json()["structures"][0]


def test_every_route_accepts_a_served_generation(api):
    for route in ("/v1/quartiers", "/v1/structures", "/v1/coverage"):
        assert requests.get(f"{api}{route}", params={"generation": "2015"}, timeout=10).status_code == 200
        refused = requests.get(f"{api}{route}", params={"generation": "2030"}, timeout=10)
        assert refused.status_code == 422 and refused.json()["details"][0]["parametre"] == "generation"


def test_the_schema_documents_real_content_types_and_statuses(api):
    spec = requests.get(f"{api}/openapi.json", timeout=10).json()
    quartiers = spec["paths"]["/v1/quartiers"]["get"]["responses"]
    assert set(quartiers["200"]["content"]) == {"application/geo+json"}
    assert set(quartiers["422"]["content"]) == {"application/json"}
    at = next(p for p in spec["paths"]["/v1/locate"]["get"]["parameters"] if p["name"] == "at")
    assert at["schema"]["format"] == "date-time" and at["schema"]["examples"] == ["2026-11-24T21:00"]
    assert set(spec["paths"]["/healthz"]["get"]["responses"]) == {"200", "503"}
    for name, path in spec["paths"].items():
        if name.startswith("/v1/"):
            assert set(path["get"]["responses"]) == {"200", "422", "503"}
            for status in ("422", "503"):
                assert path["get"]["responses"][status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorBody"}


def test_an_independent_fuzzer_finds_nothing(api, tmp_path):
    """schemathesis, with every check, over every operation of the schema; a fixed, deterministic set of cases."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(FUZZER_SETTINGS), "run",
         f"{api}/openapi.json", "--checks", "all",
         "--max-examples", "150", "--generation-deterministic", "--workers", "1",
         "--no-color", "--report-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "9 passed" in result.stdout  # the coverage and fuzzing phases reached the nine operations


def test_read_only_and_documented(api):
    assert requests.post(f"{api}/v1/locate", timeout=10).status_code == 405
    spec = requests.get(f"{api}/openapi.json", timeout=10).json()
    assert set(spec["paths"]) == {"/v1/locate", "/v1/quartiers", "/v1/structures", "/v1/coverage", "/healthz",
                                  "/open311/v2/services.json", "/open311/v2/requests.json",
                                  "/open311/v2/requests/{request_id}.json"}


def test_the_documentation_is_served_by_the_service_itself(api):
    """Swagger UI at a pinned version from the service's own address: it works offline, and no CDN's script runs
    on the origin that also serves /gerer."""
    import re

    page = requests.get(f"{api}/docs", timeout=10).text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/docs/assets/") for s in sources), sources
    assert "cdn" not in page.lower() and "https://" not in page.replace("https://fastapi.tiangolo.com", "")
    for source in sources:
        asset = requests.get(f"{api}{source}", timeout=10)
        assert asset.status_code == 200 and len(asset.content) > 1000, source
