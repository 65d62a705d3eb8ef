"""Residents writing at once against `python -m geo serve`, on SQLite and on a real PostgreSQL, while the server's
outbox_sender sends their e-mail through a real SMTP server: every write waits its turn, none becomes a 503, and every
accepted post is counted exactly once."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from geo.services import MESSAGES, problems_of
from tests.conftest import copy_data_dir
from tests.db.test_store import open_directory
from tests.mail.test_outbox import ADMIN, with_roles
from tests.problems.test_problems import GRAZAILLES
from tests.servers import post_from, running_service
from tests.smtp_server import running_smtp

pytestmark = pytest.mark.server  # every test here starts geo serve or serve-api

THREADS, ME_TOO_EACH, REPORTS = 8, 60, 40


def _address(thread: int, n: int) -> str:
    """A distinct loopback address per post: each one is another household for the per-address limits."""
    return f"127.{thread + 1}.{n // 250}.{n % 250 + 2}"


def test_a_crowd_of_residents_is_served_without_a_single_5xx(store_url: str, tmp_path: Path) -> None:
    with_roles(store_url)  # an admin and the EVS's editor: each listing error report is mailed to them
    problems = problems_of(open_directory(store_url))
    problems.set_partner_address(ADMIN, "covaldem", "covaldem@exemple.fr", source="courriel de COVALDEM")
    data = copy_data_dir(tmp_path / "data")
    with running_smtp() as smtp, running_service(GUP_DATA_DIR=str(data), GUP_DATABASE_URL=store_url,
                                                  GUP_SMTP_URL=smtp.url, GUP_GEOCODER="offline") as url:
        status, page = post_from("127.0.0.2", f"{url}/simple/probleme", {
            "categorie": "encombrants", "lon": str(GRAZAILLES[0]), "lat": str(GRAZAILLES[1]), "description": "Matelas"})
        assert status == 200, page
        number = int(re.search(r"signalement n° (\d+) est reçu", page).group(1))  # type: ignore[union-attr]

        def me_too(thread: int) -> list[int]:
            return [post_from(_address(thread, n), f"{url}/simple/probleme/{number}/moi-aussi", {})[0]
                    for n in range(ME_TOO_EACH)]

        def report(n: int) -> int:
            return post_from(_address(THREADS + 1, n), f"{url}/simple/signaler",
                             {"structure": "evs-bastide", "motif": "numero_faux", "texte": f"essai {n}"})[0]

        with ThreadPoolExecutor(THREADS + 2) as pool:
            crowds = list(pool.map(me_too, range(THREADS)))
            reports = list(pool.map(report, range(REPORTS)))
    statuses = [s for crowd in crowds for s in crowd] + reports
    assert [s for s in statuses if s >= 500] == []
    assert statuses.count(200) == len(statuses) == THREADS * ME_TOO_EACH + REPORTS
    assert problems_of(open_directory(store_url)).shown(number).supporters == 1 + THREADS * ME_TOO_EACH
    assert len(open_directory(store_url).editing(MESSAGES).reports(ADMIN)) == REPORTS
