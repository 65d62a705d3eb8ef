"""A territory of several communes on a 360 px phone: the Aude served by one process, Narbonne chosen on the
resident page and on /simple, in French and in Arabic (right to left)."""

from __future__ import annotations

import shutil

from geo import config
from geo.sources.build import build_data
from tests.conftest import committed_data
from tests.e2e.conftest import choose, running_app, screenshot

NARROW = {"width": 360, "height": 800}


def test_narbonne_is_chosen_on_both_pages_of_the_aude_s_deployment(browser, tmp_path, sources_dir):
    folder = committed_data(tmp_path / "aude")
    for name in ("gup_contacts.csv", "gup_themes.csv"):
        shutil.copy(config.data_dir() / name, folder / name)
    build_data(territory="11", data_dir=folder, sources_dir=sources_dir)
    with running_app(GUP_DATA_DIR=str(folder), GUP_TERRITOIRE="11", GUP_GEOCODER="offline") as url:
        context = browser.new_context(viewport=NARROW, is_mobile=True, has_touch=True, locale="fr-FR")
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("Votre commune").first.wait_for(timeout=60_000)
        choose(page, page.get_by_test_id("stSelectbox").first, "Narbonne")
        choose(page, page.get_by_test_id("stSelectbox").nth(1), "Narbonne Centre")
        page.get_by_text("Vous êtes dans le quartier Narbonne Centre.").wait_for(timeout=30_000)
        page.get_by_text("Aucune structure renseignée pour cette commune pour l'instant.").wait_for(timeout=30_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]  # no sideways scrolling
        screenshot(page, "territoire-habitant-narbonne")

        page.goto(f"{url}/simple?commune=11262&lang=ar", wait_until="domcontentloaded")
        assert page.get_attribute("html", "dir") == "rtl"
        options = page.locator("#quartier option").all_inner_texts()
        assert options[1:] == ["Narbonne Ouest", "Narbonne Centre", "Narbonne Est"]
        page.select_option("#quartier", "QP011008")
        page.locator("form").first.locator("button[type=submit]").click()
        page.wait_for_url("**quartier=QP011008**")
        assert "commune=11262" in page.url and page.locator(".gup-answer").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        screenshot(page, "territoire-simple-narbonne-ar")
        assert errors == []
        context.close()
