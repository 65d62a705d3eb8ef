"""The light page in Chromium with JavaScript off: choose a quartier, call, change the kind of help, read it in
Arabic; and axe at 360 px in French and Arabic, with the keyboard alone."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE, open_phone, screenshot
from tests.e2e.test_access_browser import NARROW_PHONE, WCAG_AA
from tests.servers import running_api

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def light_url():
    with running_api(GUP_NOW="2026-11-24T21:00") as url:
        yield url


def page_of(browser, *, javascript: bool, viewport: dict[str, int] = PHONE):
    context = browser.new_context(viewport=viewport, is_mobile=True, has_touch=True, locale="fr-FR",
                                  java_script_enabled=javascript)
    return context, context.new_page()


def test_the_whole_flow_without_javascript(browser, light_url):
    context, page = page_of(browser, javascript=False)
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(f"{light_url}/simple", wait_until="load")
    page.get_by_label("Votre quartier").select_option(label="Grazailles")
    page.get_by_role("button", name="Voir qui appeler").click()
    page.get_by_text("Vous êtes dans le quartier Grazailles.").wait_for(timeout=30_000)
    calls = page.locator("a.gup-call")
    assert calls.first.get_attribute("href") == "tel:+33468711432"
    screenshot(page, "legere-grazailles")
    page.get_by_role("link", name="Emploi").first.click()
    page.wait_for_url("**service=emploi**")
    assert 0 < calls.count() <= 4
    page.get_by_role("link", name="العربية").click()
    page.wait_for_url("**lang=ar**")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    assert calls.count() > 0
    screenshot(page, "legere-grazailles-ar")
    assert hosts == {light_url.split("/")[2]}  # nothing asked of anybody else
    context.close()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_axe_finds_nothing_serious_at_360_px(browser, light_url, lang):
    from axe_playwright_python.sync_playwright import Axe

    context, page = page_of(browser, javascript=True, viewport=NARROW_PHONE)  # axe itself is a script
    page.goto(f"{light_url}/simple?quartier=QP011006&theme=proprete&lang={lang}", wait_until="load")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [*WCAG_AA, "best-practice"]}})
    serious = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()
    width = page.evaluate("document.documentElement.scrollWidth")  # a phone widens its viewport to what overflows
    assert width <= NARROW_PHONE["width"], f"la page déborde : {width} px pour {NARROW_PHONE['width']} px"
    screenshot(page, f"legere-360-{lang}")
    context.close()


def test_the_keyboard_alone_reaches_a_call(browser, light_url):
    context, page = page_of(browser, javascript=False)
    page.goto(f"{light_url}/simple", wait_until="load")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "quartier":
            break
    page.keyboard.press("ArrowDown")  # the first quartier of the list
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.locator("a.gup-call").first.wait_for(timeout=30_000)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('gup-call')"):
            break
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith("tel:")
    context.close()


def test_the_faces_lead_to_each_other_on_one_address_with_the_residents_state(browser, app_url):
    """Under `make run` (geo serve): the full map → the light page on the same answer, a report sent from it
    without a script, and back to the full map on the same quartier."""
    context, page = open_phone(browser, f"{app_url}/?quartier=QP011006&service=emploi")
    page.get_by_role("link", name="Version légère pour petit réseau").click()
    page.wait_for_url("**/simple?quartier=QP011006&service=emploi")
    page.get_by_text("Vous êtes dans le quartier Grazailles.").wait_for(timeout=30_000)
    page.locator("details.signaler summary").first.click()
    page.get_by_label("numéro faux").first.check()
    page.get_by_label("Précisions (facultatif)").first.fill("Personne ne répond le mardi")
    page.get_by_role("button", name="Envoyer le signalement").first.click()
    page.get_by_text("Merci : votre signalement a été transmis").wait_for(timeout=30_000)
    screenshot(page, "legere-signalement-envoye")
    page.get_by_role("link", name="Retour à la page").click()
    page.get_by_role("link", name="Carte complète (plus lourde)").click()
    page.wait_for_url("**/?quartier=QP011006**")
    page.get_by_text("Grazailles").first.wait_for(timeout=60_000)
    assert page.errors == []
    context.close()
