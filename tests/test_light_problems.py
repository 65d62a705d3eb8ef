"""GUP problem reports on the light page, without a script: the form, « moi aussi » to the same problem close by, the
thanks with the link to follow it, a quartier's list, and the limit per address."""

from __future__ import annotations

import os

from fastapi.testclient import TestClient

from geo.render.mail import LETTERS
from tests import test_open311
from tests.test_open311 import filed
from tests.test_problems import GRAZAILLES
from tests.test_store import open_directory

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
    problems = open_directory(os.environ["GUP_DATABASE_URL"]).problems(LETTERS)
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
