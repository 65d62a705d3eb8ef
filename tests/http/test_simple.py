"""The light page `/simple`, served by `python -m geo serve-api`: the resident's answer as plain HTML."""

from __future__ import annotations

import re

import pytest
import requests

from tests.conftest import copy_data_dir
from tests.servers import running_api

GRAZAILLES_TELS = ["tel:+33468711432", "tel:+33468472271", "tel:+33660489809", "tel:+33468777399"]


@pytest.fixture(scope="module")
def light():
    with running_api(GUP_NOW="2026-11-24T21:00") as url:
        yield url


def get(url: str, **params: str) -> requests.Response:
    response = requests.get(f"{url}/simple", params=params, timeout=30)
    assert response.status_code == 200
    return response


def tel_links(html: str) -> list[str]:
    return re.findall(r'<a class="gup-call" href="(tel:[^"]+)"', html)


def test_a_quartier_gets_the_same_structures_as_the_main_page(light):
    html = get(light, quartier="QP011006").text
    assert tel_links(html) == GRAZAILLES_TELS
    assert "Vous êtes dans le quartier Grazailles." in html
    assert 'id="ce-soir"' in html and "MEDIACTION" in html  # who is there tonight (frozen Tuesday, 21 h)
    assert 'href="tel:17"' in html and 'href="tel:112"' in html  # the emergency numbers


@pytest.mark.parametrize(("lon", "lat"), [("-180", "-90"), ("0", "-90"), ("180", "90")])
def test_the_poles_get_an_answer(light, lon, lat):
    assert "hors de la commune de Carcassonne" in get(light, lon=lon, lat=lat).text


def test_a_kind_of_help_narrows_the_cards_and_each_kind_is_a_link(light):
    html = get(light, quartier="QP011006", service="logement-sante-loisirs").text
    assert set(tel_links(html)) < set(GRAZAILLES_TELS) and tel_links(html)
    assert 'href="/simple?quartier=QP011006&amp;service=emploi"' in html
    assert 'aria-current="true">Logement' in html or re.search(r'aria-current="true">[^<]*[Ll]ogement', html)


def test_arabic_reads_right_to_left_and_keeps_the_link_language(light):
    html = get(light, quartier="QP011006", lang="ar").text
    assert '<html lang="ar" dir="rtl">' in html
    assert "من يمكنه مساعدتي" in html or "مساعدتي" in html
    assert tel_links(html) == GRAZAILLES_TELS
    assert 'href="/simple?quartier=QP011006&amp;service=emploi&amp;lang=ar"' in html


def test_bad_parameters_are_ignored_with_a_discreet_notice(light):
    html = get(light, quartier="QP999999", service="rien", foo="1", theme="nulle-part", lang="xx").text
    notice = re.search(r'<p class="ignore">([^<]*)</p>', html)
    assert notice, html[:2000]
    for words in ("paramètre inconnu « foo »", "quartier inconnu « QP999999 »", "type d&#39;aide inconnu « rien »",
                  "thème inconnu « nulle-part »"):
        assert words in notice[1]
    assert '<html lang="fr" dir="ltr">' in html and tel_links(html) == []


def test_a_street_problem_gets_its_contacts(light):
    html = get(light, quartier="QP011006", theme="proprete").text
    assert "COVALDEM" in html and 'href="tel:+33468119700"' in html


def test_no_script_no_third_party_strict_csp_and_caching(light):
    response = get(light, quartier="QP011006")
    html = response.text
    assert "<script" not in html and not re.search(r"<[^>]+\son\w+=", html)
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "style-src 'self'" in csp
    assert response.headers["Cache-Control"] == "public, max-age=60" and response.headers["ETag"]
    again = requests.get(f"{light}/simple", params={"quartier": "QP011006"}, timeout=30,
                         headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    style = requests.get(f"{light}/simple/style.css", timeout=30)
    assert style.status_code == 200 and ".gup-call" in style.text and "max-age=86400" in style.headers["Cache-Control"]


def test_the_answer_page_is_light(light):
    response = requests.get(f"{light}/simple", params={"quartier": "QP011006"}, timeout=30,
                            headers={"Accept-Encoding": "gzip"}, stream=True)
    compressed = len(response.raw.read())
    style = requests.get(f"{light}/simple/style.css", timeout=30, headers={"Accept-Encoding": "gzip"}, stream=True)
    total = compressed + len(style.raw.read())
    assert response.headers["Content-Encoding"] == "gzip"
    assert total < 30 * 1024, f"{total} octets compressés"


@pytest.mark.slow
def test_data_texts_are_escaped(tmp_path):
    data = copy_data_dir(tmp_path / "data")
    structures = (data / "structures.csv").read_text(encoding="utf-8")
    (data / "structures.csv").write_text(structures.replace("Centre social Max Savy", '"<img src=x onerror=alert(1)>"', 1),
                                         encoding="utf-8")
    with running_api(GUP_DATA_DIR=str(data)) as url:
        html = get(url, quartier="QP011006").text
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_page_is_rendered_once_per_minute_and_dataset(locator, monkeypatch):
    """400 residents at once mostly ask for the same quartiers: the page is rendered once, and again only when the
    minute (who is open now) or the directory changed."""
    from datetime import datetime, timedelta

    from geo import config
    from geo.http import simple as light
    from geo.problems.contacts import load_panel
    from geo.territory.hours import PARIS
    from geo.territory.locate import Locator

    renders: list[datetime] = []
    real = light.page_html
    monkeypatch.setattr(light, "page_html", lambda *a, at, **k: renders.append(at) or real(*a, at=at, **k))
    pages, panel = light.RenderedPages(), load_panel(config.data_dir(), locator.dataset)
    at = datetime(2026, 11, 24, 21, 0, 5, tzinfo=PARIS)
    first = pages.page({"quartier": "QP011006"}, locator, panel, at)
    assert pages.page({"quartier": "QP011006"}, locator, panel, at + timedelta(seconds=40)) == first
    assert len(renders) == 1 and renders[0] == at.replace(second=0)
    pages.page({"quartier": "QP011006"}, locator, panel, at + timedelta(minutes=1))
    pages.page({"quartier": "QP011006"}, Locator(locator.dataset.__class__(**vars(locator.dataset))), panel,
               at + timedelta(minutes=1))
    assert len(renders) == 3
