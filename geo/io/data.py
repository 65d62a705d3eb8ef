"""Reading the project's data files into the model, validated by the domain's rules.

Every problem in a data file is reported with its file, row, column and value, in French, so that
the city staff who edit `structures.csv` in a spreadsheet can find and fix it.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import threading
import time
from pathlib import Path
from typing import Any, TypeVar

import shapely
from pydantic import BaseModel, ValidationError

from geo import config
from geo.domain.fields import REQUIRED_STRUCTURE_COLUMNS, SOURCE_COLUMNS, STRUCTURE_COLUMNS
from geo.domain.generations import CHANGE_FIELD, GENERATIONS, OLDEST, Change, QuartierChange
from geo.domain.gup import CONTACTS_FILE, THEMES_FILE, Contact, Panel, Topic
from geo.domain.locate import Locator
from geo.domain.model import INDICATORS, Dataset, Quartier, Service, Structure, Territory
from geo.domain.text import control_problem, visible
from geo.domain.validation import (
    FORMULA_MESSAGE,
    LIST_SEPARATOR,
    ServiceRow,
    StructureRow,
    is_formula,
    problems_from,
)
from geo.errors import DataError, InputError, Problem
from geo.i18n import clock, long_date
from geo.io.editing import Editing, Letters
from geo.io.files import write_atomic
from geo.io.outbox import Courier, Outbox
from geo.io.problems import ProblemLetters, Problems
from geo.io.store import Change as Edit
from geo.io.store import Snapshot, Store, StoreError

STRUCTURES_FILE = "structures.csv"
SERVICES_FILE = "services.csv"
LOCAL_NAMES_FILE = "noms_locaux.csv"
QUARTIERS_FILE = "quartiers.geojson"
COMMUNE_FILE = "commune.geojson"
#: How stale a page's view of the directory may be: its revision is read again after this many seconds.
REVISION_SECONDS = 1.0
REBUILD_HINT = "lancez « python -m geo build-data » pour (re)construire les quartiers"

# --- CSV reading -------------------------------------------------------------------------------


def read_csv_rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV (BOM accepted) as dicts; structural problems become a DataError."""
    name = path.name
    if not path.is_file():
        raise DataError([Problem(str(path), "fichier introuvable")])
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise DataError([Problem(name, "le fichier contient des données binaires, ce n'est pas un CSV")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(name, f"le fichier n'est pas encodé en UTF-8 (octet illisible à la position {exc.start}) ; "
                                       "enregistrez-le en « CSV UTF-8 »")]) from exc
    reader = csv.DictReader(text.splitlines(), strict=True)
    limit = csv.field_size_limit()
    try:
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if not header:
            raise DataError([Problem(name, "le fichier est vide (aucune ligne d'en-tête)")])
        if missing:
            raise DataError([Problem(name, f"colonne obligatoire absente de l'en-tête : {', '.join(missing)}", row=1)])
        rows, problems = [], []
        for index, row in enumerate(reader, start=2):
            if None in row:
                problems.append(Problem(name, "cellules en trop par rapport à l'en-tête", row=index,
                                        value=LIST_SEPARATOR.join(row[None])))
                continue
            cells = {k: (v or "").strip() for k, v in row.items()}
            problems += [Problem(name, FORMULA_MESSAGE, row=index, column=k, value=v)
                         for k, v in cells.items() if is_formula(v)]
            rows.append(cells)
    except csv.Error as exc:
        too_long = "field larger than field limit" in str(exc)
        message = f"cellule trop longue (plus de {limit:,} caractères)".replace(",", "\u202f") if too_long else (
            f"CSV mal formé ({exc})")
        raise DataError([Problem(name, message, row=reader.line_num + (1 if too_long else 0))]) from exc
    if problems:
        raise DataError(problems)
    return rows


def load_services(path: Path) -> tuple[Service, ...]:
    rows = read_csv_rows(path, ("cle", "libelle", "icone", "thematiques"))
    services, problems, seen = [], [], set()
    for index, raw in enumerate(rows, start=2):
        try:
            row = ServiceRow.model_validate(raw)
        except ValidationError as exc:
            problems += problems_from(exc, path.name, index, raw)
            continue
        if row.cle in seen:
            problems.append(Problem(path.name, "clé en double", row=index, column="cle", value=row.cle))
        seen.add(row.cle)
        services.append(Service(row.cle, row.libelle, row.icone, row.thematiques))
    if not services and not problems:
        problems.append(Problem(path.name, "aucun type d'aide défini (le fichier n'a que l'en-tête)"))
    if problems:
        raise DataError(problems)
    return tuple(services)


def structures_from_rows(rows: list[dict[str, str]], file: str, *, quartier_codes: set[str],
                         service_keys: set[str], stored: Snapshot | None = None) -> tuple[Structure, ...]:
    """Rows of structures.csv (from the file or the store) as structures; every problem is named, row by row.

    With a store snapshot, each structure also carries its checked dates, notices and version."""
    context = {"quartiers": quartier_codes, "services": service_keys}
    listings = {s.id: s for s in stored.structures} if stored else {}
    structures: list[Structure] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows, start=2):
        if typed := [Problem(file, why, row=index, column=column, value=visible(value)) for column, value in raw.items()
                     if isinstance(value, str) and (why := control_problem(value))]:
            problems += typed
            continue
        try:
            row = StructureRow.model_validate(raw, context=context).model_dump()
        except ValidationError as exc:
            problems += problems_from(exc, file, index, raw)
            continue
        if row["id"] in seen:
            problems.append(Problem(file, f"identifiant en double (déjà utilisé ligne {seen[row['id']]})",
                                    row=index, column="id", value=row["id"]))
            continue
        seen[row["id"]] = index
        sources = {fact: raw.get(column, "") for fact, column in SOURCE_COLUMNS.items()}
        extra: dict[str, Any] = {}
        if (listing := listings.get(row["id"])) is not None and stored is not None:
            extra = {"checked": listing.checked, "update_months": listing.update_months, "version": listing.version,
                     "notices": tuple(n for n in stored.notices if n.structure == row["id"])}
        structures.append(Structure(**row, sources={k: v for k, v in sources.items() if v}, **extra))
    if not structures and not problems:
        problems.append(Problem(file, "aucune structure (le fichier n'a que l'en-tête)"))
    if problems:
        raise DataError(problems)
    return tuple(structures)


def load_structures(path: Path, *, quartier_codes: set[str], service_keys: set[str]) -> tuple[Structure, ...]:
    return structures_from_rows(read_csv_rows(path, REQUIRED_STRUCTURE_COLUMNS), path.name,
                                quartier_codes=quartier_codes, service_keys=service_keys)


# --- quartiers ---------------------------------------------------------------------------------


def _read_geojson(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DataError([Problem(str(path), f"fichier absent : {REBUILD_HINT}")])
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError([Problem(path.name, f"GeoJSON illisible ({exc}) : {REBUILD_HINT}")]) from exc


def load_territory(data_dir: Path, commune: str, generation: str | None = None) -> Territory:
    """The commune's quartiers of one built generation: `generation`, else GUP_GENERATION, else the newest built."""
    quartiers_doc = _read_geojson(data_dir / QUARTIERS_FILE)
    commune_doc = _read_geojson(data_dir / COMMUNE_FILE)
    metadata = quartiers_doc.get("metadata", {})
    built_for = metadata.get("commune")
    if built_for != commune:
        raise DataError([Problem(QUARTIERS_FILE, f"construit pour la commune {built_for}, "
                                                 f"alors que GUP_COMMUNE vaut {commune} : {REBUILD_HINT}")])
    built = tuple(metadata.get("generations") or [OLDEST])  # a file built before generations holds 2015's
    generation = generation or config.generation() or built[-1]
    if generation not in built:
        raise DataError([Problem(QUARTIERS_FILE, f"génération {generation} non construite (construites : "
                                                 f"{', '.join(built)}) : {REBUILD_HINT} avec ses contours",
                                 value=generation)])
    try:
        return _territory(quartiers_doc, commune_doc, commune, generation, built)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        problem = Problem(QUARTIERS_FILE, f"contenu inattendu ({exc.__class__.__name__} : {exc}) : {REBUILD_HINT}")
        raise DataError([problem]) from exc


def _territory(quartiers_doc: dict[str, Any], commune_doc: dict[str, Any], commune: str, generation: str,
               built: tuple[str, ...]) -> Territory:
    quartiers = []
    for feature in quartiers_doc["features"]:
        props = feature["properties"]
        if props.get("generation", OLDEST) != generation:
            continue
        statut = props.get(CHANGE_FIELD)
        quartiers.append(Quartier(
            code=props["code"], nom=props["nom"], nom_local=props["nom_local"],
            geometry=shapely.geometry.shape(feature["geometry"]),
            indicators={ind.key: props.get(ind.key) for ind in INDICATORS},
            generation=generation, codes=props.get("codes") or {generation: props["code"]},
            change=Change(statut) if statut else None,
        ))
    commune_feature = commune_doc["features"][0]
    metadata = quartiers_doc.get("metadata", {})
    changes = tuple(QuartierChange(Change(c["statut"]), c["nom"], {g: tuple(codes) for g, codes in c["codes"].items()})
                    for c in metadata.get("changements", []))
    return Territory(
        commune_code=commune,
        commune_nom=commune_feature["properties"]["nom"],
        commune_geometry=shapely.geometry.shape(commune_feature["geometry"]),
        quartiers=tuple(quartiers),
        attribution=metadata.get("attribution", ""),
        generation=generation, generations=built, changes=changes,
    )


def load_dataset(data_dir: Path | None = None, commune: str | None = None) -> Dataset:
    """The whole dataset, validated; raises DataError listing every problem.

    Without a folder: the configured deployment, its structures read from the directory store. With one: that
    folder's files only (structures.csv included), as checks and tests of a data folder need."""
    if data_dir is None:
        return Directory.configured().dataset()
    territory = load_territory(data_dir, commune or config.commune())
    services = load_services(data_dir / SERVICES_FILE)
    structures = load_structures(data_dir / STRUCTURES_FILE, quartier_codes=territory.known_codes(),
                                 service_keys={s.key for s in services})
    return Dataset(territory, services, structures)


class Directory:
    """The configured deployment: its quartiers and services from files, its structures from the store.

    The dataset and locator are rebuilt only when the store's revision moved, so a resident's answer costs one
    cheap revision read, and a change committed by any process shows on the next answer."""

    def __init__(self, data_dir: Path, commune: str, url: str):
        territory = load_territory(data_dir, commune)
        self.data_dir = data_dir
        self._others: dict[str, Locator] = {}
        self.services = load_services(data_dir / SERVICES_FILE)
        self.territory = territory
        self.file_validator = functools.partial(
            structures_from_rows, quartier_codes=territory.known_codes(),
            service_keys={s.key for s in self.services})
        self.store = Store(url, validate=self._validate, seed=lambda: self._seed_rows(data_dir / STRUCTURES_FILE))
        built_for = self.store.claim_commune(commune)
        if built_for != commune:
            raise StoreError(
                f"L'annuaire « {self.store.shown_url} » a été construit pour la commune {built_for}, alors que "
                f"GUP_COMMUNE vaut {commune} ({territory.commune_nom}) : donnez à cette commune son propre annuaire "
                f"(un autre GUP_DATA_DIR, ou GUP_DATABASE_URL), ou remettez GUP_COMMUNE={built_for}.")
        if self.store.file_sync()[0] is None and self.data_file.is_file():  # seeded from it (or older than this)
            self.store.record_file_sync(_fingerprint(self.data_file))
        self._lock = threading.Lock()
        self._revision = -1
        self._locator: Locator | None = None
        self._panel: tuple[Dataset, Panel] | None = None
        self._read_at, self._read_writes, self._last_revision = -REVISION_SECONDS, -1, -1

    @classmethod
    def configured(cls) -> Directory:
        return _directory(config.data_dir(), config.commune(), config.database_url())

    @property
    def data_file(self) -> Path:
        """The data folder's structures.csv: the exchange file the directory was seeded from."""
        return self.data_dir / STRUCTURES_FILE

    def file_drift(self) -> str | None:
        """Said when the data folder's structures.csv changed since its last exchange with the directory: an edit
        of the file is never applied silently, nor ignored without a word."""
        synced, at = self.store.file_sync()
        if synced is None or not self.data_file.is_file() or _fingerprint(self.data_file) == synced:
            return None
        shown = _shown(self.data_file)
        when = f" (le {long_date(at.date())} à {clock(at.time())})" if at else ""
        return (f"{shown} a changé depuis son dernier import{when} : « python -m geo import-structures {shown} "
                f"--by NOM » pour l'appliquer, ou « python -m geo export-structures -o {shown} » pour le remettre à "
                "jour. Rien n'est appliqué sans vous : l'annuaire sert ses fiches telles qu'elles sont.")

    def import_file(self, path: Path, *, by: str, dry_run: bool) -> list[Edit]:
        """An exchange file applied all or nothing; the data folder's own file is then the directory again."""
        rows = read_csv_rows(path, REQUIRED_STRUCTURE_COLUMNS)
        changes = self.store.import_rows(rows, file=path.name, by=by, dry_run=dry_run)
        if not dry_run and path.resolve() == self.data_file.resolve():
            self.store.record_file_sync(_fingerprint(path))
        return changes

    def export_file(self, path: Path) -> int:
        """The directory written as structures.csv (atomically); the number of structures."""
        text = self.store.export_csv().encode("utf-8")
        write_atomic(path, text)
        if path.resolve() == self.data_file.resolve():
            self.store.record_file_sync(hashlib.sha256(text).hexdigest())
        return text.count(b"\n") - 1

    def _validate(self, rows: list[dict[str, str]], file: str) -> object:
        return self.file_validator(rows, file)

    def _seed_rows(self, path: Path) -> list[dict[str, str]]:
        rows = read_csv_rows(path, REQUIRED_STRUCTURE_COLUMNS)
        self._validate(rows, path.name)
        return [{c: r.get(c, "") for c in STRUCTURE_COLUMNS} for r in rows]

    def revision(self) -> int:
        """The store's revision, read at most once per REVISION_SECONDS (every visitor of a process shares the
        read), at once after a write through this process's store."""
        moment = time.monotonic()
        if self._read_writes != self.store.writes or moment - self._read_at >= REVISION_SECONDS:
            self._read_writes, self._read_at = self.store.writes, moment
            self._last_revision = self.store.revision()
        return self._last_revision

    def locator(self, generation: str | None = None) -> Locator:
        """The locator answering from the configured generation, or from `generation` when a caller asks."""
        revision = self.revision()
        with self._lock:
            if self._locator is None or revision != self._revision:
                snapshot = self.store.snapshot()
                structures = self.file_validator([s.cells for s in snapshot.structures], "annuaire", stored=snapshot)
                dataset = Dataset(self.territory, self.services, structures)
                self._locator = self._locator.with_dataset(dataset) if self._locator else Locator(dataset)
                self._revision = snapshot.revision
            if generation is None or generation == self.territory.generation:
                return self._locator
            return self._older_or_newer(generation, self._locator.dataset)

    def _older_or_newer(self, generation: str, current: Dataset) -> Locator:
        """Another generation's prepared quartiers, answering with the same structures (built once)."""
        if generation not in GENERATIONS:
            raise InputError(f"Génération inconnue : « {generation} » (générations : {', '.join(GENERATIONS)}).")
        other = self._others.get(generation)
        if other is None:
            other = Locator(Dataset(load_territory(self.data_dir, self.territory.commune_code, generation),
                                    self.services, current.structures))
        elif other.dataset.structures is not current.structures:
            other = other.with_dataset(Dataset(other.dataset.territory, self.services, current.structures))
        self._others[generation] = other
        return other

    def dataset(self) -> Dataset:
        return self.locator().dataset

    def editing(self, letters: Letters) -> Editing:
        """Signed-in writes, each checked against the editor's role in the database; the mail they cause is
        written by `letters` and the process's courier is woken once it is committed."""
        return Editing(self.store, letters, queued=self.courier.wake)

    def panel(self) -> Panel:
        """The GUP panel of the directory's current dataset, read and validated again only when the dataset
        changed (a problem report, a page and an answer all route with it)."""
        dataset = self.dataset()
        if self._panel is None or self._panel[0] is not dataset:
            self._panel = (dataset, load_panel(self.data_dir, dataset))
        return self._panel[1]

    def problems(self, letters: ProblemLetters) -> Problems:
        """GUP problem reports, routed with the panel of the directory's current dataset."""
        return Problems(self.store, self.locator(), self.panel(), letters, queued=self.courier.wake)

    @functools.cached_property
    def courier(self) -> Courier:
        """Sends the outbox from this process once started (python -m geo serve starts it)."""
        return Courier(Outbox(self.store))


@functools.cache
def _directory(data_dir: Path, commune: str, url: str) -> Directory:
    return Directory(data_dir, commune, url)


@functools.lru_cache(maxsize=8)
def _fingerprint_at(path: Path, size: int, modified_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fingerprint(path: Path) -> str:
    """The file's SHA-256, computed again only when its size or modification time moved (pages ask often)."""
    facts = path.stat()
    return _fingerprint_at(path, facts.st_size, facts.st_mtime_ns)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(config.PROJECT_ROOT))
    except ValueError:
        return str(path)


def default_locator(generation: str | None = None) -> Locator:
    """The locator of the configured deployment, current with the directory store; `generation` asks another."""
    return Directory.configured().locator(generation)


# --- GUP panel ---------------------------------------------------------------------------------

Row = TypeVar("Row", bound=BaseModel)


def _validated(path: Path, model: type[Row], required: tuple[str, ...], key: str,
               context: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, raw in enumerate(read_csv_rows(path, required), start=2):
        try:
            row = model.model_validate(raw, context=context)
        except ValidationError as exc:
            problems += problems_from(exc, path.name, index, raw)
            continue
        if getattr(row, key) in seen:
            problems.append(Problem(path.name, "identifiant en double", row=index, column=key, value=getattr(row, key)))
        seen.add(getattr(row, key))
        rows.append(row)
    if not rows and not problems:
        problems.append(Problem(path.name, "le fichier n'a que l'en-tête"))
    if problems:
        raise DataError(problems)
    return rows


def load_panel(data_dir: Path, dataset: Dataset) -> Panel:
    contacts = _validated(data_dir / CONTACTS_FILE, Contact, ("id", "nom", "telephone", "source"), "id",
                          {"structures": {s.id for s in dataset.structures}})
    by_id = {row.id: row for row in contacts}
    topics = _validated(data_dir / THEMES_FILE, Topic, ("theme", "cle", "libelle", "contacts", "pourquoi"),
                        "cle", {"contacts": by_id})
    return Panel(by_id, tuple(topics))
