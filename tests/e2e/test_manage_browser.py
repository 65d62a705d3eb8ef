"""Signed-in editing in Chromium, through Streamlit's real st.login against a real OpenID Connect provider.

An admin adds an editor; the editor signs in, changes the phone and posts a closure, which the resident page shows
within seconds; the editor reaches no other structure; a coverage proposal waits for the admin's approval; a
resident's report is rate-limited on the sixth try, seen in the editor's queue and resolved; signing out ends it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from geo import config
from tests.conftest import copy_data_dir
from tests.e2e.conftest import PHONE, open_phone, running_app, screenshot
from tests.oidc_server import running_provider, verified, write_auth_secrets
from tests.servers import free_port

pytestmark = pytest.mark.browser
ADMIN, EVS, NOBODY = "coordination@agglo.example", "accueil@evs.example", "personne@example.org"
UNVERIFIED = "faux@example.org"
SHOWS_WITHIN = 5.0


@pytest.fixture(scope="module")
def signed_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gerer")
    data = copy_data_dir(folder / "data")
    for email in (ADMIN, UNVERIFIED):  # the unverified e-mail holds a role: the check itself must refuse it
        subprocess.run([sys.executable, "-m", "geo", "add-editor", email, "--admin", "--by", "installation"],
                       cwd=config.PROJECT_ROOT, check=True, env={**os.environ, "GUP_DATA_DIR": str(data)})
    with running_provider(verified(ADMIN), verified(EVS), verified(NOBODY),
                          {"sub": UNVERIFIED, "email": UNVERIFIED, "email_verified": False}) as issuer:
        port = free_port()
        secrets = write_auth_secrets(folder / "secrets.toml", public_url=f"http://127.0.0.1:{port}", issuer=issuer)
        with running_app(port=port, secrets=secrets, GUP_DATA_DIR=str(data)) as url:
            yield url


def sign_in(browser, url: str, email: str, viewport: dict[str, int] = PHONE):
    context = browser.new_context(viewport=viewport, is_mobile=True, has_touch=True, locale="fr-FR")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(f"{url}/gerer", wait_until="domcontentloaded")
    page.get_by_role("button", name="Se connecter").click(timeout=60_000)
    page.locator("input[name=sub]").fill(email, timeout=30_000)  # the provider's own form
    page.get_by_role("button", name="Authorize").click()
    page.get_by_text("Votre quartier").first.wait_for(timeout=60_000)  # Streamlit lands on the app's home page
    page.goto(f"{url}/gerer", wait_until="domcontentloaded")
    page.get_by_role("button", name="Se déconnecter").wait_for(timeout=60_000)
    return context, page


def sign_out(page, url: str) -> None:
    """Streamlit ends its session, then the provider's (its end-session form), and lands back on the app."""
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(lambda address: "end_session" in address or "/gerer" not in address, timeout=30_000)
    if "end_session" in page.url:  # the provider asks to confirm when it still holds an ID token for the app
        page.get_by_role("button", name="End session").click(timeout=30_000)
    page.get_by_text("Votre quartier").first.wait_for(timeout=60_000)
    page.goto(f"{url}/gerer", wait_until="domcontentloaded")
    page.get_by_role("button", name="Se connecter").wait_for(timeout=60_000)


def _opened(page, selectbox) -> None:
    """The selectbox's list open: opened again if a rerun closes it under the test (a field just filled is sent
    when the focus leaves it, and the page runs again as the list opens)."""
    for _ in range(3):
        selectbox.click()
        try:
            page.get_by_role("option").first.wait_for(timeout=5_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError("la liste ne s'ouvre pas")


def options_of(page, selectbox) -> list[str]:
    """The options a selectbox offers."""
    _opened(page, selectbox)
    names = [o.inner_text() for o in page.get_by_role("option").all()]
    page.keyboard.press("Escape")
    return names


def choose(page, selectbox, option: str) -> None:
    """An option chosen, and seen chosen: the whole gesture again if a rerun swallowed it."""
    for _ in range(3):
        _opened(page, selectbox)
        try:
            page.get_by_role("option", name=option).click(timeout=5_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        for _wait in range(50):  # what the box shows once the page has run again (5 s at most)
            if option in (selectbox.text_content() or "") + selectbox.locator("input").input_value():
                return
            page.wait_for_timeout(100)
    raise AssertionError(f"« {option} » ne se choisit pas")


def saved(page, message: str) -> None:
    page.get_by_text(message).first.wait_for(timeout=30_000)


def resident_card(browser, url: str, quartier: str):
    context, page = open_phone(browser, f"{url}/?quartier={quartier}")
    return context, page, page.locator("div.gup-structure", has_text="Espace de vie sociale Bastide-Pont-Vieux")


def test_sign_in_edit_propose_approve_report_and_sign_out(browser, signed_app):
    url = signed_app
    # The admin adds the structure's editor.
    context, admin = sign_in(browser, url, ADMIN)
    admin.get_by_label("Courriel de la personne").fill(EVS)
    roles = admin.get_by_test_id("stSelectbox").filter(has_text="Rôle")
    choose(admin, roles, "Espace de vie sociale Bastide-Pont-Vieux")
    admin.get_by_role("button", name="Ajouter").click()
    saved(admin, "Éditeur ajouté.")
    screenshot(admin, "gerer-admin-ajoute-un-editeur")
    sign_out(admin, url)
    context.close()

    # The editor is signed in while a resident reports a wrong number: five go through, the sixth is refused. A
    # report changes a queue, not the facts: the resident's page does not rerun for it (its thanks stay), and the
    # editor's open queue shows each one within seconds, without a touch.
    context, evs = sign_in(browser, url, EVS)
    assert "éditeur de structure" in evs.inner_text("body")
    r_context, resident, card = resident_card(browser, url, "QP011004")
    said = resident.locator(".st-key-signale-evs-bastide")
    for attempt in range(6):
        resident.locator(".st-key-signaler-evs-bastide").get_by_role("button", name="Signaler une erreur").click()
        form = resident.get_by_test_id("stPopoverBody").filter(visible=True)
        form.get_by_text("numéro faux").click()
        form.get_by_label("Précisions (facultatif)").fill(f"Ça sonne occupé ({attempt + 1})")
        form.get_by_role("button", name="Envoyer le signalement").click()
        said.get_by_text("Merci : votre signalement" if attempt < 5 else "réessayez dans une heure").wait_for(
            timeout=30_000)
        filed = time.monotonic()
        if attempt < 5:  # each report reaches the queue before the next is sent
            evs.get_by_text(f"Signalements des habitants ({attempt + 1})").wait_for(timeout=30_000)
        if attempt == 0:
            assert time.monotonic() - filed < SHOWS_WITHIN
            resident.wait_for_timeout(SHOWS_WITHIN * 1000)  # longer than an open page takes to follow a change
            assert said.get_by_text("Merci : votre signalement").is_visible()
        resident.keyboard.press("Escape")
    screenshot(resident, "signalement-limite-atteinte")
    evs.wait_for_timeout(1000)
    assert evs.get_by_text("Signalements des habitants (5)").is_visible()  # the sixth was refused, not filed

    # The editor changes the phone and posts a closure.
    fiche = evs.get_by_test_id("stSelectbox").filter(has_text="Fiche à gérer")
    assert options_of(evs, fiche) == ["Espace de vie sociale Bastide-Pont-Vieux"]
    evs.get_by_label("Téléphone").fill("04 68 71 03 92")
    evs.get_by_label("Source de l'information (obligatoire)").first.fill("appel du 24 novembre")
    evs.get_by_role("button", name="Enregistrer").first.click()
    start = time.monotonic()
    saved(evs, "Fiche enregistrée")
    evs.get_by_label("Message aux habitants").fill("Fermé pour inventaire")
    evs.get_by_role("button", name="Publier l'annonce").click()
    saved(evs, "Annonce publiée.")
    card.get_by_role("link", name="Appeler Espace de vie sociale Bastide-Pont-Vieux, 04 68 71 03 92").wait_for(
        timeout=30_000)
    card.get_by_text("Fermeture exceptionnelle du 24 novembre 2026 au 24 novembre 2026 — Fermé pour inventaire").wait_for(
        timeout=30_000)
    assert time.monotonic() - start < SHOWS_WITHIN + 10  # both changes, and the editor's own page turns, well inside
    screenshot(resident, "gerer-resident-voit-la-fermeture")

    # The editor resolves the reports, then proposes to cover Grazailles too: it waits for the admin.
    evs.get_by_label("Ce qui a été fait").first.fill("numéro corrigé")
    evs.get_by_role("button", name="Corrigé").first.click()
    evs.get_by_text("Signalements des habitants (4)").wait_for(timeout=30_000)
    quartiers = evs.get_by_test_id("stMultiSelect").filter(has_text="Quartiers couverts")
    quartiers.locator("input").click()
    evs.keyboard.type("Grazailles")  # typed, as a keyboard user would, then chosen with the arrow key
    evs.get_by_role("option", name="Grazailles").wait_for(timeout=10_000)
    evs.keyboard.press("ArrowDown")
    evs.keyboard.press("Enter")
    evs.keyboard.press("Escape")
    quartiers.get_by_text("Grazailles").wait_for(timeout=10_000)
    evs.get_by_label("Source de l'information (obligatoire)").last.fill("convention 2026")
    evs.get_by_role("button", name="Proposer").click()
    saved(evs, "Proposition envoyée à la coordination.")
    screenshot(evs, "gerer-editeur-propose")
    sign_out(evs, url)
    assert evs.errors == []
    context.close()

    g_context, grazailles, g_card = resident_card(browser, url, "QP011006")
    grazailles.wait_for_timeout(1500)
    assert g_card.count() == 0  # not before the admin approves

    context, admin = sign_in(browser, url, ADMIN)
    admin.get_by_text("Propositions en attente (1)").wait_for(timeout=30_000)
    screenshot(admin, "gerer-admin-file-d-attente")
    admin.get_by_role("button", name="Approuver").click()
    saved(admin, "Proposition approuvée.")
    g_card.first.wait_for(timeout=30_000)
    sign_out(admin, url)  # signed out for good: the page asks to sign in again
    assert "Fiche à gérer" not in admin.inner_text("body")
    for closing in (context, r_context, g_context):
        closing.close()


def test_a_person_without_a_role_sees_only_whom_to_ask(browser, signed_app):
    context, page = sign_in(browser, signed_app, NOBODY)
    page.get_by_text("Accès non attribué").wait_for(timeout=30_000)
    assert "frederic.fillaquier@carcassonne-agglo.fr" in page.inner_text("body")
    assert page.get_by_text("Fiche à gérer").count() == 0
    context.close()


def test_an_unverified_email_gets_no_access(browser, signed_app):
    context, page = sign_in(browser, signed_app, UNVERIFIED)
    page.get_by_text("Accès non attribué").wait_for(timeout=30_000)
    context.close()


def test_signed_out_visitors_see_no_editing_content(phone, app_url):
    phone.goto(f"{app_url}/gerer", wait_until="domcontentloaded")
    phone.get_by_text("La connexion n'est pas activée sur ce serveur").wait_for(timeout=60_000)
    assert phone.get_by_role("button", name="Se connecter").count() == 0
    assert "Fiche à gérer" not in phone.inner_text("body")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_editing_page_passes_axe_at_360_px(browser, signed_app, lang):
    from axe_playwright_python.sync_playwright import Axe

    from tests.e2e.test_access_browser import NARROW_PHONE, WCAG_AA, settle

    context, page = sign_in(browser, signed_app, ADMIN, viewport=NARROW_PHONE)
    page.goto(f"{signed_app}/gerer?lang={lang}", wait_until="domcontentloaded")
    settle(page)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [*WCAG_AA, "best-practice"]}})
    serious = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()
    screenshot(page, f"gerer-360-{lang}")
    context.close()


def test_a_fact_is_changed_with_the_keyboard_alone(browser, signed_app):
    context, page = sign_in(browser, signed_app, ADMIN)

    def tab_to(label: str) -> None:
        for _ in range(120):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.getAttribute('aria-label')") == label:
                return
        raise AssertionError(f"« {label} » jamais atteint au clavier")

    tab_to("Téléphone")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("04 68 71 14 31")
    tab_to("Source de l'information (obligatoire)")
    page.keyboard.type("appel du 24 novembre")
    page.keyboard.press("Enter")  # Enter in a form's field sends the form
    saved(page, "Fiche enregistrée")
    assert "04 68 71 14 31" in page.get_by_label("Téléphone").input_value()
    context.close()
