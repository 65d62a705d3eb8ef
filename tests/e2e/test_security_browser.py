"""No script from data, and no request to a third party but the map tiles."""

from __future__ import annotations

import pytest

from tests.conftest import copy_data_dir
from tests.e2e.conftest import choose, open_phone, running_app, screenshot

pytestmark = pytest.mark.browser
EVIL_NAME = "<img src=x onerror=alert(1)>"
EVIL_TEXT = "<script>alert(2)</script>"


@pytest.fixture(scope="module")
def evil_url(tmp_path_factory):
    data = copy_data_dir(tmp_path_factory.mktemp("evil") / "data")
    structures = (data / "structures.csv").read_text(encoding="utf-8")
    structures = structures.replace("Centre social Max Savy", f'"{EVIL_NAME}"', 1)
    structures = structures.replace("Accueil, écoute et soutien", EVIL_TEXT, 1)
    (data / "structures.csv").write_text(structures, encoding="utf-8")
    quartiers = (data / "quartiers.geojson").read_text(encoding="utf-8")
    (data / "quartiers.geojson").write_text(quartiers.replace('"nom_local":"Grazailles"',
                                                              '"nom_local":"<b onmouseover=alert(3)>Graz</b>"'))
    with running_app(GUP_DATA_DIR=str(data)) as url:
        yield url


def test_data_shows_as_text_and_no_dialog_fires(browser, evil_url):
    context, page = open_phone(browser, evil_url)
    choose(page, page.get_by_test_id("stSelectbox").first, "<b onmouseover=alert(3)>Graz</b>")
    page.get_by_role("heading", name=EVIL_NAME).wait_for(timeout=30_000)  # the card's title, shown as text
    choose(page, page.get_by_test_id("stSelectbox").first, "Bastide-Pont-Vieux")
    page.locator(".gup-structure p", has_text=EVIL_TEXT).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    screenshot(page, "securite-texte-echappe")
    assert page.dialogs == [] and page.locator("img[src=x]").count() == 0
    context.close()


def test_the_resident_page_asks_nothing_of_third_parties(phone):
    choose(phone, phone.get_by_test_id("stSelectbox").first, "Grazailles")
    phone.get_by_text("Vous êtes dans le quartier Grazailles.").wait_for(timeout=30_000)
    phone.wait_for_timeout(1500)
    assert phone.hosts <= {"127.0.0.1", "tile.openstreetmap.org"}, phone.hosts
