"""Access for everybody: axe-core (WCAG 2.1 AA) on every page in French and Arabic, right to left, the
keyboard alone, thumbs (44 px targets), a 360 px wide phone, and the language switch."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import choose, screenshot

pytestmark = pytest.mark.browser

NARROW_PHONE = {"width": 360, "height": 780}
PAGES = {"resident": "?quartier=QP011006&", "planner": "planification?", "partners": "partenaires?",
         "structure": "structure?id=cs-max-savy&"}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def narrow(browser):
    context = browser.new_context(viewport=NARROW_PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def settle(page) -> None:
    """The script has run and nothing on the page is stale: what axe and the eye see is the answer."""
    page.wait_for_selector("[data-testid=stMainBlockContainer] h1", timeout=60_000)
    page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')"
                           " && !document.querySelector('[data-stale=true]')", timeout=60_000)
    page.wait_for_timeout(500)  # the language script and the last paint


def open_page(page, app_url: str, name: str, lang: str) -> None:
    page.goto(f"{app_url}/{PAGES[name]}lang={lang}", wait_until="domcontentloaded")
    settle(page)
    # The page's language script runs after its first paint: a loaded machine may not have run it yet at 500 ms.
    page.wait_for_function("lang => document.documentElement.lang === lang", arg=lang, timeout=30_000)


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious_and_nothing_scrolls_sideways(narrow, app_url, name, lang):
    from axe_playwright_python.sync_playwright import Axe

    open_page(narrow, app_url, name, lang)
    assert narrow.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        lang, "rtl" if lang == "ar" else "ltr"]
    results = Axe().run(narrow, options={"runOnly": {"type": "tag", "values": [*WCAG_AA, "best-practice"]}})
    serious = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()
    # Try to scroll the page and its main block sideways, both ways (right to left scrolls to negative values).
    moved = narrow.evaluate("""() => [document.scrollingElement, document.querySelector('[data-testid=stMain]')]
        .flatMap(e => [100, -100].map(x => { e.scrollLeft = x; const got = e.scrollLeft; e.scrollLeft = 0; return got; }))""")
    assert moved == [0, 0, 0, 0], f"défilement horizontal à 360 px : {moved}"
    assert narrow.errors == []


def test_the_arabic_answer_reads_from_the_right(narrow, app_url):
    open_page(narrow, app_url, "resident", "ar")
    narrow.get_by_text("أنت في حيّ Grazailles.").wait_for()
    main = narrow.locator("[data-testid=stMainBlockContainer]")
    assert main.evaluate("e => getComputedStyle(e).direction") == "rtl"
    call = answer_screenshots(narrow, "ar", "اتصل بـ Centre social Max Savy, 04 68 71 14 32")
    box = call.bounding_box()
    assert box["x"] + box["width"] > NARROW_PHONE["width"] - 40  # the button starts on the right-hand side
    # The number is kept left to right inside the Arabic sentence: digits in their usual order.
    assert call.locator(".gup-number bdi").evaluate("e => getComputedStyle(e).direction") == "ltr"


def test_the_french_answer_at_360px(narrow, app_url):
    open_page(narrow, app_url, "resident", "fr")
    call = answer_screenshots(narrow, "fr", "Appeler Centre social Max Savy, 04 68 71 14 32")
    assert call.get_attribute("href") == "tel:+33468711432" and call.is_visible()


def answer_screenshots(page, lang: str, call_name: str):
    """The two pictures of the answer a person looks at: the top of the page, then the first call button."""
    screenshot(page, f"accessibilite-{lang}-360-haut")
    call = page.get_by_role("link", name=call_name)
    call.scroll_into_view_if_needed()
    screenshot(page, f"accessibilite-{lang}-360-reponse")
    return call


def test_language_switch_changes_the_page_and_the_link(narrow, app_url):
    open_page(narrow, app_url, "resident", "fr")
    switch = narrow.get_by_role("radiogroup", name="Langue · اللغة · Language · Idioma")
    assert switch.get_by_role("radio", name="العربية").evaluate("e => e.querySelector('p').lang") == "ar"
    switch.get_by_role("radio", name="English").click()
    narrow.get_by_role("heading", name="Who can help me near my home?").wait_for(timeout=30_000)
    settle(narrow)
    assert "lang=en" in narrow.url and "quartier=QP011006" in narrow.url  # a shared link keeps the language
    assert narrow.evaluate("document.documentElement.lang") == "en"
    narrow.get_by_text("You are in the Grazailles neighbourhood.").wait_for()
    switch.get_by_role("radio", name="Français").click()
    narrow.get_by_role("heading", name="Qui peut m'aider près de chez moi ?").wait_for(timeout=30_000)
    settle(narrow)
    assert "lang=" not in narrow.url
    # Back to French, the document says so (Streamlit's own default is "en": only this way can the check fail).
    narrow.wait_for_function("() => document.documentElement.lang === 'fr'", timeout=30_000)


def test_resident_flow_with_the_keyboard_alone(browser, app_url):
    """Tab to the quartier list, type, Enter, then Tab on to a call link: no mouse, no touch."""
    context = browser.new_context(viewport={"width": 1000, "height": 900}, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(app_url, wait_until="domcontentloaded")
        settle(page)
        focused_label = """() => { const e = document.activeElement;
            const box = e && e.closest('[data-testid=stSelectbox]'); return box ? box.innerText : ''; }"""
        for _ in range(40):
            page.keyboard.press("Tab")
            if "Votre quartier" in page.evaluate(focused_label):
                break
        else:
            raise AssertionError("la liste des quartiers n'est pas atteignable au clavier")
        page.keyboard.type("Grazai")
        page.keyboard.press("Enter")
        page.get_by_text("Vous êtes dans le quartier Grazailles.").wait_for(timeout=30_000)
        settle(page)
        for _ in range(80):
            page.keyboard.press("Tab")
            href = page.evaluate("document.activeElement && document.activeElement.getAttribute('href')")
            if href and href.startswith("tel:"):
                break
        else:
            raise AssertionError("aucun lien d'appel atteignable au clavier après le choix du quartier")
        assert href == "tel:+33468711432"  # the first structure of the answer, Centre social Max Savy
        assert page.evaluate("document.activeElement.matches(':focus-visible')")
        assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"  # it can be seen
    finally:
        context.close()


def test_every_control_of_the_resident_page_is_big_enough_for_a_thumb(narrow, app_url):
    open_page(narrow, app_url, "resident", "fr")
    # The GUP panel's theme, so that its radio items are measured too.
    choose(narrow, narrow.locator("[data-testid=stSelectbox]").nth(1),
           "Propreté, abords des immeubles, parties communes, déchets")
    narrow.get_by_text("Encombrants déposés").wait_for(timeout=30_000)
    settle(narrow)
    small = narrow.evaluate("""() => [...document.querySelectorAll(
          '[data-testid=stMainBlockContainer] a[href^="tel:"], [data-testid=stMainBlockContainer] a[href^="sms:"],'
        + '[data-testid=stMainBlockContainer] button, [data-testid=stRadio] label, [role=combobox], summary')]
        .filter(e => e.offsetParent !== null)
        .map(e => [e.innerText.trim().slice(0, 40), Math.round(e.getBoundingClientRect().height),
                   Math.round(e.getBoundingClientRect().width)])
        .filter(([, h, w]) => h < 44 || w < 44)""")
    assert small == [], "\n".join(map(str, small))


def test_read_aloud_hands_the_answer_to_the_phones_voice(browser, app_url):
    """The browser's speech synthesis is replaced by a recorder in every frame: the test hears what it is given."""
    context = browser.new_context(viewport=NARROW_PHONE, is_mobile=True, has_touch=True)
    context.add_init_script("""window.speechSynthesis.speak = u => { window.top.spoken = [u.text, u.lang]; };""")
    page = context.new_page()
    try:
        open_page(page, app_url, "resident", "ar")
        page.get_by_role("button", name="🔊 القراءة بصوت عالٍ").click()
        page.wait_for_function("window.spoken !== undefined", timeout=30_000)
        text, lang = page.evaluate("window.spoken")
        assert lang == "ar" and text.startswith("أنت في حيّ Grazailles.")
        assert "Centre social Max Savy." in text and "الهاتف: 04 68 71 14 32." in text
    finally:
        context.close()
