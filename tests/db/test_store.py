"""The directory store, on SQLite and on a real PostgreSQL (the `store_url` fixture runs each test on both)."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from geo import config
from geo.db.store import ConflictError, StoreError
from geo.directory.listings import Directory
from geo.errors import DataError, InputError
from geo.territory.hours import PARIS, availability, local
from tests.conftest import PROJECT_ROOT

COMMITTED = PROJECT_ROOT / "data" / "structures.csv"


def open_directory(url: str) -> Directory:
    return Directory(config.data_dir(), config.commune(), url)


def run_geo(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m geo …` in this process, as a partner runs it: its exit code and both outputs (a new process per
    command cost a second of imports each; tests/cli keeps the real process boundary)."""
    from geo.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    saved = {name: os.environ.get(name) for name in ("GUP_DATABASE_URL", *env)}
    os.environ.update({"GUP_DATABASE_URL": url, **env})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(["geo", *args], code, out.getvalue(), err.getvalue())


def rows_of(text_: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text_)))


def csv_of(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.slow
def test_a_new_store_is_seeded_and_exports_the_committed_file_byte_for_byte(store_url: str, tmp_path: Path) -> None:
    run_geo(store_url, "export-structures", "-o", str(tmp_path / "out.csv")).check_returncode()
    assert (tmp_path / "out.csv").read_bytes() == COMMITTED.read_bytes()
    history = open_directory(store_url).store.history()
    assert {e.structure for e in history} == {r["id"] for r in rows_of(COMMITTED.read_text())}
    assert {e.reason for e in history} == {"création de l'annuaire"}


def test_reopening_upgrades_nothing_and_keeps_every_change(store_url: str) -> None:
    open_directory(store_url).store.set_fact("cs-max-savy", "telephone", "04 68 71 14 99", source="appel", by="Alice")
    again = open_directory(store_url)  # a second process, or the next start of the app
    assert again.dataset().known_structure("cs-max-savy").telephone == "+33468711499"
    assert len(again.store.history("cs-max-savy")) == 2


@pytest.mark.slow
def test_an_import_shows_field_by_field_then_applies_all_at_once(store_url: str, tmp_path: Path) -> None:
    rows = rows_of(COMMITTED.read_text())
    rows[0]["telephone"], rows[3]["adresse"] = "04 68 71 14 00", "1 rue Exemple, 11000 Carcassonne"
    (tmp_path / "new.csv").write_text(csv_of(rows))
    directory = open_directory(store_url)
    before = directory.store.revision()

    shown = run_geo(store_url, "import-structures", str(tmp_path / "new.csv"), "--dry-run", "--by", "Alice")
    assert shown.returncode == 0, shown.stderr
    assert "cs-max-savy, telephone : « 04 68 71 14 32 » → « 04 68 71 14 00 »" in shown.stdout
    assert f"{rows[3]['id']}, adresse : « " in shown.stdout and "rien n'est écrit" in shown.stderr
    assert directory.store.revision() == before and directory.store.export_csv() == COMMITTED.read_text()

    run_geo(store_url, "import-structures", str(tmp_path / "new.csv"), "--by", "Alice").check_returncode()
    assert directory.store.export_csv() == (tmp_path / "new.csv").read_text()
    changed = [e for e in directory.store.history() if e.reason == "import"]
    assert [(e.structure, e.field, e.author, e.source) for e in changed] == [
        ("cs-max-savy", "telephone", "Alice", "new.csv"), (rows[3]["id"], "adresse", "Alice", "new.csv")]


@pytest.mark.slow
def test_a_bad_row_anywhere_in_an_import_changes_nothing(store_url: str, tmp_path: Path) -> None:
    rows = rows_of(COMMITTED.read_text())
    rows[0]["telephone"] = "04 68 71 14 00"  # a good change, before the bad row
    rows[-1]["quartiers"] = "QP011006;QP999999"
    (tmp_path / "bad.csv").write_text(csv_of(rows))
    directory = open_directory(store_url)
    before = (directory.store.export_csv(), len(directory.store.history()), directory.store.revision())

    result = run_geo(store_url, "import-structures", str(tmp_path / "bad.csv"), "--by", "Alice")
    assert result.returncode == 2
    assert (f"bad.csv, ligne {len(rows) + 1}, colonne « quartiers » : code de quartier inconnu : QP999999"
            in result.stderr), result.stderr
    assert (directory.store.export_csv(), len(directory.store.history()), directory.store.revision()) == before


def test_set_fact_refuses_what_the_csv_refuses_with_the_same_words(store_url: str) -> None:
    store = open_directory(store_url).store
    for field, value, words in (("telephone", "12", "numéro de téléphone invalide"),
                                ("horaires", "Mo 25:00", "horaires illisibles"),
                                ("quartiers", "QP000000", "code de quartier inconnu : QP000000")):
        with pytest.raises(DataError) as refused:
            store.set_fact("cs-max-savy", field, value, source="essai", by="Alice")
        assert str(refused.value).startswith(f"fiche « cs-max-savy », colonne « {field} » : {words}")
    with pytest.raises(InputError, match="Champ inconnu : « couleur »"):
        store.set_fact("cs-max-savy", "couleur", "bleu", source="essai", by="Alice")
    with pytest.raises(InputError, match="Structure inconnue : « nulle-part »"):
        store.set_fact("nulle-part", "telephone", "04 68 00 00 00", source="essai", by="Alice")
    assert store.export_csv() == COMMITTED.read_text()


def test_a_write_sets_the_checked_day_and_a_source_column(store_url: str) -> None:
    directory = open_directory(store_url)
    directory.store.set_fact("cs-max-savy", "adresse", "Rue de Grazailles, 11000 Carcassonne", source="appel du 2 décembre",
                             by="Alice")
    structure = directory.dataset().known_structure("cs-max-savy")
    assert structure.checked["adresse"] == local(directory.store.history()[-1].at).date()
    assert structure.checked["telephone"] is None
    assert structure.sources["adresse"] == "appel du 2 décembre"


def test_undoing_a_change_is_a_new_change(store_url: str) -> None:
    store = open_directory(store_url).store
    store.set_fact("cs-max-savy", "telephone", "04 68 71 14 99", source="appel", by="Alice")
    store.set_fact("cs-max-savy", "telephone", "04 68 71 14 32", source="erreur de saisie", by="Bob")
    assert [(e.before, e.after, e.author) for e in store.history("cs-max-savy")[1:]] == [
        ("04 68 71 14 32", "04 68 71 14 99", "Alice"), ("04 68 71 14 99", "04 68 71 14 32", "Bob")]
    assert store.export_csv() == COMMITTED.read_text()


def test_a_form_saving_an_old_version_is_refused_and_says_who_changed_it(store_url: str) -> None:
    directory = open_directory(store_url)
    seen = directory.dataset().known_structure("cs-max-savy").version
    directory.store.set_fact("cs-max-savy", "telephone", "04 68 71 14 99", source="appel", by="Alice",
                             expected_version=seen)
    with pytest.raises(ConflictError, match=r"modifiée entre-temps par Alice à \d+ h( \d\d)? le "):
        directory.store.set_fact("cs-max-savy", "courriel", "accueil@example.org", source="appel", by="Bob",
                                 expected_version=seen)
    assert directory.dataset().known_structure("cs-max-savy").courriel == ""


def _at_once(url: str, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
    """Several `python -m geo` processes, each with the store open, released together by a file to write at once:
    each says it is ready by a file of its own, and the signal waits for all of them (no guessed delay)."""
    from tests.servers import wait_until

    go = Path(url.rsplit("/", 1)[-1] + ".go").resolve()
    starter = ("import os, pathlib, sys, time\nfrom geo.cli.main import main\nfrom geo.directory.listings import Directory\n"
               "Directory.configured()\npathlib.Path(sys.argv[2]).touch()\n"
               "while not os.path.exists(sys.argv[1]): time.sleep(0.005)\nsys.exit(main(sys.argv[3:]))\n")
    ready = [go.with_name(f"{go.name}.{i}.pret") for i in range(len(commands))]
    processes = [subprocess.Popen([sys.executable, "-c", starter, str(go), str(flag), *c], cwd=PROJECT_ROOT, text=True,
                                  env={**os.environ, "GUP_DATABASE_URL": url}, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for c, flag in zip(commands, ready, strict=True)]
    try:
        wait_until(lambda: all(flag.exists() for flag in ready), "les écrivains prêts")
        go.touch()
        outputs = [p.communicate(timeout=120) for p in processes]
    finally:
        for path in (go, *ready):
            path.unlink(missing_ok=True)
    return [subprocess.CompletedProcess(p.args, p.returncode, out, err)
            for p, (out, err) in zip(processes, outputs, strict=True)]


@pytest.mark.slow
def test_two_writers_at_the_same_moment_both_land_in_order(store_url: str) -> None:
    directory = open_directory(store_url)
    results = _at_once(store_url,
                       ["set-fact", "cs-max-savy", "telephone", "04 68 71 14 01", "--source", "a", "--by", "Alice"],
                       ["set-fact", "cs-max-savy", "courriel", "accueil@example.org", "--source", "b", "--by", "Bob"])
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    written = [(e.field, e.author) for e in directory.store.history("cs-max-savy")[1:]]
    alice, bob = [("telephone", "Alice")], [("courriel", "Bob"), ("courriel_source", "Bob")]
    assert written in (alice + bob, bob + alice)  # serialised: one write whole, then the other, never interleaved
    structure = directory.dataset().known_structure("cs-max-savy")
    assert (structure.telephone, structure.courriel, structure.version) == ("+33468711401", "accueil@example.org", 3)


@pytest.mark.slow
def test_two_forms_saving_the_same_version_at_once_one_is_refused(store_url: str) -> None:
    directory = open_directory(store_url)
    version = str(directory.dataset().known_structure("cs-max-savy").version)
    results = _at_once(
        store_url,
        ["set-fact", "cs-max-savy", "telephone", "04 68 71 14 01", "--source", "a", "--by", "Alice", "--version", version],
        ["set-fact", "cs-max-savy", "telephone", "04 68 71 14 02", "--source", "b", "--by", "Bob", "--version", version])
    assert sorted(r.returncode for r in results) == [0, 2], [r.stderr for r in results]
    winner, loser = sorted(results, key=lambda r: r.returncode)
    winner_name = "Alice" if "Alice" in winner.args else "Bob"
    assert f"modifiée entre-temps par {winner_name} à " in loser.stderr
    assert [e.author for e in directory.store.history("cs-max-savy")[1:]] == [winner_name]


def test_an_import_killed_mid_way_leaves_the_directory_as_it_was(store_url: str, tmp_path: Path) -> None:
    rows = rows_of(COMMITTED.read_text())
    for row in rows:
        row["description"] += " (mis à jour)"
    (tmp_path / "all.csv").write_text(csv_of(rows))
    directory = open_directory(store_url)
    before = (directory.store.export_csv(), len(directory.store.history()))
    # The importer dies (SIGKILL, no clean-up of any kind) after writing the third structure's facts.
    killer = ("import os, signal, sys\nfrom geo.db.store import Store\nreal, count = Store.apply_in, [0]\n"
              "def dying(self, *a, **k):\n    real(self, *a, **k)\n    count[0] += 1\n"
              "    if count[0] == 3: os.kill(os.getpid(), signal.SIGKILL)\n"
              "Store.apply_in = dying\nfrom geo.cli.main import main\n"
              f"main(['import-structures', {str(tmp_path / 'all.csv')!r}, '--by', 'Alice'])\n")
    result = subprocess.run([sys.executable, "-c", killer], cwd=PROJECT_ROOT, capture_output=True, text=True,
                            env={**os.environ, "GUP_DATABASE_URL": store_url}, timeout=120)
    assert result.returncode == -9, result.stderr
    assert (directory.store.export_csv(), len(directory.store.history())) == before


@pytest.mark.slow
def test_a_change_by_another_process_shows_on_the_next_answer(store_url: str) -> None:
    import time

    from geo.directory.listings import REVISION_SECONDS

    directory = open_directory(store_url)
    read = time.monotonic()
    first = directory.locator()
    run_geo(store_url, "set-fact", "cs-max-savy", "telephone", "04 68 71 14 99", "--source", "appel",
            "--by", "Alice").check_returncode()
    # A process reads the revision at most once a REVISION_SECONDS: the next answer past it shows the change (the
    # command line may well finish sooner than that).
    time.sleep(max(0.0, REVISION_SECONDS - (time.monotonic() - read)))
    answer = directory.locator().for_quartier("QP011006")
    assert "+33468711499" in [s.telephone for s in answer.structures]
    assert directory.locator() is directory.locator()  # nothing changed: the same locator, no reload
    assert directory.locator()._index is first._index  # the quartiers were not prepared again


@pytest.mark.slow
def test_a_closure_turns_open_to_false_on_its_days_only(store_url: str) -> None:
    directory = open_directory(store_url)
    evs = next(s for s in directory.dataset().structures if s.horaires)
    open_at = next(f"2026-12-{day:02d}T{hour:02d}:30" for day in range(7, 14) for hour in range(8, 19)
                   if availability(evs, datetime(2026, 12, day, hour, 30, tzinfo=PARIS)).ouvert)
    run_geo(store_url, "add-notice", evs.id, "--type", "fermeture", "--from", open_at[:10], "--to", open_at[:10],
            "--message", "Fermé pour inventaire", "--by", "Alice").check_returncode()
    [quartier, *_] = evs.quartiers
    point = directory.dataset().territory.known_quartier(quartier).geometry.representative_point()
    lon, lat = f"{point.x:.6f}", f"{point.y:.6f}"

    def opened(at: str) -> tuple[bool | None, str]:
        import json

        result = run_geo(store_url, "locate", "--lon", lon, "--lat", lat, "--json", "--at", at)
        item = next(s for s in json.loads(result.stdout)["structures"] if s["id"] == evs.id)
        return item["ouvert"], item["disponibilite"]

    assert opened(open_at) == (False, f"fermé (fermeture exceptionnelle jusqu'au {_long(open_at[:10])})")
    week_later = open_at.replace(open_at[8:10], f"{int(open_at[8:10]) + 7:02d}", 1)
    assert opened(week_later)[0] is True


def _long(day: str) -> str:
    from datetime import date

    from geo.i18n import long_date

    return long_date(date.fromisoformat(day))


@pytest.mark.slow
def test_notices_are_refused_when_they_end_first_or_last_too_long(store_url: str) -> None:
    for start, end, words in (("2026-12-24", "2026-12-20", "avant de commencer"),
                              ("2026-01-01", "2027-01-02", "au plus un an")):
        result = run_geo(store_url, "add-notice", "cs-max-savy", "--type", "fermeture", "--from", start, "--to", end,
                         "--message", "x", "--by", "Alice")
        assert result.returncode == 2 and words in result.stderr
    result = run_geo(store_url, "add-notice", "cs-max-savy", "--type", "horaires", "--from", "2026-12-01",
                     "--to", "2026-12-31", "--message", "x", "--by", "Alice")
    assert result.returncode == 2 and "--hours" in result.stderr
    assert run_geo(store_url, "notices", "--all", "--json").stdout.strip() == "[]"


@pytest.mark.slow
def test_an_expired_notice_stays_in_history_and_out_of_force(store_url: str) -> None:
    import json

    run_geo(store_url, "add-notice", "cs-max-savy", "--type", "message", "--from", "2026-12-01", "--to", "2026-12-03",
            "--message", "Permanence déplacée", "--by", "Alice", GUP_NOW="2026-12-01T09:00").check_returncode()
    during = json.loads(run_geo(store_url, "notices", "--json", GUP_NOW="2026-12-03T23:00").stdout)
    after = json.loads(run_geo(store_url, "notices", "--json", GUP_NOW="2026-12-04T00:01").stdout)
    kept = json.loads(run_geo(store_url, "notices", "--all", "--json", GUP_NOW="2026-12-04T00:01").stdout)
    assert [n["en_cours"] for n in during] == [True] and after == [] and [n["en_cours"] for n in kept] == [False]
    logged = json.loads(run_geo(store_url, "history", "--structure", "cs-max-savy", "--json").stdout)
    assert logged[-1]["champ"] == "annonce" and "Permanence déplacée" in logged[-1]["apres"]


def test_ending_a_notice_early_is_in_the_history(store_url: str) -> None:
    store = open_directory(store_url).store
    from datetime import date

    notice = store.add_notice("cs-max-savy", "fermeture", date(2026, 12, 1), date(2026, 12, 31), message="Travaux",
                              by="Alice")
    store.end_notice(notice.id, by="Bob")
    assert [(e.field, e.author, e.after) for e in store.history("cs-max-savy")[-2:]] == [
        ("annonce", "Alice", "fermeture du 2026-12-01 au 2026-12-31 : Travaux"), ("annonce", "Bob", None)]
    with pytest.raises(InputError, match="déjà terminée"):
        store.end_notice(notice.id, by="Bob")


@pytest.mark.slow
def test_confirm_and_reminders(store_url: str) -> None:
    import json

    due = json.loads(run_geo(store_url, "reminders", "--json").stdout)
    assert len(due) == len(rows_of(COMMITTED.read_text()))  # nothing was ever checked since the brochure
    assert due[0]["telephone"] == "04 68 71 14 32" and due[0]["a_verifier"][0] == {"champ": "telephone", "verifie_le": None}
    run_geo(store_url, "confirm", "cs-max-savy", "--by", "Alice", GUP_NOW="2026-03-03T10:00").check_returncode()
    assert "cs-max-savy" not in [d["structure"] for d in json.loads(
        run_geo(store_url, "reminders", "--json", GUP_NOW="2026-09-03T10:00").stdout)]
    late = json.loads(run_geo(store_url, "reminders", "--json", GUP_NOW="2026-09-04T10:00").stdout)
    assert next(d for d in late if d["structure"] == "cs-max-savy")["a_verifier"][0]["verifie_le"] == "2026-03-03"
    run_geo(store_url, "set-fact", "cs-max-savy", "frequence_mois", "12", "--source", "convention", "--by", "Alice"
            ).check_returncode()
    assert "cs-max-savy" not in [d["structure"] for d in json.loads(
        run_geo(store_url, "reminders", "--json", GUP_NOW="2026-09-04T10:00").stdout)]


@pytest.mark.slow
def test_history_json_has_the_contract_fields(store_url: str) -> None:
    import json

    run_geo(store_url, "set-fact", "cs-max-savy", "telephone", "04 68 71 14 99", "--source", "appel du 2 décembre",
            "--by", "Alice", GUP_NOW="2026-12-02T14:05").check_returncode()
    entry = json.loads(run_geo(store_url, "history", "--structure", "cs-max-savy", "--json").stdout)[-1]
    assert {k: entry[k] for k in ("structure", "champ", "avant", "apres", "auteur", "quand", "source")} == {
        "structure": "cs-max-savy", "champ": "telephone", "avant": "04 68 71 14 32", "apres": "04 68 71 14 99",
        "auteur": "Alice", "quand": "2026-12-02T14:05:00+01:00", "source": "appel du 2 décembre"}


def test_a_schema_from_the_future_is_refused_and_left_alone(store_url: str) -> None:
    open_directory(store_url)
    engine = create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"version du schéma inconnue .* Rien n'a été modifié"):
        open_directory(store_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
    engine.dispose()


def test_the_tables_match_what_the_migrations_build(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from geo.db.schema import metadata

    open_directory(store_url)
    engine = create_engine(store_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()


def test_a_corrupt_database_file_is_named_with_the_fix(tmp_path: Path) -> None:
    broken = tmp_path / "annuaire.sqlite3"
    broken.write_bytes(b"ceci n'est pas une base" * 100)
    result = run_geo(f"sqlite:///{broken}", "export-structures", "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 2
    assert f"La base de l'annuaire « {broken} » est illisible" in result.stderr and "data/structures.csv" in result.stderr
    assert broken.read_bytes() == b"ceci n'est pas une base" * 100 and not (tmp_path / "out.csv").exists()


@pytest.mark.slow
def test_an_unreachable_postgresql_is_named_without_its_password(tmp_path: Path) -> None:
    from tests.servers import free_port

    url = f"postgresql+psycopg://gup:secret@127.0.0.1:{free_port()}/annuaire"
    result = run_geo(url, "history")
    assert result.returncode == 2
    assert "La base PostgreSQL « postgresql+psycopg://gup:***@127.0.0.1:" in result.stderr
    assert "GUP_DATABASE_URL" in result.stderr and "secret" not in result.stderr


def test_open_data_carries_the_checked_dates_and_the_notices_in_force(store_url: str, monkeypatch) -> None:
    from datetime import date

    from geo.http.api import structure_record
    from geo.render.datainclusion import to_datainclusion
    from geo.render.standalone import standalone_map_html

    monkeypatch.setenv("GUP_NOW", "2026-06-01T10:00")  # checked in June, exported in November
    directory = open_directory(store_url)
    directory.store.set_fact("cs-max-savy", "telephone", "04 68 71 14 99", source="appel", by="Alice")
    today = local(directory.store.history()[-1].at).date()
    directory.store.add_notice("cs-max-savy", "message", today, today, message="Permanence au gymnase", by="Alice")
    dataset = directory.dataset()
    record = structure_record(dataset.known_structure("cs-max-savy"))
    assert record["date_maj"] == today.isoformat() and record["verifie_le"]["telephone"] == today.isoformat()
    assert record["verifie_le"]["adresse"] is None and record["a_verifier"] is True
    assert [n["message"] for n in record["annonces"]] == ["Permanence au gymnase"]
    structures, _services = to_datainclusion(dataset, today=date(2026, 11, 2))
    dates = {s["nom"]: s["date_maj"] for s in structures}
    assert dates["Centre social Max Savy"] == today.isoformat() == "2026-06-01"
    assert dates["Centre social Jean Montsarrat"] == "2026-11-02"  # never checked: dated by the export itself
    html = standalone_map_html(dataset, today=today)
    assert "Permanence au gymnase" in html and f'"date_maj": "{today.isoformat()}"' in html


def test_nothing_in_the_application_updates_or_deletes_a_history_row() -> None:
    import re

    code = "\n".join(p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "geo").rglob("*.py"))
    assert re.findall(r"(?:update|delete)\(\s*history\b|(?:UPDATE|DELETE FROM)\s+history\b", code, re.IGNORECASE) == []
    assert "insert(history)" in code  # the one way rows get there


# --- the exchange file and the directory agree, or say so -----------------------------------------------------


@pytest.mark.slow
def test_an_edited_structures_csv_is_said_never_applied(tmp_path: Path) -> None:
    from tests.conftest import copy_data_dir

    data = copy_data_dir(tmp_path / "data")
    env = {"GUP_DATA_DIR": str(data)}
    url = f"sqlite:///{data / 'annuaire.sqlite3'}"
    assert run_geo(url, "history", **env).stderr == ""  # seeded from the file: they agree
    text = (data / "structures.csv").read_text(encoding="utf-8")
    (data / "structures.csv").write_text(text.replace("04 68 71 14 32", "04 68 71 14 00"), encoding="utf-8")

    said = run_geo(url, "reminders", **env).stderr
    assert said.startswith("Attention : ") and "structures.csv a changé depuis son dernier import (le " in said
    assert (f"« python -m geo import-structures {data / 'structures.csv'} --by NOM » pour l'appliquer, ou "
            f"« python -m geo export-structures -o {data / 'structures.csv'} » pour le remettre à jour") in said
    run_geo(url, "export-structures", "-o", str(tmp_path / "vu.csv"), **env).check_returncode()
    served = (tmp_path / "vu.csv").read_text(encoding="utf-8")
    assert "04 68 71 14 32" in served and "04 68 71 14 00" not in served  # nothing applied silently
    assert run_geo(url, "import-structures", str(data / "structures.csv"), "--by", "Alice", **env).returncode == 0
    assert run_geo(url, "reminders", **env).stderr.startswith("Attention") is False  # applied: they agree again

    (data / "structures.csv").write_text(text, encoding="utf-8")  # edited again, then given up for the directory's
    assert "a changé" in run_geo(url, "editors", **env).stderr
    assert run_geo(url, "export-structures", "-o", str(data / "structures.csv"), **env).returncode == 0
    assert "a changé" not in run_geo(url, "editors", **env).stderr


@pytest.mark.slow
def test_a_directory_built_for_another_commune_is_refused_by_name(tmp_path: Path, sources_dir: Path) -> None:
    """A copy of data/ reused for Narbonne, with its quartiers built, still pointing at Carcassonne's directory."""
    from geo.sources.build import build_data
    from tests.conftest import copy_data_dir

    data = copy_data_dir(tmp_path / "data")
    url = f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    open_directory(url)  # built for Carcassonne
    build_data(commune="11262", data_dir=data, sources_dir=sources_dir)
    result = run_geo(url, "editors", GUP_DATA_DIR=str(data), GUP_COMMUNE="11262")
    assert result.returncode == 2
    assert "a été construit pour la commune 11069, alors que GUP_COMMUNE vaut 11262" in result.stderr
    assert "donnez à cette commune son propre annuaire" in result.stderr and "code de quartier inconnu" not in result.stderr
