"""`backup` and `restore`: the whole directory in one file, from SQLite to PostgreSQL and back, identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.db.store import schema_head
from geo.hosting.backup import FORMAT
from geo.services import MESSAGES, problems_of
from tests.db.test_store import open_directory, run_geo
from tests.problems.test_photos import phone_photo

ADMIN, EVS = "coordination@agglo.fr", "accueil@evs.fr"


def lived_in(url: str) -> None:
    """A directory with a bit of everything: facts changed, a notice, editors (one bound to its account), a
    proposal waiting, a report, a demand count, a GUP problem with its photo."""
    from geo.directory.permissions import SignedIn
    from geo.planning.demand import record_lookup

    for args in (("set-fact", "cs-max-savy", "telephone", "04 68 71 14 99", "--source", "appel", "--by", "Alice"),
                 ("add-notice", "evs-bastide", "--type", "fermeture", "--from", "2026-12-24", "--to", "2026-12-26",
                  "--message", "Fermé pour les fêtes", "--by", "Alice"),
                 ("add-editor", ADMIN, "--admin", "--by", "Installation"),
                 ("add-editor", EVS, "--structure", "evs-bastide", "--by", "Installation")):
        run_geo(url, *args).check_returncode()
    directory = open_directory(url)
    editing = directory.editing(MESSAGES)
    editing.identify(SignedIn("https://auth.example", "sujet-evs", EVS))
    editing.edit(EVS, "evs-bastide", {"quartiers": "QP011004;QP011006"}, source="convention 2026")
    editing.file_report("cs-max-savy", "horaires_faux", "Fermé le mercredi")
    record_lookup("QP011006", "emploi", store=directory.store)
    problems_of(directory).file("tags", 2.351201, 43.213257, "Tag sur le mur", email="habitante@exemple.fr",
                                     photo=phone_photo())  # a photo's bytes cross the JSON file too


def faces_of(url: str, tmp_path: Path, name: str) -> tuple[bytes, str, str]:
    """What a person sees of the directory: the exchange file, the history as JSON, the editors."""
    out = tmp_path / f"{name}.csv"
    run_geo(url, "export-structures", "-o", str(out)).check_returncode()
    return out.read_bytes(), run_geo(url, "history", "--json").stdout, run_geo(url, "editors").stdout


def tables_of(path: Path) -> dict[str, list[dict[str, object]]]:
    """The rows of a backup, but the directory's revision (a restore moves it, so that open pages read again)."""
    tables: dict[str, list[dict[str, object]]] = json.loads(path.read_text(encoding="utf-8"))["tables"]
    for row in tables["directory"]:
        row.pop("revision")
    return tables


def test_sqlite_to_postgresql_and_back_gives_the_same_directory(postgres, tmp_path: Path) -> None:
    sqlite, pg, again = (f"sqlite:///{tmp_path / 'depart.sqlite3'}", postgres.new_database(),
                         f"sqlite:///{tmp_path / 'retour.sqlite3'}")
    lived_in(sqlite)
    before = faces_of(sqlite, tmp_path, "depart")
    taken = run_geo(sqlite, "backup", "-o", str(tmp_path / "a.json"))
    assert taken.returncode == 0 and "8 structures" in taken.stderr and f"schéma {schema_head()}" in taken.stderr
    restored = run_geo(pg, "restore", str(tmp_path / "a.json"))
    assert restored.returncode == 0, restored.stderr
    assert "Annuaire restauré depuis" in restored.stderr
    assert faces_of(pg, tmp_path, "pg") == before
    run_geo(pg, "backup", "-o", str(tmp_path / "b.json")).check_returncode()
    run_geo(again, "restore", str(tmp_path / "b.json")).check_returncode()
    assert faces_of(again, tmp_path, "retour") == before
    assert tables_of(tmp_path / "a.json") == tables_of(tmp_path / "b.json")
    assert set(tables_of(tmp_path / "a.json")) >= {"fact", "history", "editor", "notice", "proposal", "report", "demand"}


def test_a_restored_postgresql_goes_on_numbering_after_the_restored_rows(postgres, tmp_path: Path) -> None:
    sqlite, pg = f"sqlite:///{tmp_path / 'depart.sqlite3'}", postgres.new_database()
    lived_in(sqlite)
    run_geo(sqlite, "backup", "-o", str(tmp_path / "a.json")).check_returncode()
    run_geo(pg, "restore", str(tmp_path / "a.json")).check_returncode()
    directory = open_directory(pg)
    directory.store.set_fact("cs-max-savy", "telephone", "04 68 71 14 98", source="appel", by="Bob")
    directory.editing(MESSAGES).file_report("evs-bastide", "autre", "")
    assert len(directory.editing(MESSAGES).reports(ADMIN)) == 2
    assert directory.store.history("cs-max-savy")[-1].author == "Bob"


@pytest.mark.slow
def test_a_database_that_holds_listings_is_replaced_only_when_asked_and_backed_up_first(store_url: str,
                                                                                         tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    lived_in(source)
    run_geo(source, "backup", "-o", str(tmp_path / "a.json")).check_returncode()
    open_directory(store_url).store.set_fact("cs-max-savy", "telephone", "04 68 71 00 00", source="essai", by="Zoé")
    kept_before = faces_of(store_url, tmp_path, "cible")
    refused = run_geo(store_url, "restore", str(tmp_path / "a.json"))
    assert refused.returncode == 2 and "n'est pas vide (8 structures, " in refused.stderr
    assert faces_of(store_url, tmp_path, "cible") == kept_before
    replaced = run_geo(store_url, "restore", str(tmp_path / "a.json"), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    kept = Path(replaced.stderr.split("sauvegardé dans ")[1].split("\n")[0])
    assert json.loads(kept.read_text(encoding="utf-8"))["format"] == FORMAT
    assert faces_of(store_url, tmp_path, "remplacee") == faces_of(source, tmp_path, "source")
    run_geo(store_url, "restore", str(kept), "--replace").check_returncode()  # and back: nothing was lost
    assert faces_of(store_url, tmp_path, "revenue") == kept_before


@pytest.mark.parametrize(("content", "said"), [
    ("pas du json", "sauvegarde illisible"),
    ('{"format": "autre-chose"}', "ce n'est pas une sauvegarde de l'annuaire"),
    (json.dumps({"format": FORMAT, "version": 1, "schema": "9999", "tables": {}}), "tables manquantes"),
])
def test_a_bad_backup_file_is_refused_by_name_and_nothing_is_written(tmp_path: Path, content: str, said: str) -> None:
    target = f"sqlite:///{tmp_path / 'vide.sqlite3'}"
    bad = tmp_path / "mauvaise.json"
    bad.write_text(content, encoding="utf-8")
    result = run_geo(target, "restore", str(bad))
    assert result.returncode == 2 and str(bad) in result.stderr and said in result.stderr
    assert not (tmp_path / "vide.sqlite3").exists() or (tmp_path / "vide.sqlite3").stat().st_size == 0


@pytest.mark.slow
def test_a_backup_from_a_newer_application_is_refused(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    run_geo(source, "backup", "-o", str(tmp_path / "a.json")).check_returncode()
    document = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    (tmp_path / "a.json").write_text(json.dumps({**document, "schema": "0099"}), encoding="utf-8")
    result = run_geo(f"sqlite:///{tmp_path / 'cible.sqlite3'}", "restore", str(tmp_path / "a.json"))
    assert result.returncode == 2 and "schéma 0099 inconnu de cette application" in result.stderr


@pytest.fixture(scope="module")
def a_backup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A real backup's document, with a problem, its photo and a message in the outbox."""
    from geo.hosting.backup import write_backup

    folder = tmp_path_factory.mktemp("sauvegarde")
    url = f"sqlite:///{folder / 'annuaire.sqlite3'}"
    directory = open_directory(url)
    directory.editing(MESSAGES).add_role(ADMIN, structure=None, by="installation")
    problems_of(directory).file("tags", 2.351201, 43.213257, "Tag sur le mur", email="habitante@exemple.fr",
                                     photo=phone_photo())
    write_backup(directory.store.engine, folder / "sauvegarde.json")
    document: dict[str, object] = json.loads((folder / "sauvegarde.json").read_text(encoding="utf-8"))
    return document


def _garbage_jpeg() -> dict[str, str]:
    import base64

    return {"base64": base64.b64encode(b"\xff\xd8\xff\xe0 pas une photo").decode("ascii")}


@pytest.mark.parametrize(("table", "column", "value", "said"), [
    ("problem", "status", "bogus", "valeur inconnue (possibles : en_cours, non_retenu, recu, resolu, transmis)"),
    ("problem", "supporters", "many", "nombre entier attendu"),
    ("problem", "supporters", 0, "hors des limites (1 à 2147483647)"),
    ("problem", "lat", float("nan"), "nombre attendu"),
    ("problem", "hidden", "non", "vrai ou faux attendu"),
    ("problem", "created_at", "hier", "date et heure ISO 8601 attendue"),
    ("problem", "created_at", "0001-01-01T00:00:00+14:00", "date et heure ISO 8601 attendue"),
    ("problem", "photo", _garbage_jpeg(), "« photo de la sauvegarde » n'est pas une photo lisible"),
    ("problem", "photo", {"base64": "%%%"}, "base64 illisible"),
    ("problem", "reporter_email", "jean\r\nBcc: tous@exemple.fr", "une seule ligne attendue"),
    ("problem", "reporter_email", "jean\rBcc: tous@exemple.fr", "caractère de contrôle interdit (U+000D)"),
    ("problem", "reporter_email", "pas-une-adresse", "adresse électronique invalide"),
    ("problem", "description", "texte \x1b[31m", "caractère de contrôle interdit (U+001B)"),
    ("problem", "category", "x" * 51, "50 caractères au plus (51)"),
    ("problem", "quartier", "QP\n011006", "une seule ligne attendue"),
    ("outbox", "subject", "Objet\r\nBcc: tous@exemple.fr", "une seule ligne attendue"),
    ("outbox", "state", "perdu", "valeur inconnue"),
    ("problem", "surprise", 1, "colonne inconnue de cette table"),
    ("problem", "id", None, "valeur obligatoire absente"),
])
def test_a_crafted_backup_restores_nothing_and_names_the_bad_value(a_backup: dict[str, object], tmp_path: Path,
                                                                   table: str, column: str, value: object,
                                                                   said: str) -> None:
    import copy

    from sqlalchemy import create_engine

    from geo.errors import InputError
    from geo.hosting.backup import held, restore_file

    crafted = copy.deepcopy(a_backup)
    tables = crafted["tables"]
    assert isinstance(tables, dict) and tables[table], table
    tables[table][0][column] = value
    path = tmp_path / "trafiquee.json"
    path.write_text(json.dumps(crafted, ensure_ascii=False), encoding="utf-8")
    engine = create_engine(f"sqlite:///{tmp_path / 'vide.sqlite3'}")
    with pytest.raises(InputError) as refused:
        restore_file(engine, path, replace=False, keep_in=tmp_path)
    assert f"table « {table} », ligne 1, colonne « {column} » : {said}" in str(refused.value)
    assert str(refused.value).endswith("rien n'a été restauré.")
    assert held(engine) == {}


def test_a_backup_s_photo_is_written_again_by_the_application(a_backup: dict[str, object], tmp_path: Path) -> None:
    from geo.hosting.backup import read_backup

    path = tmp_path / "sauvegarde.json"
    path.write_text(json.dumps(a_backup), encoding="utf-8")
    [row] = read_backup(path).tables["problem"]
    assert isinstance(row["photo"], dict) and row["photo"]["base64"]
