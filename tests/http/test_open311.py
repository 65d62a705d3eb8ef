"""Open311 GeoReport v2 under /open311/v2/: every route, its filters and its errors, table-driven, against the real
directory store; no identity ever comes back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from geo.directory.permissions import AccessDenied
from geo.errors import InputError
from geo.http.api import create_app
from geo.limits import RateLimit
from geo.problems import rules as problem_rules
from geo.problems.keys import ApiKeys
from geo.problems.rules import Status
from geo.services import problems_of
from tests.db.test_store import open_directory, run_geo
from tests.mail.test_outbox import ADMIN, with_roles
from tests.problems.test_photos import phone_photo
from tests.problems.test_problems import BASTIDE, GRAZAILLES, OUT_OF_QUARTIERS, TOULOUSE

V2 = "/open311/v2"


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    monkeypatch.setenv("GUP_DATABASE_URL", url)
    monkeypatch.setenv("GUP_NOW", "2026-12-08T10:00")
    monkeypatch.delenv("GUP_SMTP_URL", raising=False)
    monkeypatch.delenv("GUP_PUBLIC_URL", raising=False)
    monkeypatch.setenv("GUP_GEOCODER", "addok")  # without GUP_ADDOK_URL: the address search is off, and says why
    monkeypatch.delenv("GUP_ADDOK_URL", raising=False)
    monkeypatch.setattr(problem_rules, "PROBLEMS_PER_ADDRESS", RateLimit(limit=10))
    monkeypatch.setattr(problem_rules, "PROBLEMS_PER_KEY", RateLimit(limit=500))
    with_roles(url)
    problems = problems_of(open_directory(url))
    problems.set_partner_address(ADMIN, "covaldem", "covaldem@exemple.fr", source="courriel de COVALDEM")
    problems.set_partner_address(ADMIN, "regie-quartier", "regie@exemple.fr", source="appel à la Régie")
    with TestClient(create_app()) as test_client:
        yield test_client


def post(client: TestClient, **form: Any) -> Any:
    return client.post(f"{V2}/requests.json", data={k: str(v) for k, v in form.items()})


def filed(client: TestClient, key: str, point: tuple[float, float], description: str = "", **form: Any) -> str:
    answer = post(client, service_code=key, long=point[0], lat=point[1], description=description, **form)
    assert answer.status_code == 201, answer.text
    return str(answer.json()[0]["service_request_id"])


def test_services_are_the_brochure_examples_grouped_by_theme(client: TestClient) -> None:
    services = client.get(f"{V2}/services.json", params={"jurisdiction_id": "11069"}).json()
    encombrants = next(s for s in services if s["service_code"] == "encombrants")
    assert encombrants == {"service_code": "encombrants", "service_name": "Encombrants déposés",
                           "description": encombrants["description"], "metadata": False, "type": "realtime",
                           "keywords": "proprete",
                           "group": "Propreté, abords des immeubles, parties communes, déchets"}
    assert len(services) == 19 and len({s["service_code"] for s in services}) == 19


@pytest.mark.parametrize(("form", "code", "said"), [
    ({"service_code": "inconnu", "lat": GRAZAILLES[1], "long": GRAZAILLES[0]}, 400, "Catégorie inconnue : « inconnu »"),
    ({"lat": GRAZAILLES[1], "long": GRAZAILLES[0]}, 400, "service_code : paramètre obligatoire manquant"),
    ({"service_code": "tags"}, 400, "Donnez un point (lat et long), une adresse ou le quartier"),
    ({"service_code": "tags", "lat": GRAZAILLES[1]}, 400, "lat et long vont ensemble"),
    ({"service_code": "tags", "address_string": "12 rue fictive"}, 400,
     "Recherche d'adresse indisponible (GUP_GEOCODER vaut « addok »"),
    ({"service_code": "tags", "lat": "nord", "long": "2.35"}, 400, "lat illisible : « nord »"),
    ({"service_code": "tags", "lat": TOULOUSE[1], "long": TOULOUSE[0]}, 400, "hors de Carcassonne"),
    ({"service_code": "tags", "lat": GRAZAILLES[1], "long": GRAZAILLES[0], "description": "x" * 1001}, 400,
     "dépasse 1000 caractères"),
    ({"service_code": "tags", "lat": GRAZAILLES[1], "long": GRAZAILLES[0], "email": "pas-une-adresse"}, 400,
     "Adresse électronique invalide"),
    ({"service_code": "tags", "lat": GRAZAILLES[1], "long": GRAZAILLES[0], "jurisdiction_id": "31555"}, 404,
     "Juridiction inconnue : « 31555 »"),
])
def test_a_bad_request_says_what_is_wrong_in_the_standard_shape(client: TestClient, form: dict[str, Any], code: int,
                                                                said: str) -> None:
    answer = post(client, **form)
    assert answer.status_code == code
    [error] = answer.json()
    assert error["code"] == code and said in error["description"]


def test_a_request_is_filed_and_read_back_without_anyone_s_identity(client: TestClient) -> None:
    request_id = filed(client, "encombrants", GRAZAILLES, "Frigo devant le C, appelez le 06 12 34 56 78",
                       email="habitante@exemple.fr")
    [shown] = client.get(f"{V2}/requests/{request_id}.json").json()
    assert shown["status"] == "open" and shown["service_code"] == "encombrants"
    assert shown["description"] == "Frigo devant le C, appelez le [numéro masqué]"
    assert shown["agency_responsible"] == "COVALDEM 11 (déchets), Médiateurs de la Régie de quartiers"
    assert shown["status_notes"] == "à COVALDEM 11 (déchets), Médiateurs de la Régie de quartiers"
    assert (shown["long"], shown["lat"]) == GRAZAILLES and shown["media_url"] is None
    assert shown["requested_datetime"] == "2026-12-08T10:00:00+01:00"
    assert "habitante" not in str(shown) and "email" not in shown
    common = filed(client, "parties-communes", OUT_OF_QUARTIERS, "Hall sale")
    [hidden_point] = client.get(f"{V2}/requests/{common}.json").json()
    assert hidden_point["lat"] is None and hidden_point["long"] is None
    assert hidden_point["agency_responsible"] == "coordination GUP"


@pytest.mark.parametrize(("path", "said"), [("/requests/999.json", "Signalement inconnu : n° 999"),
                                            ("/requests/abc.json", "Signalement inconnu : « abc »"),
                                            ("/requests/99999999999999999999.json", "Signalement inconnu : « 9999"),
                                            ("/requests/².json", "Signalement inconnu : « ² »"),
                                            ("/requests/١.json", "Signalement inconnu : « ١ »")])
def test_an_unknown_request_is_a_404(client: TestClient, path: str, said: str) -> None:
    answer = client.get(V2 + path)
    assert answer.status_code == 404 and said in answer.json()[0]["description"]


def test_requests_are_filtered_by_id_category_dates_and_status(client: TestClient,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    first = filed(client, "encombrants", GRAZAILLES)
    monkeypatch.setenv("GUP_NOW", "2026-12-10T10:00")
    second = filed(client, "tags", BASTIDE)
    third = filed(client, "eclairage-public", BASTIDE)
    problems = problems_of(open_directory(os.environ["GUP_DATABASE_URL"]))
    problems.advance(ADMIN, int(third), Status.RESOLVED, note="Ampoule changée.")

    def ids(**params: str) -> list[str]:
        answer = client.get(f"{V2}/requests.json", params=params)
        assert answer.status_code == 200, answer.text
        return [r["service_request_id"] for r in answer.json()]

    assert ids() == [third, second, first]
    assert ids(service_request_id=f"{first},{third}") == [third, first]
    assert ids(service_code="tags,encombrants") == [second, first]
    assert ids(start_date="2026-12-09T00:00:00+01:00") == [third, second]
    assert ids(end_date="2026-12-09T00:00:00Z") == [first]
    assert ids(status="closed") == [third] and ids(status="open") == [second, first]
    answer = client.get(f"{V2}/requests.json", params={"status": "ouvert"})
    assert answer.status_code == 400 and "status inconnu : ouvert" in answer.json()[0]["description"]
    answer = client.get(f"{V2}/requests.json", params={"start_date": "hier"})
    assert answer.status_code == 400 and "start_date illisible" in answer.json()[0]["description"]


def test_anonymous_posting_is_limited_per_address(client: TestClient) -> None:
    for _ in range(10):
        filed(client, "tags", BASTIDE)
    answer = post(client, service_code="tags", long=BASTIDE[0], lat=BASTIDE[1])
    assert answer.status_code == 429 and "réessayez dans une heure" in answer.json()[0]["description"]


def test_the_public_follow_page_of_the_e_mails_shows_no_identity(client: TestClient) -> None:
    request_id = filed(client, "parties-communes", OUT_OF_QUARTIERS, "Hall sale, écrire à moi@exemple.fr",
                       email="habitante@exemple.fr")
    page = client.get(f"/simple/probleme/{request_id}")
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert f"Problème signalé n° {request_id}" in page.text and "Parties communes sales ou abîmées" in page.text
    assert "Hall sale, écrire à [adresse masquée]" in page.text and "hors quartier" in page.text
    for secret in ("habitante@exemple.fr", "moi@exemple.fr", "43.2050", "2.353"):
        assert secret not in page.text
    english = client.get(f"/simple/probleme/{request_id}", params={"lang": "en"})
    assert "Reported problem no." in english.text and 'lang="en"' in english.text
    problems_of(open_directory(os.environ["GUP_DATABASE_URL"])).hide(ADMIN, int(request_id), reason="test")
    for missing in (request_id, "999", "abc"):
        gone = client.get(f"/simple/probleme/{missing}")
        assert gone.status_code == 404 and "plus public" in gone.text


def test_a_photo_is_public_only_once_published(client: TestClient) -> None:
    problems = problems_of(open_directory(os.environ["GUP_DATABASE_URL"]))
    filed_with_photo = problems.file("tags", *BASTIDE, "Tag sur le mur", photo=phone_photo())
    path = f"/simple/probleme/{filed_with_photo.id}"
    [before] = client.get(f"{V2}/requests/{filed_with_photo.id}.json").json()
    assert before["media_url"] is None and client.get(f"{path}/photo.jpg").status_code == 404
    assert "<img" not in client.get(path).text
    with pytest.raises(AccessDenied):
        problems.publish_photo("inconnu@exemple.fr", filed_with_photo.id)
    problems.publish_photo(ADMIN, filed_with_photo.id)
    [after] = client.get(f"{V2}/requests/{filed_with_photo.id}.json").json()
    assert after["media_url"] == f"http://localhost:8501{path}/photo.jpg"
    shown = client.get(f"{path}/photo.jpg")
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg" and b"Exif" not in shown.content
    assert f'<img src="{path}/photo.jpg"' in client.get(path).text
    problems.hide(ADMIN, filed_with_photo.id, reason="visage reconnaissable")
    assert client.get(f"{path}/photo.jpg").status_code == 404


def test_a_partner_application_s_key_has_its_own_higher_limit(client: TestClient) -> None:
    keys = ApiKeys(open_directory(os.environ["GUP_DATABASE_URL"]).store)
    key = keys.create("Tablette des médiateurs", by="Coordination GUP")
    assert keys.listed()[0].name == "Tablette des médiateurs" and key not in str(keys.listed())
    for _ in range(10):
        filed(client, "tags", BASTIDE)
    assert post(client, service_code="tags", long=BASTIDE[0], lat=BASTIDE[1]).status_code == 429
    assert post(client, service_code="tags", long=BASTIDE[0], lat=BASTIDE[1], api_key=key).status_code == 201
    refused = post(client, service_code="tags", long=BASTIDE[0], lat=BASTIDE[1], api_key="inventee")
    assert refused.status_code == 403 and "api_key inconnue" in refused.json()[0]["description"]
    with pytest.raises(InputError, match="Une clé existe déjà"):
        keys.create("Tablette des médiateurs", by="Coordination GUP")
    assert keys.revoke("Tablette des médiateurs")
    assert post(client, service_code="tags", long=BASTIDE[0], lat=BASTIDE[1], api_key=key).status_code == 403
    again = keys.create("Tablette des médiateurs", by="Coordination GUP")
    assert again != key and keys.holder(again) == "Tablette des médiateurs" and keys.holder(key) is None


@pytest.mark.slow
def test_keys_are_made_listed_and_revoked_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cles.sqlite3'}"
    made = run_geo(url, "add-api-key", "Appli du bailleur", "--by", "Coordination GUP")
    assert made.returncode == 0 and len(made.stdout.strip()) >= 32 and "n'est montrée qu'une fois" in made.stderr
    assert ApiKeys(open_directory(url).store).holder(made.stdout.strip()) == "Appli du bailleur"
    assert run_geo(url, "api-keys").stdout.startswith("Appli du bailleur : active, créée par Coordination GUP")
    assert "retirée" in run_geo(url, "revoke-api-key", "Appli du bailleur").stderr
    assert "Appli du bailleur : retirée" in run_geo(url, "api-keys").stdout
    assert made.stdout.strip() not in (tmp_path / "cles.sqlite3").read_bytes().decode("latin-1")


@pytest.mark.parametrize("params", [{"start_date": "0001-01-01T00:00:00+14:00"},
                                    {"end_date": "9999-12-31T23:59:59-14:00"},
                                    {"start_date": "0001-01-01T00:00:00+14:00", "end_date": "9999-12-31T23:59:59-14:00"}])
def test_dates_outside_what_a_calendar_holds_are_a_400(client: TestClient, params: dict[str, str]) -> None:
    filed(client, "tags", BASTIDE)
    answer = client.get(f"{V2}/requests.json", params=params)
    assert answer.status_code == 400 and "illisible" in answer.json()[0]["description"]


def test_a_post_sends_no_cors_header_and_a_browser_from_another_site_is_refused(client: TestClient) -> None:
    form = {"service_code": "tags", "long": str(BASTIDE[0]), "lat": str(BASTIDE[1])}
    evil = client.post(f"{V2}/requests.json", data=form, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403 and "autre site" in evil.json()[0]["description"]
    assert "access-control-allow-origin" not in evil.headers
    keys = ApiKeys(open_directory(os.environ["GUP_DATABASE_URL"]).store)
    key = keys.create("Application de quartier", by="Coordination GUP")
    with_key = client.post(f"{V2}/requests.json", data={**form, "api_key": key},
                           headers={"Origin": "https://appli.exemple.fr"})
    assert with_key.status_code == 201 and "access-control-allow-origin" not in with_key.headers
    read = client.get(f"{V2}/requests.json", headers={"Origin": "https://evil.example"})
    assert read.status_code == 200 and read.headers["access-control-allow-origin"] == "*"


def test_the_post_declares_its_required_field_and_bounds_its_texts(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"][f"{V2}/requests.json"]["post"]["requestBody"]
    schema_ref = body["content"]["application/x-www-form-urlencoded"]["schema"]["$ref"].rsplit("/", 1)[1]
    schema = spec["components"]["schemas"][schema_ref]
    assert "service_code" in schema["required"]
    assert schema["properties"]["address_string"]["maxLength"] == 200
    long = post(client, service_code="tags", address_string="x" * 1_000_000)
    assert long.status_code == 400 and "address_string : 200 caractères au plus" in long.json()[0]["description"]
    assert len(long.text) < 2000  # the million characters are not sent back
