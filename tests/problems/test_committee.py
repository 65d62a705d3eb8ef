"""The GUP committee's exports for a quartier and a period: the workbook read back with openpyxl, the A4 page with
the published photos only, and nobody's identity in either."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from geo.problems.committee import Period, committee_html, committee_xlsx
from geo.problems.rules import Status
from geo.problems.store import Problems
from tests.db.test_store import run_geo
from tests.mail.test_outbox import ADMIN
from tests.problems.test_photos import phone_photo
from tests.problems.test_problems import BASTIDE, GRAZAILLES, problems  # noqa: F401 (the problems fixture)

PARTNERS = {"covaldem": "COVALDEM 11 (déchets)", "regie-quartier": "Médiateurs de la Régie"}


def filed_three(register: Problems) -> tuple[int, int]:
    shown = register.file("encombrants", *GRAZAILLES, "Matelas, appelez le 06 12 34 56 78", photo=phone_photo(),
                      email="habitante@exemple.fr")
    private = register.file("encombrants", *GRAZAILLES, "Frigo", photo=phone_photo((300, 200)))
    register.file("tags", *BASTIDE, "Tag")
    register.publish_photo(ADMIN, shown.id)
    register.advance(ADMIN, shown.id, Status.RESOLVED, note="Collecté.")
    return shown.id, private.id


def test_the_workbook_lists_a_quartier_s_reports_per_month_and_the_delays(problems: Problems) -> None:  # noqa: F811
    filed_three(problems)
    items = problems.for_committee(quartier="QP011006", since=date(2026, 12, 1), until=date(2026, 12, 31))
    book = openpyxl.load_workbook(io.BytesIO(committee_xlsx(
        items, problems.committee(quartier="QP011006"), Period("Grazailles", date(2026, 12, 1), None), PARTNERS)))
    rows = [[c.value for c in r] for r in book["Signalements"].iter_rows()]
    assert rows[0] == ["Problèmes signalés (GUP) : Grazailles, du 01/12/2026 à aujourd'hui", *[None] * 8]
    assert rows[2][:7] == [1, "08/12/2026", "Grazailles", "Encombrants déposés", "résolu", "08/12/2026", 1]
    assert rows[2][7:] == ["COVALDEM 11 (déchets), Médiateurs de la Régie", "Matelas, appelez le [numéro masqué]"]
    assert len(rows) == 4  # the tag in Bastide-Pont-Vieux is another quartier's
    assert [[c.value for c in r] for r in book["Par mois"].iter_rows()][1:] == [
        ["Grazailles", "Propreté, abords des immeubles, parties communes, déchets", "2026-12", 2]]
    assert [[c.value for c in r] for r in book["Délais"].iter_rows()][1] == ["COVALDEM 11 (déchets)", 0, 1]
    everything = "".join(str(c.value) for sheet in book for r in sheet.iter_rows() for c in r)
    assert "habitante" not in everything and "06 12 34 56 78" not in everything


def test_the_a4_page_carries_the_published_photos_only(problems: Problems) -> None:  # noqa: F811
    shown, private = filed_three(problems)
    page = committee_html(problems.for_committee(), problems.committee(), Period(None, None, None), PARTNERS,
                          problems.photo)
    assert "Problèmes signalés (GUP) : tous les quartiers, depuis le début à aujourd&#x27;hui" in page
    assert page.count('src="data:image/jpeg;base64,') == 1 and f'alt="Photo du signalement n° {shown}"' in page
    assert f"Photo du signalement n° {private}" not in page and "habitante" not in page
    assert "@page { size: A4" in page


@pytest.mark.slow
def test_the_command_writes_either_and_names_an_unknown_quartier(tmp_path, problems: Problems) -> None:  # noqa: F811
    url = str(problems.store.engine.url)
    filed_three(problems)
    for fmt in ("xlsx", "html"):
        done = run_geo(url, "problems-report", "--quartier", "QP011006", "--format", fmt, "-o",
                       str(tmp_path / f"comite.{fmt}"), "--from", "2026-12-01")
        assert done.returncode == 0 and (tmp_path / f"comite.{fmt}").stat().st_size > 1000, done.stderr
    wrong = run_geo(url, "problems-report", "--quartier", "QP999999", "--format", "html", "-o", str(tmp_path / "x"))
    assert wrong.returncode == 2 and "Quartier inconnu : « QP999999 »" in wrong.stderr
    assert not (tmp_path / "x").exists()
    assert run_geo(url, "problems-report", "--format", "pdf", "-o", str(tmp_path / "x")).returncode == 2
