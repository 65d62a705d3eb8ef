"""A resident types the first letters of an address, picks a suggestion, and gets their quartier."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.addok_server import addok_server, missing_tools
from tests.e2e.conftest import open_phone, running_app, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def address_app(tmp_path_factory):
    why = missing_tools()
    if why:
        pytest.skip(why)
    with addok_server(tmp_path_factory.mktemp("addok")) as addok, running_app(GUP_GEOCODER="addok",
                                                                             GUP_ADDOK_URL=addok) as url:
        yield url


def test_typing_an_address_shows_suggestions_and_the_answer(browser, address_app):
    context, page = open_phone(browser, address_app)
    search = page.frame_locator("iframe[title*='searchbox']").locator("input")
    search.click()
    search.press_sequentially("12 rue fictive jul", delay=60)
    suggestion = page.frame_locator("iframe[title*='searchbox']").get_by_text(
        "12 Rue Fictive Jules Sauzède 11000 Carcassonne").first
    suggestion.wait_for(timeout=30_000)
    screenshot(page, "resident-adresse-suggestions")
    suggestion.click()
    page.get_by_text("Vous êtes dans le quartier La Conte-Ozanam-Sainte-Marie.").wait_for(timeout=30_000)
    page.get_by_text("Adresse choisie : 12 Rue Fictive Jules Sauzède 11000 Carcassonne").wait_for()
    expect(page.locator("div.gup-structure a.gup-call")).to_have_count(5)  # the cards come just after the sentence
    screenshot(page, "resident-adresse-reponse")
    assert page.errors == []
    context.close()


def test_use_my_position(browser, app_url, dataset):
    inside = dataset.territory.quartier("QP011006").geometry.representative_point()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  geolocation={"longitude": inside.x, "latitude": inside.y}, permissions=["geolocation"])
    page = context.new_page()
    page.goto(app_url)
    page.get_by_role("button", name="📍 Utiliser ma position").click()
    page.get_by_text("Vous êtes dans le quartier Grazailles.").wait_for(timeout=30_000)
    context.close()


def test_refused_position_says_what_to_do(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, permissions=[])
    page = context.new_page()
    page.goto(app_url)
    page.get_by_role("button", name="📍 Utiliser ma position").click()
    page.get_by_text("Votre position n'est pas disponible").wait_for(timeout=30_000)
    context.close()
