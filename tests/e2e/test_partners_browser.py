"""A partner pastes the snippet into a plain HTML page and sees the map of one quartier with its structures."""

from __future__ import annotations

import pytest

from geo.render.links import embed_snippet
from tests.e2e.conftest import screenshot
from tests.http_stub import serving

pytestmark = pytest.mark.browser


@pytest.fixture
def partner_site(app_url, tmp_path):
    snippet = embed_snippet(app_url, quartier="QP011006", quartier_nom="Grazailles", service=None, height=700, dark=False)
    (tmp_path / "index.html").write_text(f"<!doctype html><html lang='fr'><head><meta charset='utf-8'>"
                                         f"<title>Centre social</title></head><body><h1>Notre quartier</h1>{snippet}"
                                         f"</body></html>", encoding="utf-8")

    with serving(directory=str(tmp_path)) as url:
        yield f"{url}/index.html"


def test_the_snippet_shows_the_map_and_the_structures(browser, partner_site):
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(partner_site)
    app = page.frame_locator("iframe[title='Carte de la médiation — Grazailles']")
    app.get_by_text("Vous êtes dans le quartier Grazailles.").wait_for(timeout=60_000)
    app.frame_locator("iframe[src*='streamlit_folium']").locator("path.leaflet-interactive:not([d='M0 0'])").first.wait_for(
        timeout=30_000)
    assert app.locator("div.gup-structure a.gup-call").count() == 4
    page.wait_for_timeout(1000)
    screenshot(page, "partenaire-iframe")
    page.close()


def test_partner_page(browser, app_url):
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    page.goto(f"{app_url}/partenaires")
    page.get_by_text("Intégrer la carte dans votre site").wait_for(timeout=60_000)
    snippet = page.locator("code", has_text="<iframe").first
    snippet.wait_for(timeout=30_000)
    code = snippet.inner_text()
    assert 'title="' in code and 'loading="lazy"' in code and f"{app_url}/?" in code.replace("&amp;", "&")
    page.wait_for_timeout(2500)
    screenshot(page, "partenaires")
    page.close()


def test_upload_a_file_and_download_the_result(browser, app_url, tmp_path):
    source = tmp_path / "liste.csv"
    source.write_bytes("nom;longitude;latitude\nJosé;2,35664;43,22668\n".encode("cp1252"))
    page = browser.new_page(viewport={"width": 1100, "height": 1400}, accept_downloads=True)
    page.goto(f"{app_url}/partenaires")
    page.locator("input[type=file]").set_input_files(str(source))
    page.get_by_text("1 lignes traitées (dans_quartier : 1).").wait_for(timeout=60_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger liste-quartiers.csv").click()
    with open(download.value.path(), encoding="utf-8-sig") as result:
        text = result.read()
    assert text.splitlines()[1].startswith("José;2,35664;43,22668;QP011006;Grazailles;dans_quartier")
    page.close()
