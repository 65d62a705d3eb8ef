"""No script from data, and no request to a third party but the map tiles."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys

import pytest

from geo import config
from tests.conftest import copy_data_dir
from tests.e2e.conftest import PHONE, choose, open_phone, running_app, screenshot
from tests.oidc_server import write_auth_secrets
from tests.servers import free_port

pytestmark = pytest.mark.browser
EVIL_NAME = "<img src=x onerror=alert(1)>"
EVIL_TEXT = "<script>alert(2)</script>"
FORGER = "coordination@agglo.example"


@pytest.fixture(scope="module")
def evil_url(tmp_path_factory):
    data = copy_data_dir(tmp_path_factory.mktemp("evil") / "data")
    structures = (data / "structures.csv").read_text(encoding="utf-8")
    structures = structures.replace("Centre social Max Savy", f'"{EVIL_NAME}"', 1)
    structures = structures.replace("Accueil, écoute et soutien", EVIL_TEXT, 1)
    (data / "structures.csv").write_text(structures, encoding="utf-8")
    quartiers = (data / "quartiers.geojson").read_text(encoding="utf-8")
    (data / "quartiers.geojson").write_text(quartiers.replace('"nom_local":"Grazailles"',
                                                              '"nom_local":"<b onmouseover=alert(3)>Graz</b>"'))
    with running_app(GUP_DATA_DIR=str(data)) as url:
        yield url


def test_data_shows_as_text_and_no_dialog_fires(browser, evil_url):
    context, page = open_phone(browser, evil_url)
    choose(page, page.get_by_test_id("stSelectbox").first, "<b onmouseover=alert(3)>Graz</b>")
    page.get_by_role("heading", name=EVIL_NAME).wait_for(timeout=30_000)  # the card's title, shown as text
    choose(page, page.get_by_test_id("stSelectbox").first, "Bastide-Pont-Vieux")
    page.locator(".gup-structure p", has_text=EVIL_TEXT).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    screenshot(page, "securite-texte-echappe")
    assert page.dialogs == [] and page.locator("img[src=x]").count() == 0
    context.close()


def test_the_resident_page_asks_nothing_of_third_parties(phone):
    choose(phone, phone.get_by_test_id("stSelectbox").first, "Grazailles")
    phone.get_by_text("Vous êtes dans le quartier Grazailles.").wait_for(timeout=30_000)
    phone.wait_for_timeout(1500)
    assert phone.hosts <= {"127.0.0.1", "tile.openstreetmap.org"}, phone.hosts


def forged_admin_cookie(secret: str, origin: str) -> dict[str, str]:
    """The cookie st.login would set for the coordinator, signed by someone who only knows `secret`."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    claims = {"iss": "https://faux.example", "sub": FORGER, "email": FORGER, "email_verified": True,
              "origin": origin, "is_logged_in": True, "provider": "default"}
    value = create_signed_value(secret, "_streamlit_user", json.dumps(claims)).decode("utf-8")
    return {"name": "_streamlit_user", "value": value, "url": origin}


@pytest.mark.parametrize("published", [False, True])
def test_a_cookie_signed_with_a_published_secret_opens_nothing(browser, tmp_path, published):
    """With a secret only the server knows, whoever holds it can sign a cookie (the forgery is real); with the
    README's old example, the server refuses sign-in at start-up and on /gerer, and reads no cookie."""
    data = copy_data_dir(tmp_path / "data")
    subprocess.run([sys.executable, "-m", "geo", "add-editor", FORGER, "--admin", "--by", "installation"],
                   cwd=config.PROJECT_ROOT, check=True, env={**os.environ, "GUP_DATA_DIR": str(data)},
                   capture_output=True)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    secret = "une longue chaîne aléatoire" if published else secrets.token_urlsafe(48)
    auth = write_auth_secrets(tmp_path / "secrets.toml", public_url=origin, issuer="http://127.0.0.1:9",
                              cookie_secret=secret)
    log = tmp_path / "serveur.log"
    with running_app(port=port, secrets=auth, log_path=str(log), GUP_DATA_DIR=str(data)):
        context = browser.new_context(viewport=PHONE, is_mobile=True, locale="fr-FR")
        context.add_cookies([forged_admin_cookie(secret, origin)])
        page = context.new_page()
        page.goto(f"{origin}/gerer", wait_until="domcontentloaded")
        if published:
            page.get_by_text("Connexion désactivée : cookie_secret est un exemple publié").wait_for(timeout=60_000)
            page.wait_for_timeout(1000)
            assert "Fiche à gérer" not in page.inner_text("body") and page.get_by_text("Se connecter").count() == 0
            screenshot(page, "securite-secret-publie-refuse")
        else:
            page.get_by_text("Fiche à gérer").first.wait_for(timeout=60_000)
        context.close()
    said = log.read_text(encoding="utf-8")
    assert ("Connexion désactivée : cookie_secret est un exemple publié" in said) is published
