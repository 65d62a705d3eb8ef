"""A resident of Grazailles on a Tuesday evening: who is out tonight, and whom to tell about bulky waste."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import choose, screenshot

pytestmark = pytest.mark.browser


def choose_grazailles(phone):
    choose(phone, phone.get_by_test_id("stSelectbox").first, "Grazailles")
    phone.get_by_text("Vous êtes dans le quartier Grazailles.").wait_for(timeout=30_000)


def test_mediaction_is_out_tonight(phone):
    choose_grazailles(phone)
    heading = phone.get_by_text("Qui passe ce soir ?")
    heading.wait_for()
    heading.scroll_into_view_if_needed()
    tonight = phone.locator("ul.gup-tonight li", has_text="MEDIACTION").first
    assert "médiateurs présents" in tonight.inner_text()
    assert tonight.locator("a").get_attribute("href") == "tel:+33660489809"
    screenshot(phone, "resident-ce-soir-grazailles")


def test_bulky_waste_leads_to_covaldem(phone):
    choose_grazailles(phone)
    phone.get_by_text("Qui passe ce soir ?").wait_for()  # the answer is drawn: the page has stopped moving
    choose(phone, phone.get_by_test_id("stSelectbox").nth(1), "Propreté, abords des immeubles, parties communes, déchets")
    phone.get_by_text("Encombrants déposés").click()
    call = phone.get_by_role("link", name="Appeler COVALDEM 11 (déchets), 04 68 11 97 00")
    call.wait_for(timeout=30_000)
    call.scroll_into_view_if_needed()
    assert call.get_attribute("href") == "tel:+33468119700"
    screenshot(phone, "resident-encombrants-covaldem")
    assert phone.errors == []
