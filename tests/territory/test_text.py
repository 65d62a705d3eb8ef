"""Text is text: control characters are refused where people edit, stripped from residents' reports, escaped on
the terminal, and a database's address never reaches a visitor."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from geo.db.schema import fact
from geo.db.store import Change
from geo.errors import DataError
from geo.territory.hours import now
from geo.territory.text import control_problem, controls, visible, without_controls
from tests.db.test_store import COMMITTED, open_directory, run_geo
from tests.directory.test_editing import ADMIN, EVS, editing  # noqa: F401 (the fixture)

CLEAR_SCREEN = "\x1b[2J\x1b]0;pirate\x07"
OVERRIDE = "\u202eelbatpecca"


@pytest.mark.parametrize(("text", "found"), [
    ("Fermé le 24 décembre.\nOuvert le 26.\tMerci", []),  # newline and tab are text
    ("ligne Windows\r\nsuite", []),
    ("صباح الخير \u200f(RLM)\u200e", []),  # Arabic's marks command nothing
    (CLEAR_SCREEN, ["U+0007", "U+001B"]),
    (OVERRIDE, ["U+202E"]),
    ("\u2066isolé\u2069", ["U+2066", "U+2069"]),
    ("nul\x00 et C1\x85 et retour seul\rici", ["U+0000", "U+000D", "U+0085"]),
])
def test_what_counts_as_a_control_character(text, found):
    assert controls(text) == found
    assert (control_problem(text) is None) == (not found)
    assert controls(without_controls(text)) == [] and controls(visible(text)) == []


def test_a_terminal_sees_escapes_never_commands():
    assert visible(CLEAR_SCREEN) == "\\x1b[2J\\x1b]0;pirate\\x07" and visible(OVERRIDE) == "\\u202eelbatpecca"


@pytest.mark.slow
def test_set_fact_refuses_them_naming_the_column(store_url: str) -> None:
    result = run_geo(store_url, "set-fact", "evs-bastide", "adresse", f"2 rue Fictive{CLEAR_SCREEN}",
                     "--source", "appel", "--by", "Alice")
    assert result.returncode == 2 and "\x1b" not in result.stderr + result.stdout
    assert "colonne « adresse »" in result.stderr and "U+0007, U+001B" in result.stderr
    bad_source = run_geo(store_url, "set-fact", "evs-bastide", "adresse", "2 rue Fictive", "--source", OVERRIDE,
                         "--by", "Alice")
    assert bad_source.returncode == 2 and "colonne « source »" in bad_source.stderr and "U+202E" in bad_source.stderr
    author = run_geo(store_url, "set-fact", "evs-bastide", "adresse", "2 rue Fictive", "--source", "appel",
                     "--by", f"Alice{CLEAR_SCREEN}")
    assert author.returncode == 2 and "\x1b" not in author.stderr
    assert open_directory(store_url).store.export_csv() == COMMITTED.read_text()


@pytest.mark.slow
def test_an_imported_file_with_them_is_refused_by_row_and_column(store_url: str, tmp_path) -> None:
    lines = COMMITTED.read_text().splitlines()
    lines[2] = lines[2].replace("Centre social", f"Centre{OVERRIDE} social", 1)
    source = tmp_path / "structures.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_geo(store_url, "import-structures", str(source), "--by", "Alice")
    assert result.returncode == 2, result.stderr
    assert "ligne 3, colonne « nom »" in result.stderr and "U+202E" in result.stderr and "\u202e" not in result.stderr


@pytest.mark.slow
def test_a_notice_with_them_is_refused(store_url: str) -> None:
    result = run_geo(store_url, "add-notice", "evs-bastide", "--type", "message", "--from", "2026-12-24",
                     "--to", "2026-12-26", "--message", f"Fermé{CLEAR_SCREEN}", "--by", "Alice")
    assert result.returncode == 2 and "U+0007, U+001B" in result.stderr and "\x1b" not in result.stderr


@pytest.mark.slow
def test_the_terminal_escapes_what_was_stored_before(store_url: str) -> None:
    """Text stored before this rule (or by hand in the database) is printed as escapes by history and notices."""
    directory = open_directory(store_url)
    with directory.store.writing() as conn:  # as an older version of the service could have written it
        conn.execute(update(fact).where(fact.c.structure_id == "evs-bastide", fact.c.field == "adresse")
                     .values(value=f"2 rue{CLEAR_SCREEN}"))
        directory.store.log(conn, [Change("evs-bastide", "adresse", "", f"2 rue{CLEAR_SCREEN}")],
                            author=f"Bob{OVERRIDE}", at=now(), source="", reason="import")
    printed = run_geo(store_url, "history", "--structure", "evs-bastide").stdout
    assert "\x1b" not in printed and "\u202e" not in printed
    assert "« 2 rue\\x1b[2J\\x1b]0;pirate\\x07 »" in printed and "par Bob\\u202eelbatpecca" in printed


def test_a_report_keeps_the_words_not_the_controls(editing) -> None:  # noqa: F811 (the fixture)
    """A NUL, which PostgreSQL refuses, no longer makes a resident's report fail: it is stripped, with the rest."""
    editing.file_report("evs-bastide", "numero_faux", f"Le numéro\x00 sonne{OVERRIDE} occupé")
    [kept] = editing.reports(ADMIN)
    assert kept.text == "Le numéro sonneelbatpecca occupé" and editing.reports(EVS) == [kept]


def test_a_note_with_them_is_refused(editing) -> None:  # noqa: F811 (the fixture)
    from geo.errors import InputError

    editing.file_report("evs-bastide", "numero_faux", "")
    [kept] = editing.reports(ADMIN)
    with pytest.raises(InputError, match=r"Note « corrigé\\x1b\[2J.* » : caractères de contrôle interdits"):
        editing.handle_report(ADMIN, kept.id, fixed=True, note=f"corrigé{CLEAR_SCREEN}")


def _shows_a_store_error() -> None:
    from geo.db.store import StoreError
    from ui.errors import show_error

    show_error(StoreError("La base PostgreSQL « postgresql://gup:***@db.agglo.example/annuaire » est injoignable "
                          "(server closed the connection)."))


def test_a_visitor_never_reads_the_database_s_address() -> None:
    page = AppTest.from_function(_shows_a_store_error).run()
    shown = " ".join(e.value for e in page.error)
    assert "postgresql://" not in shown and "db.agglo.example" not in shown
    assert shown.startswith("Erreur inattendue (référence ")


def test_data_errors_name_the_cell_without_running_it() -> None:
    with pytest.raises(DataError) as caught:
        open_directory("sqlite://").store.import_rows(
            [{"id": "x", "nom": f"X{CLEAR_SCREEN}"}], file="structures.csv", by="Alice", dry_run=True)
    assert "\x1b" not in str(caught.value) and "\\x1b[2J" in str(caught.value)


@pytest.mark.parametrize(("typed", "escaped"), [
    ("coût $5 puis $6", "coût \\$5 puis \\$6"),  # $…$ would render as math
    ("~~barré~~", "\\~\\~barré\\~\\~"),  # ~~…~~ would strike the words through
    ("**gras** [lien](x)", "\\*\\*gras\\*\\* \\[lien\\]\\(x\\)"),
])
def test_a_resident_s_text_never_becomes_markdown(typed: str, escaped: str) -> None:
    from ui.text import ltr, md

    assert md(typed) == escaped
    assert ltr("Ville de Carcassonne") == '<bdi dir="ltr" style="display:inline-block">Ville de Carcassonne</bdi>'
