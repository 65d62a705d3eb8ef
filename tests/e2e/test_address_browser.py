"""A resident types the first letters of an address, picks a suggestion, and gets their quartier."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.addok_server import addok_server, missing_tools
from tests.e2e.conftest import open_phone, running_app, screenshot
from tests.real_parts import missing

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def address_app(tmp_path_factory):
    why = missing_tools()
    if why:
        missing(why)
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


def test_the_position_button_does_not_move_under_a_finger(browser, app_url):
    """The address box draws itself a moment after the page: its place is kept, so a tap aimed at the button a
    resident already sees cannot land in the address box instead (this made a test here fail under load)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    held = []  # the address box's own files, held back as a slow network would, then let through
    page.route("**/component/streamlit_searchbox.searchbox/**", lambda route: held.append(route))
    page.goto(app_url)
    button = page.get_by_role("button", name="📍 Utiliser ma position")
    button.wait_for()
    page.wait_for_timeout(500)  # the page has drawn everything but the box
    first = button.bounding_box()
    assert held, "the address box's files were not held back: the test would prove nothing"
    for route in held:
        route.continue_()
    page.unroute("**/component/streamlit_searchbox.searchbox/**")  # later files go straight through
    page.frame_locator("iframe[title='streamlit_searchbox.searchbox']").locator("input").wait_for()
    settled = button.bounding_box()
    assert first and settled and abs(settled["y"] - first["y"]) < 2, (first, settled)
    context.close()
