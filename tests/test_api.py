"""The JSON API, served by `python -m geo serve-api` on 127.0.0.1 and stopped after."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from geo import config
from tests.conftest import CITE
from tests.servers import running_api


@pytest.fixture(scope="module")
def api():
    """The real server on 127.0.0.1, waited for by time (see tests.servers)."""
    with running_api() as url:
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


def test_read_only_and_documented(api):
    assert requests.post(f"{api}/v1/locate", timeout=10).status_code == 405
    spec = requests.get(f"{api}/openapi.json", timeout=10).json()
    assert set(spec["paths"]) == {"/v1/locate", "/v1/quartiers", "/v1/structures", "/v1/coverage"}
