"""The standalone map opened from disk in Chromium: it works without tiles, and data stays text."""

from __future__ import annotations

import dataclasses

import pytest

from geo.render.standalone import standalone_map_html
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.browser


def open_file(browser, path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.errors, page.console, page.dialogs = [], [], []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda m: page.console.append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.locator(".leaflet-interactive").first.wait_for(timeout=15_000)
    return page


def test_standalone_map_opens_and_its_popups_work(browser, dataset, tmp_path):
    path = tmp_path / "carte.html"
    path.write_text(standalone_map_html(dataset), encoding="utf-8")
    page = open_file(browser, path)
    assert page.locator(".leaflet-tooltip").count() == 5
    page.locator(".leaflet-tooltip", has_text="Grazailles").click(force=True)
    page.locator(".leaflet-interactive").nth(4).click(force=True)
    page.locator(".leaflet-popup-content").wait_for(timeout=5000)
    screenshot(page, "carte-autonome")
    assert page.errors == []
    assert all("tile.openstreetmap.org" in text or "ERR_NAME_NOT_RESOLVED" in text or "Failed to load resource" in text
               for text in page.console)
    page.close()


def test_standalone_escapes_data_in_the_browser(browser, dataset, tmp_path):
    evil = dataclasses.replace(dataset.structure("cs-max-savy"), nom="<img src=x onerror=alert(1)>")
    poisoned = dataclasses.replace(dataset, structures=(evil, *dataset.structures[1:]))
    path = tmp_path / "carte.html"
    path.write_text(standalone_map_html(poisoned), encoding="utf-8")
    page = open_file(browser, path)
    page.get_by_text("<img src=x onerror=alert(1)>", exact=False).first.wait_for()
    for i in range(5):
        page.locator(".leaflet-interactive").nth(i).click(force=True)
    page.wait_for_timeout(500)
    assert page.dialogs == [] and page.locator("img[src=x]").count() == 0
    page.close()
