"""E-mail through the running service, with a real SMTP server on 127.0.0.1: `geo serve`'s outbox_sender sends what the
pages cause, the admin sees the outbox on /gerer, a message's link opens the report it is about, and each person
chooses what they receive."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from geo import config
from geo.mail.rules import Preferences, ReportDelivery
from geo.services import MESSAGES, problems_of
from tests.conftest import copy_data_dir
from tests.db.test_store import open_directory
from tests.e2e.conftest import choose, running_app, screenshot
from tests.e2e.test_manage_browser import saved, sign_in
from tests.oidc_server import running_provider, verified, write_auth_secrets
from tests.servers import free_port, post_from
from tests.smtp_server import Inbox, running_smtp

pytestmark = pytest.mark.browser
ADMIN, EVS = "coordination@agglo.example", "accueil@evs.example"
ARRIVES_WITHIN = 10.0


def idle(page) -> None:
    """Streamlit has finished running the page: no status widget, nothing stale."""
    page.wait_for_function("!document.querySelector('[data-testid=stStatusWidget]')"
                           " && !document.querySelector('[data-stale=true]')", timeout=60_000)


def arrived(inbox: Inbox, address: str, subject_part: str) -> str:
    """The text of the first message to `address` whose subject has `subject_part`, waited for."""
    deadline = time.monotonic() + ARRIVES_WITHIN
    while time.monotonic() < deadline:
        for received in inbox.to(address):
            if subject_part in received.message["Subject"]:
                return received.text
        time.sleep(0.2)
    raise AssertionError(f"aucun courriel « {subject_part} » pour {address} : "
                         f"{[(r.recipients, r.message['Subject']) for r in inbox.received]}")


def test_the_service_mails_what_the_pages_cause_and_the_link_opens_it(browser, tmp_path) -> None:
    data = copy_data_dir(tmp_path / "data")
    with running_smtp() as smtp, running_provider(verified(ADMIN)) as issuer:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {"GUP_DATA_DIR": str(data), "GUP_SMTP_URL": smtp.url, "GUP_PUBLIC_URL": url,
               "GUP_MAIL_FROM": "Carte de la médiation <annuaire@agglo.example>"}
        subprocess.run([sys.executable, "-m", "geo", "add-editor", ADMIN, "--admin", "--by", "installation"],
                       cwd=config.PROJECT_ROOT, check=True, env={**os.environ, **env})
        assert "gérer l'annuaire" in smtp.inbox.to(ADMIN)[0].message["Subject"]  # the command sent it at once
        secrets = write_auth_secrets(tmp_path / "secrets.toml", public_url=url, issuer=issuer)
        with running_app(port=port, secrets=secrets, **env):
            context, admin = sign_in(browser, url, ADMIN)
            admin.get_by_text("Courriels de l'annuaire").wait_for(timeout=30_000)  # the last section, drawn last
            body = admin.inner_text("body")
            assert "Courriels de l'annuaire" in body and f"Courriels envoyés par {smtp.url}" in body
            admin.get_by_text("Courriels de l'annuaire").scroll_into_view_if_needed()
            screenshot(admin, "gerer-courriels-envoyes")

            # A role given on the page: its invitation goes from the server's outbox_sender, without anybody waiting.
            admin.get_by_label("Courriel de la personne").fill(EVS)
            choose(admin, admin.get_by_test_id("stSelectbox").filter(has_text="Rôle"),
                   "Espace de vie sociale Bastide-Pont-Vieux")
            admin.get_by_role("button", name="Ajouter").click()
            saved(admin, "Éditeur ajouté.")
            assert f"{url}/gerer" in arrived(smtp.inbox, EVS, "Vous pouvez maintenant gérer la fiche")

            # A resident's report on the light page reaches the structure's editor and the admin.
            status, _ = post_from("127.0.0.2", f"{url}/simple/signaler",
                                  {"structure": "evs-bastide", "motif": "numero_faux", "texte": "Sonne dans le vide."})
            assert status == 200
            text = arrived(smtp.inbox, ADMIN, "Signalement n°")
            assert "Sonne dans le vide." in arrived(smtp.inbox, EVS, "Signalement n°")
            link = re.search(rf"{re.escape(url)}/gerer\?signalement=\d+", text)
            assert link is not None

            # The link opens that report, and the listing it is about.
            admin.goto(link.group(0), wait_until="domcontentloaded")
            admin.get_by_text("ouvert, traitez-le dans la liste ci-dessous").wait_for(timeout=60_000)
            expect(admin.get_by_role("combobox", name="Fiche à gérer")).to_have_value(
                "Espace de vie sociale Bastide-Pont-Vieux", timeout=30_000)
            screenshot(admin, "gerer-lien-d-un-courriel")

            # Each person's choice, from the settings link every message ends with.
            admin.goto(f"{url}/gerer?reglages=courriels", wait_until="domcontentloaded")
            admin.get_by_text("Un résumé par jour").click(timeout=60_000)
            admin.get_by_role("button", name="Enregistrer mes choix").click()
            saved(admin, "Vos choix de courriels sont enregistrés.")
            screenshot(admin, "gerer-mes-courriels")

            # A partner's reporting address, then a problem filed through Open311: the partner receives it, and
            # the coordination moves it on from its queue.
            admin.goto(f"{url}/gerer", wait_until="domcontentloaded")
            form = admin.get_by_test_id("stForm").filter(has_text="Courriel de signalement")
            choose(admin, form.get_by_test_id("stSelectbox"), "COVALDEM 11 (déchets)")
            form.get_by_label("Courriel de signalement").fill("signalements@covaldem.example")
            form.get_by_label("Source de l'information (obligatoire)").fill("courriel de COVALDEM")
            admin.get_by_role("button", name="Enregistrer l'adresse").click()
            saved(admin, "Adresse enregistrée.")
            status, answer = post_from("127.0.0.3", f"{url}/open311/v2/requests.json",
                                       {"service_code": "encombrants", "lat": "43.22668", "long": "2.356639",
                                        "description": "Matelas devant le bâtiment C"})
            assert status == 201, answer
            assert "Matelas devant le bâtiment C" in arrived(smtp.inbox, "signalements@covaldem.example",
                                                             "Problème signalé n°")
            admin.reload(wait_until="domcontentloaded")
            admin.get_by_text("Problèmes signalés dans les quartiers (1)").wait_for(timeout=60_000)
            admin.get_by_label("Note publique").fill("Collecte prévue jeudi.")
            admin.get_by_role("button", name="Enregistrer l'état").click()
            saved(admin, "État enregistré.")
            admin.get_by_text("Problèmes signalés dans les quartiers (1)").scroll_into_view_if_needed()
            screenshot(admin, "gerer-problemes")
            walk_through(admin, data)
            with urllib.request.urlopen(f"{url}/open311/v2/requests/1.json", timeout=30) as followed:
                [public] = json.loads(followed.read())
            assert (public["status"], public["status_notes"]) == ("open", "Collecte prévue jeudi.")
            context.close()
    chosen = open_directory(f"sqlite:///{data / 'annuaire.sqlite3'}").editing(MESSAGES).preferences(ADMIN)
    assert chosen == Preferences(reports=ReportDelivery.DAILY, reminders=True)


def walk_through(admin, data) -> None:
    """A « diagnostic en marchant »: the admin taps the map in Grazailles, adds a tag, and the walk counts it."""
    admin.get_by_text("Diagnostic en marchant").click()  # the toggle
    iframe = admin.locator("iframe[src*='streamlit_folium']")
    iframe.wait_for(timeout=30_000)
    frame = iframe.element_handle().content_frame()
    frame.wait_for_function("window.map && window.map.getContainer().querySelector('.leaflet-interactive')",
                            timeout=30_000)
    iframe.scroll_into_view_if_needed()
    inside = open_directory(f"sqlite:///{data / 'annuaire.sqlite3'}").dataset().territory.quartier(
        "QP011006").geometry.representative_point()
    x, y = frame.evaluate(
        """([lat, lon]) => { const p = window.map.latLngToContainerPoint([lat, lon]);
             const r = window.map.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }""",
        [inside.y, inside.x])
    box = iframe.bounding_box()
    admin.touchscreen.tap(box["x"] + x, box["y"] + y)
    idle(admin)  # the tap's rerun ends before the form is filled: a click during it can be lost on a loaded machine
    walk = admin.locator(".st-key-diagnostic")
    choose(admin, walk.get_by_test_id("stSelectbox"), "Tags ou graffitis")
    walk.get_by_label("Ce que vous voyez").fill("Tag sur le transformateur")
    walk.get_by_role("button", name="Ajouter au diagnostic").click()
    saved(admin, "Ajouté au diagnostic.")
    admin.get_by_text("Ce diagnostic : 1 problème(s), n° 2.").wait_for(timeout=30_000)
    screenshot(admin, "gerer-diagnostic-en-marchant")
    register = problems_of(open_directory(f"sqlite:///{data / 'annuaire.sqlite3'}"))
    walked = register.shown(2)
    assert walked.quartier == "QP011006" and walked.precise and walked.category == "tags"
    assert register.events(2, public_only=False)[0].author == ADMIN
