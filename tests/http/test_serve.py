"""`python -m geo serve`: every face on one address, whom it believes, and what it says when a part fails."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import requests

from geo import config
from geo.db.store import schema_head
from geo.errors import InputError
from geo.http.server import API_PREFIXES, trusted_proxies, uvicorn_options
from tests.conftest import copy_data_dir
from tests.servers import post_from, running_api, running_service

pytestmark = pytest.mark.server  # every test here starts geo serve or serve-api

REPORT = {"structure": "evs-bastide", "motif": "numero_faux", "texte": "Ça sonne occupé", "quartier": "QP011004"}
THANKS = "Merci : votre signalement a été transmis"


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> str:
    data = copy_data_dir(tmp_path_factory.mktemp("serve") / "data")
    with running_service(GUP_DATA_DIR=str(data)) as url:
        yield url


@pytest.mark.parametrize("path", ["/", "/planification", "/gerer", "/_stcore/health", "/simple?quartier=QP011006",
                                  "/simple/style.css", "/v1/locate?lon=2.35664&lat=43.22668", "/v1/quartiers",
                                  "/docs", "/openapi.json", "/healthz", "/app/static/leaflet/leaflet.js"])
def test_every_face_answers_on_the_one_address(service: str, path: str) -> None:
    assert requests.get(f"{service}{path}", timeout=30).status_code == 200


def test_the_pages_and_the_api_are_told_apart_by_their_prefix(service: str) -> None:
    page = requests.get(f"{service}/planification", timeout=30).text
    assert '<div id="root">' in page  # Streamlit's own index: its pages are routed in the browser
    assert requests.get(f"{service}/v1/locate?lon=2.35664&lat=43.22668", timeout=30).json()["quartier"]["code"] == \
        "QP011006"
    assert requests.get(f"{service}/simpletons", timeout=30).text == page  # a prefix only counts as a whole segment


def test_the_light_page_links_to_the_full_map_with_the_residents_state(service: str) -> None:
    html = requests.get(f"{service}/simple", params={"quartier": "QP011006", "service": "emploi", "lang": "es"},
                        timeout=30).text
    full_map = re.search(r'<footer><p><a href="([^"]+)"', html)
    assert full_map and full_map.group(1) == "/?quartier=QP011006&amp;service=emploi&amp;lang=es"
    assert requests.get(f"{service}{full_map.group(1).replace('&amp;', '&')}", timeout=30).status_code == 200
    point = requests.get(f"{service}/simple", params={"lon": "2.35664", "lat": "43.22668"}, timeout=30).text
    assert 'href="/?lon=2.356640&amp;lat=43.226680"' in point


def test_health_says_what_the_server_answers_from(service: str) -> None:
    health = requests.get(f"{service}/healthz", timeout=30)
    assert health.headers["Cache-Control"] == "no-store"
    body = health.json()
    assert body["statut"] == "ok" and body["donnees"]["commune"] == "11069" and "2015" in body["donnees"]["generations"]
    assert body["donnees"]["territoire"] == {"codes": "11069", "nom": "Carcassonne", "communes": ["11069"]}
    assert body["schema"] == schema_head() and isinstance(body["revision"], int)


def test_the_light_report_is_limited_per_client_address_and_a_forged_header_changes_nothing(service: str) -> None:
    """No proxy is trusted: X-Forwarded-For is the client's own word, and does not make another client of it."""
    answers = [post_from("127.0.0.2", f"{service}/simple/signaler", REPORT,
                         {"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(6)]
    assert [status for status, _ in answers] == [200] * 5 + [429]
    assert THANKS in answers[0][1]
    assert "réessayez dans une heure" in answers[5][1] and 'lang="fr"' in answers[5][1]
    assert post_from("127.0.0.3", f"{service}/simple/signaler", REPORT)[0] == 200  # another resident is not blocked


def test_a_bad_report_is_refused_in_french_and_the_page_leads_back(service: str) -> None:
    status, page = post_from("127.0.0.4", f"{service}/simple/signaler", {**REPORT, "texte": "x" * 501, "lang": "en"})
    assert status == 422 and "dépasse 500 caractères (501)" in page
    assert 'href="/simple?quartier=QP011004&amp;lang=en"' in page
    status, page = post_from("127.0.0.4", f"{service}/simple/signaler", {**REPORT, "motif": "spam"})
    assert status == 422 and "Motif de signalement inconnu" in page


def test_the_answer_page_offers_the_report_form_under_each_card(service: str) -> None:
    html = requests.get(f"{service}/simple", params={"quartier": "QP011004"}, timeout=30).text
    assert html.count('<form method="post" action="/simple/signaler">') == html.count('class="gup-structure"') > 0
    assert 'name="texte" maxlength="500"' in html and 'value="numero_faux" checked' in html


def test_a_broken_database_is_a_503_that_names_no_url_path_or_password(tmp_path) -> None:
    data = copy_data_dir(tmp_path / "data")
    url = "postgresql+psycopg://gup:mot-de-passe-secret@127.0.0.1:9/annuaire"  # port 9 (discard): nobody listens
    with running_api(GUP_DATA_DIR=str(data), GUP_DATABASE_URL=url) as api:
        answers = {path: requests.get(f"{api}{path}", timeout=60)
                   for path in ("/healthz", "/v1/locate?lon=2.35664&lat=43.22668", "/v1/structures",
                                "/simple?quartier=QP011006")}
        posted = post_from("127.0.0.5", f"{api}/simple/signaler", REPORT)
    for response in answers.values():
        assert response.status_code == 503
    for text in [*(r.text for r in answers.values()), posted[1]]:
        assert not any(secret in text for secret in ("mot-de-passe", "postgresql", "127.0.0.1:9", str(data)))
    assert answers["/healthz"].json() == {"statut": "en panne", "partie": "base de l'annuaire"}
    assert "base de l'annuaire en panne" in answers["/v1/locate?lon=2.35664&lat=43.22668"].json()["message"]
    assert "Service momentanément indisponible" in answers["/simple?quartier=QP011006"].text
    assert posted[0] == 503


def test_missing_quartiers_are_named_by_health_without_their_path(tmp_path) -> None:
    data = copy_data_dir(tmp_path / "data")
    (data / "quartiers.geojson").unlink()
    with running_api(GUP_DATA_DIR=str(data)) as api:
        health = requests.get(f"{api}/healthz", timeout=60)
        page = requests.get(f"{api}/simple", timeout=60)
    assert (health.status_code, health.json()) == (503, {"statut": "en panne", "partie": "données des quartiers"})
    assert page.status_code == 503 and str(data) not in page.text


def test_trusted_proxies_are_addresses_or_networks() -> None:
    assert trusted_proxies("") == []
    assert trusted_proxies("127.0.0.1, 10.0.0.0/8 ::1") == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    with pytest.raises(InputError, match=r"« 10\.0\.0\.300 » n.est ni une adresse IP ni un réseau"):
        trusted_proxies("10.0.0.300")


def test_no_proxy_is_believed_unless_named(monkeypatch) -> None:
    """uvicorn alone would believe X-Forwarded-For from 127.0.0.1 (its default): `serve` says whom, or nobody."""
    monkeypatch.delenv("GUP_TRUSTED_PROXIES", raising=False)
    assert uvicorn_options("127.0.0.1", 8501)["proxy_headers"] is False
    monkeypatch.setenv("GUP_TRUSTED_PROXIES", "127.0.0.1")
    options = uvicorn_options("127.0.0.1", 8501)
    assert options["proxy_headers"] is True and options["forwarded_allow_ips"] == "127.0.0.1/32"


def test_a_misspelt_proxy_stops_the_server_with_a_french_error() -> None:
    result = subprocess.run([sys.executable, "-m", "geo", "serve", "--port", "1"], capture_output=True, text=True,
                            env={**os.environ, "GUP_TRUSTED_PROXIES": "nginx.local"},
                            cwd=config.PROJECT_ROOT, timeout=60)
    assert result.returncode == 2 and "« nginx.local » n'est ni une adresse IP ni un réseau" in result.stderr


def test_the_api_prefixes_are_not_streamlit_ones() -> None:
    assert all(not p.startswith(("/_stcore", "/media", "/component", "/static", "/app")) for p in API_PREFIXES)
