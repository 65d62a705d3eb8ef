"""The open resident page follows the directory: a change made from the command line shows within 5 seconds."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from geo import config
from tests.conftest import copy_data_dir
from tests.e2e.conftest import TUESDAY_EVENING, open_phone, running_app, screenshot

pytestmark = pytest.mark.browser
SHOWS_WITHIN = 5.0  # seconds, from the committed change to the resident's screen


@pytest.fixture(scope="module")
def directory_app(tmp_path_factory):
    data = copy_data_dir(tmp_path_factory.mktemp("annuaire") / "data")
    with running_app(GUP_DATA_DIR=str(data)) as url:
        yield url, data


def geo(data, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "geo", *args], cwd=config.PROJECT_ROOT, check=True, timeout=120,
                   env={**os.environ, "GUP_DATA_DIR": str(data), "GUP_NOW": TUESDAY_EVENING})


def seconds_until_shown(page, locator) -> float:
    start = time.monotonic()
    locator.wait_for(timeout=30_000)
    return time.monotonic() - start


def test_a_new_phone_number_and_a_closure_reach_the_open_page(browser, directory_app):
    url, data = directory_app
    context, page = open_phone(browser, f"{url}/?quartier=QP011006")
    card = page.locator("div.gup-structure", has_text="Centre social Max Savy")
    card.get_by_role("link", name="Appeler Centre social Max Savy, 04 68 71 14 32").wait_for(timeout=30_000)
    assert "à vérifier : informations de la brochure" in card.inner_text()

    geo(data, "set-fact", "cs-max-savy", "telephone", "04 68 71 14 99", "--source", "appel du 24 novembre",
        "--by", "Coordinatrice GUP")
    took = seconds_until_shown(page, card.get_by_role("link", name="Appeler Centre social Max Savy, 04 68 71 14 99"))
    assert took < SHOWS_WITHIN, f"nouveau numéro affiché après {took:.1f} s"

    geo(data, "add-notice", "cs-max-savy", "--type", "fermeture", "--from", "2026-11-24", "--to", "2026-11-30",
        "--message", "Fermé pour travaux", "--by", "Coordinatrice GUP")
    notice = card.get_by_text("Fermeture exceptionnelle du 24 novembre 2026 au 30 novembre 2026 — Fermé pour travaux")
    took = seconds_until_shown(page, notice)
    assert took < SHOWS_WITHIN, f"fermeture affichée après {took:.1f} s"
    assert "fermé (fermeture exceptionnelle jusqu'au 30 novembre 2026)" in card.inner_text()
    card.scroll_into_view_if_needed()
    screenshot(page, "annuaire-fermeture-sur-la-fiche")
    assert page.errors == []
    context.close()
