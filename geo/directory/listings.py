"""The directory as a deployment serves it: its quartiers and services from the data files, its structures from
the store, and the locator that answers with them, rebuilt only when the store's revision moved."""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from pathlib import Path

from geo import config
from geo.db.store import Change as Edit
from geo.db.store import Store, StoreError
from geo.directory.editing import DirectoryMessages, Editing
from geo.errors import InputError
from geo.files import write_atomic
from geo.formats.data import (
    SERVICES_FILE,
    STRUCTURES_FILE,
    load_services,
    load_territory,
    one_commune,
    read_csv_rows,
    served_territory,
    structures_from_rows,
)
from geo.i18n import clock, long_date
from geo.mail.outbox import Outbox, OutboxSender
from geo.territory.fields import REQUIRED_STRUCTURE_COLUMNS, STRUCTURE_COLUMNS
from geo.territory.generations import GENERATIONS
from geo.territory.locate import Locator, structures_in_zones
from geo.territory.model import Dataset, Territory
from geo.territory.zones import FRANCE, Kind, Zone, zones

REVISION_SECONDS = 1.0


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
        built_for = self.store.claim_commune(commune, widens=functools.partial(holds, territory))
        if built_for != commune and one_commune(built_for) and one_commune(commune):
            raise StoreError(
                f"L'annuaire « {self.store.shown_url} » a été construit pour la commune {built_for}, alors que "
                f"GUP_COMMUNE vaut {commune} ({territory.commune_nom}) : donnez à cette commune son propre annuaire "
                f"(un autre GUP_DATA_DIR, ou GUP_DATABASE_URL), ou remettez GUP_COMMUNE={built_for}.")
        if built_for != commune:
            raise StoreError(
                f"L'annuaire « {self.store.shown_url} » a été construit pour le territoire {built_for}, alors que le "
                f"territoire servi est {commune} ({territory.commune_nom}), qui ne le contient pas : donnez-lui son "
                f"propre annuaire (un autre GUP_DATA_DIR, ou GUP_DATABASE_URL), ou servez de nouveau {built_for} "
                "(GUP_TERRITOIRE ou GUP_COMMUNE).")
        if self.store.file_sync()[0] is None and self.data_file.is_file():  # seeded from it (or older than this)
            self.store.record_file_sync(_fingerprint(self.data_file))
        self._lock = threading.Lock()
        self._revision = -1
        self._locator: Locator | None = None
        self._read_at, self._read_writes, self._last_revision = -REVISION_SECONDS, -1, -1

    @classmethod
    def configured(cls) -> Directory:
        return _directory(config.data_dir(), served_territory(), config.database_url())

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

    def editing(self, letters: DirectoryMessages) -> Editing:
        """Signed-in writes, each checked against the editor's role in the database (a zone coordinator's against
        the structures serving their zones now); the mail they cause is written by `letters` and the process's
        outbox_sender is woken once it is committed."""
        return Editing(self.store, letters, queued=self.outbox_sender.wake, zone_structures=self._in_zones)

    def _in_zones(self, held: frozenset[str]) -> frozenset[str]:
        return structures_in_zones(self.dataset(), zones(",".join(held)))

    @functools.cached_property
    def outbox_sender(self) -> OutboxSender:
        """Sends the outbox from this process once started (python -m geo serve starts it)."""
        return OutboxSender(Outbox(self.store))


def holds(territory: Territory, built_for: str) -> bool:
    """Whether the territory contains every commune of the one a store was built for (read as zones): a commune
    it serves, or a zone it names itself or holds whole (france)."""
    try:
        old = zones(built_for)
    except InputError:
        return False
    served = set(zones(territory.commune_code))
    codes = {c.code for c in territory.communes}
    return bool(old) and all(z in served or Zone(Kind.FRANCE, FRANCE) in served
                             or (z.kind is Kind.COMMUNE and z.code in codes) for z in old)


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


def configured_dataset() -> Dataset:
    """The configured deployment's dataset, its structures read from the directory store."""
    return Directory.configured().dataset()


def default_locator(generation: str | None = None) -> Locator:
    """The locator of the configured deployment, current with the directory store; `generation` asks another."""
    return Directory.configured().locator(generation)
