"""Shared fixtures: the deployment's data (built by `make test`) and copies of it to break on purpose."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from geo import config
from geo.domain.locate import Locator
from geo.domain.model import Dataset
from geo.io.data import load_dataset

# No test reaches the internet: address search uses the local index unless a test points it at its own server.
os.environ.setdefault("GUP_GEOCODER", "offline")

PROJECT_ROOT = config.PROJECT_ROOT
CITE = (2.3636, 43.2065)  # La Cité de Carcassonne: in the commune, in no quartier prioritaire
TOULOUSE = (1.4442, 43.6047)


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="session")
def locator(dataset: Dataset) -> Locator:
    return Locator(dataset)


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    """The mirror of the official files; real-data tests need it and say so when it is missing."""
    path = config.sources_dir()
    if not path.is_dir():
        pytest.skip(f"miroir des données officielles absent ({path}) : placez ../shared à côté du projet "
                    "ou indiquez-le avec GUP_SOURCES_DIR")
    return path


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the data folder (with the built quartiers) that a test may damage."""
    target = tmp_path / "data"
    shutil.copytree(config.data_dir(), target)
    return target
