"""GUP problem reports on the light page, without a script: the form, « moi aussi » to the same problem close by, the
thanks with the link to follow it, a quartier's list, and the limit per address."""

from __future__ import annotations

import os
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.services import problems_of
from tests.db.test_store import open_directory
from tests.http import test_open311
from tests.http.test_open311 import filed
from tests.mail.test_outbox import ADMIN
from tests.problems.test_problems import GRAZAILLES

client = test_open311.client  # the same fixture: a store of its own, partners' addresses, a fresh limit


def form(**values: str) -> dict[str, str]:
    return {"categorie": "encombrants", "quartier": "QP011006", "description": "", **values}


def test_the_page_offers_the_brochure_examples_and_the_quartier_s_list(client: TestClient) -> None:
    page = client.get("/simple", params={"quartier": "QP011006"}).text
    assert '<form method="post" action="/simple/probleme">' in page
    assert '<optgroup label="Propreté, abords des immeubles, parties communes, déchets">' in page
    assert '<option value="encombrants">Encombrants déposés</option>' in page
    assert 'href="/simple/problemes?quartier=QP011006"' in page


def test_a_report_by_quartier_is_received_and_its_place_never_shown(client: TestClient) -> None:
    answer = client.post("/simple/probleme", data=form(adresse="devant l'école", courriel="moi@exemple.fr",
                                                       description="Canapé abandonné"))
    assert answer.status_code == 200 and "votre signalement n° 1 est reçu" in answer.text
    assert "/simple/probleme/1" in answer.text
    [shown] = client.get("/open311/v2/requests/1.json").json()
    assert shown["lat"] is None and shown["long"] is None  # the quartier's point only stands for it
    listed = client.get("/simple/problemes", params={"quartier": "QP011006"}).text
    assert "Problèmes signalés : Grazailles" in listed and "n° 1 — Encombrants déposés" in listed
    assert "Canapé abandonné" in listed and "moi@exemple.fr" not in listed and "école" not in listed
    assert "Aucun problème signalé" in client.get("/simple/problemes", params={"quartier": "QP011004"}).text


def test_the_same_problem_close_by_is_offered_for_me_too(client: TestClient) -> None:
    first = filed(client, "encombrants", GRAZAILLES, "Matelas")
    close = form(lon=str(GRAZAILLES[0]), lat=str(GRAZAILLES[1] + 20 / 111_195), description="Un matelas")
    offered = client.post("/simple/probleme", data=close)
    assert offered.status_code == 200 and "Déjà signalé tout près" in offered.text
    assert f'action="/simple/probleme/{first}/moi-aussi"' in offered.text
    assert '<input type="hidden" name="confirme" value="1">' in offered.text
    assert '<input type="hidden" name="description" value="Un matelas">' in offered.text
    me_too = client.post(f"/simple/probleme/{first}/moi-aussi", data={"lang": ""})
    assert me_too.status_code == 200 and "vous êtes 2 habitants" in me_too.text
    anyway = client.post("/simple/probleme", data={**close, "confirme": "1"})
    assert "votre signalement n° 2 est reçu" in anyway.text
    problems = problems_of(open_directory(os.environ["GUP_DATABASE_URL"]))
    assert [p.supporters for p in problems.public()] == [1, 2]


def test_a_refusal_is_said_in_the_resident_s_language(client: TestClient) -> None:
    refused = client.post("/simple/probleme", data=form(quartier="", lang="en"))
    assert refused.status_code == 422 and 'lang="en"' in refused.text and "Où est le problème ?" in refused.text


def test_the_light_page_and_open311_share_one_limit(client: TestClient) -> None:
    for _ in range(10):
        assert client.post("/simple/probleme", data=form()).status_code == 200
    limited = client.post("/simple/probleme", data=form())
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3600"
    assert client.post("/open311/v2/requests.json", data={"service_code": "tags", "lat": "43.2", "long": "2.3"}
                       ).status_code == 429


def test_the_list_has_a_map_with_the_public_points_only(client: TestClient) -> None:
    filed(client, "encombrants", GRAZAILLES, "Matelas")
    client.post("/simple/probleme", data=form(categorie="tags"))  # placed by its quartier: no pin
    page = client.get("/simple/problemes", params={"quartier": "QP011006"}).text
    assert "<svg" in page and page.count("<circle") == 1
    assert "<title>n° 1 — Encombrants déposés : transmis</title>" in page


HOSTILE_IDS = ["99999999999999999999", "²", "١", "-1", "1e3", "%00", "1%20", "0x1"]


def test_hostile_report_numbers_are_unknown_reports_never_errors(client: TestClient) -> None:
    filed(client, "encombrants", GRAZAILLES, "Matelas")
    for number in HOSTILE_IDS:
        follow = client.get(f"/simple/probleme/{number}")
        assert follow.status_code == 404 and "existe pas, ou n" in follow.text, number
        assert client.get(f"/simple/probleme/{number}/photo.jpg").status_code == 404
        me_too = client.post(f"/simple/probleme/{number}/moi-aussi", data={"lang": "ar"})
        assert me_too.status_code == 404 and 'dir="rtl"' in me_too.text, number


def test_hidden_and_missing_reports_answer_alike_on_the_light_page(client: TestClient) -> None:
    number = int(filed(client, "encombrants", GRAZAILLES, "Matelas"))
    problems = problems_of(open_directory(os.environ["GUP_DATABASE_URL"]))
    problems.hide(ADMIN, number, reason="doublon")
    hidden, missing = (client.post(f"/simple/probleme/{n}/moi-aussi", data={}) for n in (number, number + 1))
    assert hidden.status_code == missing.status_code == 404 and hidden.text == missing.text


def test_an_unknown_quartier_is_said_not_a_server_error(client: TestClient) -> None:
    refused = client.post("/simple/probleme", data=form(quartier="QP999999"))
    assert refused.status_code == 422 and "Quartier inconnu : « QP999999 »" in refused.text


def test_a_hidden_point_is_never_revealed_by_the_nearby_check(client: TestClient) -> None:
    """Walking the map with invalid or valid forms near a common-areas report never names it."""
    hidden = filed(client, "parties-communes", GRAZAILLES, "Porte du hall cassée")
    near = {"categorie": "parties-communes", "lon": str(GRAZAILLES[0]), "lat": str(GRAZAILLES[1] + 10 / 111_195)}
    invalid = client.post("/simple/probleme", data={**near, "description": "x" * 1001})
    assert invalid.status_code == 422 and "dépasse 1000 caractères" in invalid.text
    assert f"n° {hidden}" not in invalid.text and "Déjà signalé" not in invalid.text
    valid = client.post("/simple/probleme", data={**near, "description": "Porte cassée"})
    assert valid.status_code == 200 and "Déjà signalé" not in valid.text and "est reçu" in valid.text


def test_me_too_counts_once_per_address(client: TestClient) -> None:
    number = filed(client, "encombrants", GRAZAILLES, "Matelas")
    answers = [client.post(f"/simple/probleme/{number}/moi-aussi", data={}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert "vous êtes 2 habitants" in answers[0].text and "déjà compté : vous êtes 2 habitants" in answers[2].text
    problems = problems_of(open_directory(os.environ["GUP_DATABASE_URL"]))
    assert problems.shown(int(number)).supporters == 2


def test_a_reload_of_a_form_s_address_shows_the_page_that_holds_it(client: TestClient) -> None:
    for path in ("/simple/probleme?quartier=QP011006&lang=es", "/simple/signaler?quartier=QP011006&lang=es"):
        reload = client.get(path, follow_redirects=False)
        assert reload.status_code == 303 and reload.headers["location"] == "/simple?quartier=QP011006&lang=es"
        assert client.get(path).status_code == 200
    number = filed(client, "encombrants", GRAZAILLES, "Matelas")
    again = client.get(f"/simple/probleme/{number}/moi-aussi", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == f"/simple/probleme/{number}"


CROSS_SITE = [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
              {"Origin": "null"}]


def test_posts_from_another_site_are_refused_with_a_french_page(client: TestClient) -> None:
    number = filed(client, "encombrants", GRAZAILLES, "Matelas")
    posts = [("/simple/probleme", form()), ("/simple/signaler", {"structure": "evs-bastide", "motif": "numero_faux"}),
             (f"/simple/probleme/{number}/moi-aussi", {})]
    for headers in CROSS_SITE:
        for path, data in posts:
            refused = client.post(path, data=data, headers=headers)
            assert refused.status_code == 403 and "envoyé depuis un autre site" in refused.text, (path, headers)
    problems = problems_of(open_directory(os.environ["GUP_DATABASE_URL"]))
    assert [p.supporters for p in problems.public()] == [1]  # nothing was counted or filed
    ours = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert client.post("/simple/probleme", data=form(), headers=ours).status_code == 200
    assert client.post("/simple/probleme", data=form(), headers={"Origin": "http://testserver"}).status_code == 200


def test_a_long_address_is_refused_with_its_limit(client: TestClient) -> None:
    refused = client.post("/simple/probleme", data=form(adresse="x" * 1_000_000))
    assert refused.status_code == 422 and "Adresse : 200 caractères au plus (1000000 reçus)" in refused.text


FORMS = {"/simple/probleme": ["categorie", "quartier", "adresse", "description", "courriel", "confirme", "lon", "lat",
                              "lang"],
         "/simple/signaler": ["structure", "motif", "texte", "quartier", "lang"],
         "/simple/probleme/1/moi-aussi": ["lang"]}
#: What a form of the light page may answer: a page (200), a way to the page (303), a cross-site refusal (403), an
#: unknown report (404), a refusal saying what is wrong (422), the limit (429). Never a 5xx.
ANSWERS = {200, 303, 403, 404, 422, 429}


@settings(max_examples=200, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(path=st.sampled_from(sorted(FORMS)), data=st.data())
@pytest.mark.slow
def test_any_form_post_gets_a_french_page_never_a_server_error(client: TestClient, path: str,
                                                              data: st.DataObject) -> None:
    hostile = st.one_of(st.text(max_size=40), st.sampled_from(
        ["QP011006", "encombrants", "parties-communes", "43.22668", "2.356639", "1e308", "nan", "-0", "²", "١٢",
         "x" * 300, "a@b.fr", "\u202e", "evs-bastide", "numero_faux", "ar", "1"]))
    form = data.draw(st.dictionaries(st.sampled_from(FORMS[path]), hostile, max_size=len(FORMS[path])))
    answer = client.post(path, data=form, follow_redirects=False)
    assert answer.status_code in ANSWERS, (answer.status_code, form, answer.text[:300])
    assert answer.headers["content-type"].startswith("text/html"), form


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(number=st.text(min_size=1, max_size=25).filter(lambda t: "/" not in t and t not in (".", "..")),
       page=st.sampled_from(["", "/photo.jpg", "/moi-aussi"]),
       params=st.dictionaries(st.sampled_from(["quartier", "lang", "lon", "lat", "service", "adresse"]),
                              st.text(max_size=30), max_size=3))
@pytest.mark.slow
def test_any_address_of_the_light_page_answers_never_a_server_error(client: TestClient, number: str, page: str,
                                                                    params: dict[str, str]) -> None:
    for url in (f"/simple/probleme/{quote(number, safe='')}{page}", "/simple", "/simple/problemes"):
        answer = client.get(url, params=params, follow_redirects=False)
        assert answer.status_code in {200, 303, 304, 404}, (url, params, answer.status_code)
