"""Shared fixtures: the deployment's data (built by `make test`) and copies of it to break on purpose."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo import config
from geo.directory import corrections as report_rules
from geo.directory.listings import configured_dataset
from geo.problems import rules as problem_rules
from geo.territory.locate import Locator
from geo.territory.model import Dataset
from tests.postgres_server import PostgresServer, binaries, running_postgres
from tests.real_parts import missing

# No test reaches the internet: address search uses the local index unless a test points it at its own server.
os.environ.setdefault("GUP_GEOCODER", "offline")


def _private_data_dir() -> Path:
    """The tests run on a copy of the data folder, so that the directory store they seed and change is theirs,
    never the one `make run` serves from data/annuaire.sqlite3."""
    target = Path(tempfile.mkdtemp(prefix="gup-tests-")) / "data"
    shutil.copytree(config.data_dir(), target, ignore=shutil.ignore_patterns("annuaire.sqlite3*", "*.log"))
    atexit.register(shutil.rmtree, target.parent, ignore_errors=True)
    return target


os.environ.pop("GUP_DATABASE_URL", None)
os.environ["GUP_DATA_DIR"] = str(_private_data_dir())



@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with the in-memory limits empty: a count left by another test (same client name, same
    report number in another database) never decides this one's answer."""
    for module, name in ((problem_rules, "PROBLEMS_PER_ADDRESS"), (problem_rules, "PROBLEMS_PER_KEY"),
                         (problem_rules, "SUPPORTED"), (report_rules, "REPORTS_PER_ADDRESS")):
        limit = getattr(module, name)
        monkeypatch.setattr(module, name, type(limit)(limit.limit, limit.window, max_keys=limit.max_keys))


#: Fixtures that start a real server process (or a cluster) for their tests.
SERVER_FIXTURES = frozenset({"api", "light", "service", "addok_url", "with_addresses", "cluster"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers said once, from what a test uses: `browser` (tests/e2e), `postgres` (the real PostgreSQL, directly
    or as the store_url fixture's second database), `server` (a fixture that starts a server). `make test-fast`
    leaves them out, with the tests marked `slow` by hand."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.browser)
        if "postgres" in names or params.get("store_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)
        if names & SERVER_FIXTURES:
            item.add_marker(pytest.mark.server)


PROJECT_ROOT = config.PROJECT_ROOT
CITE = (2.3636, 43.2065)  # La Cité de Carcassonne: in the commune, in no quartier prioritaire
TOULOUSE = (1.4442, 43.6047)


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return configured_dataset()


@pytest.fixture(scope="session")
def locator(dataset: Dataset) -> Locator:
    return Locator(dataset)


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The mirror of the official files; real-data tests need it and say so when it is missing."""
    path = config.sources_dir()
    if not path.is_dir():
        missing(f"miroir des données officielles absent ({path}) : placez ../shared à côté du projet "
                    "ou indiquez-le avec GUP_SOURCES_DIR")
    return path


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL on 127.0.0.1 for the whole session (Debian's package; .ci/run installs it)."""
    if binaries() is None:
        missing("PostgreSQL absent de cette machine : installez le paquet Debian « postgresql » (.ci/run le fait)")
    with running_postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty directory database: every store test runs on SQLite and on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'annuaire.sqlite3'}"
    server = request.getfixturevalue("postgres")
    return server.new_database()


def copy_data_dir(target: Path) -> Path:
    """The data folder's files (with the built quartiers), without its directory store: a copy seeds its own."""
    shutil.copytree(config.data_dir(), target, ignore=shutil.ignore_patterns("annuaire.sqlite3*"))
    return target


def committed_data(target: Path) -> Path:
    """A data folder with the committed files only (nothing built yet, no directory store)."""
    target.mkdir(parents=True)
    for name in ("structures.csv", "services.csv", "noms_locaux.csv", "sources.toml"):
        shutil.copy(config.data_dir() / name, target / name)
    return target


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the data folder that a test may damage."""
    return copy_data_dir(tmp_path / "data")
