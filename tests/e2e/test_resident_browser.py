"""A resident on a phone: choose a quartier or tap the map, and reach a tel: link."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import choose, screenshot

pytestmark = pytest.mark.browser

GRAZAILLES_TELS = ["tel:+33468711432", "tel:+33468472271", "tel:+33660489809", "tel:+33468777399"]


def tel_links(page, expected: int = 1) -> list[str]:
    """The call buttons of the structure cards (not the emergency numbers below them), once the page has drawn
    `expected` of them (cards are streamed one by one: a slow machine may be read half-way)."""
    buttons = page.locator("div.gup-structure a.gup-call")
    buttons.nth(expected - 1).wait_for(timeout=30_000)
    return [a.get_attribute("href") for a in buttons.all()]


def test_choose_a_quartier_in_the_list(phone):
    choose(phone, phone.get_by_test_id("stSelectbox").first, "Grazailles")
    phone.get_by_text("Vous êtes dans le quartier Grazailles.").wait_for(timeout=30_000)
    assert tel_links(phone, len(GRAZAILLES_TELS)) == GRAZAILLES_TELS
    assert phone.locator(".gup-generation").count() == 0  # chosen in the list: no contour answered
    call = phone.get_by_role("link", name="Appeler Centre social Max Savy, 04 68 71 14 32")
    box = call.bounding_box()
    assert box["height"] >= 44  # a thumb can hit it
    call.scroll_into_view_if_needed()
    screenshot(phone, "resident-liste-grazailles")
    assert phone.errors == []


def test_tap_inside_grazailles_on_the_map(phone, dataset):
    iframe = phone.locator("iframe[src*='streamlit_folium']")
    iframe.wait_for(timeout=30_000)
    frame = iframe.element_handle().content_frame()
    frame.wait_for_function("window.map && window.map.getContainer().querySelector('.leaflet-interactive')",
                            timeout=30_000)
    inside = dataset.territory.quartier("QP011006").geometry.representative_point()
    x, y = frame.evaluate(
        """([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);
             const r = window.map.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }""",
        [inside.y, inside.x])
    box = iframe.bounding_box()
    phone.touchscreen.tap(box["x"] + x, box["y"] + y)
    phone.get_by_text("Vous êtes dans le quartier Grazailles.").wait_for(timeout=30_000)
    assert tel_links(phone, len(GRAZAILLES_TELS)) == GRAZAILLES_TELS
    warning = phone.locator(".gup-answer .gup-generation")
    assert warning.is_visible() and "Grazailles a été redessiné en 2024 (QN01106M)" in warning.inner_text()
    screenshot(phone, "resident-carte-grazailles")
    phone.locator("div.gup-structure a.gup-call").first.scroll_into_view_if_needed()
    screenshot(phone, "resident-carte-grazailles-reponse")
    assert phone.errors == []
