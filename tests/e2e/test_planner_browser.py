"""A planner at a desk: the matrix, the map legend and the XLSX download."""

from __future__ import annotations

import openpyxl
import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.browser


def test_planner_sees_weak_spots_and_downloads_the_xlsx(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{app_url}/planification", wait_until="domcontentloaded")
    page.get_by_text("Points faibles").first.wait_for(timeout=60_000)
    page.get_by_text("Bastide-Pont-Vieux · Logement – santé – loisirs").first.wait_for()
    page.locator(".gup-legend").first.wait_for()
    page.wait_for_timeout(1500)
    screenshot(page, "planification")
    with page.expect_download() as download:
        page.get_by_role("button", name="Matrice (XLSX)").click()
    with open(download.value.path(), "rb") as xlsx:  # the temporary file has no extension
        book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["Matrice", "Détail", "Changements 2024", "Sources"]
    assert download.value.suggested_filename == "couverture.xlsx"
    changes = page.get_by_role("heading", name="Changements 2024")
    changes.scroll_into_view_if_needed()
    page.get_by_text("redessiné : 1 (Grazailles)").wait_for()
    page.wait_for_timeout(800)
    screenshot(page, "planification-changements-2024")
    assert errors == []
    context.close()
