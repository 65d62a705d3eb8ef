"""A GUP problem reported on /simple with JavaScript off, on a phone: bulky waste at Grazailles reaches COVALDEM and
the Régie through the real SMTP server; the coordination resolves it, the resident is told, and their address is
erased 30 days after (a frozen clock)."""

from __future__ import annotations

import io
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from geo.db.schema import problem
from geo.mail.outbox import Mailer, Outbox
from geo.problems.rules import Status
from geo.problems.store import PhotoState, Problems
from geo.services import MESSAGES, problems_of
from tests.conftest import copy_data_dir
from tests.db.test_store import open_directory
from tests.e2e.conftest import choose, open_phone, running_app, screenshot
from tests.e2e.test_light_browser import page_of
from tests.problems.test_photos import phone_photo
from tests.smtp_server import Inbox, running_smtp

pytestmark = pytest.mark.browser
ADMIN, COVALDEM, REGIE, RESIDENT = ("coordination@agglo.example", "signalements@covaldem.example",
                                    "mediateurs@regie.example", "habitante@exemple.fr")


def waited(inbox: Inbox, address: str, subject_part: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [r.text for r in inbox.to(address) if subject_part in r.message["Subject"]]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"rien pour {address} : {[(r.recipients, r.message['Subject']) for r in inbox.received]}")


def directory_with_partners(folder: Path) -> tuple[Path, Problems]:
    """A data folder of its own, with the coordination and the two partners' reporting addresses."""
    data = copy_data_dir(folder / "data")
    directory = open_directory(f"sqlite:///{data / 'annuaire.sqlite3'}")
    directory.editing(MESSAGES).add_role(ADMIN, structure=None, by="installation")
    register = problems_of(directory)
    register.set_partner_address(ADMIN, "covaldem", COVALDEM, source="courriel de COVALDEM")
    register.set_partner_address(ADMIN, "regie-quartier", REGIE, source="appel à la Régie")
    return data, register


def test_bulky_waste_reported_without_javascript_is_routed_followed_and_forgotten(browser, tmp_path,
                                                                                  monkeypatch) -> None:
    data, register = directory_with_partners(tmp_path)
    with running_smtp() as smtp:
        env = {"GUP_DATA_DIR": str(data), "GUP_SMTP_URL": smtp.url, "GUP_GEOCODER": "offline"}
        with running_app(**env) as url:
            context, page = page_of(browser, javascript=False, viewport={"width": 360, "height": 780})
            page.goto(f"{url}/simple?quartier=QP011006", wait_until="domcontentloaded")
            page.get_by_text("Signaler ce problème à la GUP").click()
            page.get_by_label("Le problème").select_option("encombrants")
            page.get_by_label("Ce que vous voyez").fill("Matelas et frigo devant le bâtiment C")
            page.get_by_label("Votre courriel pour être prévenu").fill(RESIDENT)
            screenshot(page, "simple-signaler-un-probleme-360")
            page.get_by_role("button", name="Envoyer à la GUP").click()
            page.get_by_text("votre signalement n° 1 est reçu").wait_for(timeout=30_000)
            screenshot(page, "simple-probleme-recu-360")
            for partner in (COVALDEM, REGIE):
                assert "Matelas et frigo devant le bâtiment C" in waited(smtp.inbox, partner, "Problème signalé n° 1")
            assert RESIDENT not in waited(smtp.inbox, ADMIN, "Problème signalé n° 1")
            page.goto(f"{url}/simple/probleme/1", wait_until="domcontentloaded")
            assert "transmis" in page.inner_text("main") and RESIDENT not in page.content()
            context.close()

        monkeypatch.setenv("GUP_SMTP_URL", smtp.url)
        monkeypatch.setenv("GUP_NOW", "2026-12-08T10:00")
        register.advance(ADMIN, 1, Status.RESOLVED, note="Collecté mardi.")
        Outbox(register.store).deliver(Mailer.configured())
        assert "Collecté mardi." in waited(smtp.inbox, RESIDENT, "Votre signalement n° 1 : résolu")

    def kept() -> str | None:
        with register.store.reading() as conn:
            return conn.execute(select(problem.c.reporter_email).where(problem.c.id == 1)).scalar_one()

    monkeypatch.setenv("GUP_NOW", "2027-01-06T10:00")
    register.daily()
    assert kept() == RESIDENT
    monkeypatch.setenv("GUP_NOW", "2027-01-07T10:00")
    register.daily()
    assert kept() is None


def test_a_resident_reports_with_a_photo_kept_without_its_gps_until_published(browser, tmp_path) -> None:
    data, register = directory_with_partners(tmp_path)
    photo = tmp_path / "encombrants.jpg"
    photo.write_bytes(phone_photo())
    with running_smtp() as smtp, running_app(GUP_DATA_DIR=str(data), GUP_SMTP_URL=smtp.url) as url:
        context, page = open_phone(browser, f"{url}/?quartier=QP011006")
        choose(page, page.get_by_test_id("stSelectbox").filter(has_text="De quoi s'agit-il ?"),
               "Propreté, abords des immeubles, parties communes, déchets")
        page.get_by_text("Encombrants déposés").first.click()
        describe = page.get_by_label("Ce que vous voyez")
        for _ in range(3):  # a rerun landing as the expander opens closes it again: opened again, not a failure
            page.get_by_text("Signaler ce problème à la GUP").click()
            try:
                describe.wait_for(state="visible", timeout=5_000)
                break
            except PlaywrightTimeout:
                continue
        describe.fill("Matelas devant le bâtiment C")
        page.locator("input[type=file]").set_input_files(str(photo))
        page.get_by_text("encombrants.jpg").wait_for(timeout=30_000)
        page.get_by_role("button", name="Envoyer à la GUP").click()
        thanks = page.get_by_text("votre signalement n° 1 est reçu")
        thanks.wait_for(timeout=30_000)
        thanks.scroll_into_view_if_needed()
        assert page.get_by_label("Ce que vous voyez").input_value() == ""  # a second tap sends nothing twice
        screenshot(page, "habitant-probleme-avec-photo")
        context.close()
        for partner in (COVALDEM, REGIE):
            assert "Matelas devant le bâtiment C" in waited(smtp.inbox, partner, "Problème signalé n° 1")
        stored = register.photo(1, email=ADMIN)
        assert stored is not None
        kept = Image.open(io.BytesIO(stored))
        assert kept.format == "JPEG" and dict(kept.getexif()) == {} and b"Exif" not in stored
        assert urlopen_status(f"{url}/simple/probleme/1/photo.jpg") == 404  # private until published
        assert register.publish_photo(ADMIN, 1).photo is PhotoState.PUBLIC
        assert urlopen_status(f"{url}/simple/probleme/1/photo.jpg") == 200


def urlopen_status(address: str) -> int:
    try:
        with urllib.request.urlopen(address, timeout=30) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return refused.code
