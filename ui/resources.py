"""What every page shares, built once per process (or per scenario): the data, the locator, the address search,
Leaflet's files, the partners' standalone map and the planner's downloads."""

from __future__ import annotations

import streamlit as st

from geo import config, services
from geo.directory.editing import Editing
from geo.directory.listings import configured_dataset, default_locator
from geo.files import write_atomic
from geo.geocode import AddressSearch, configured_address_search
from geo.i18n import SOURCE, using
from geo.planning import EXPORTS
from geo.planning.exports import rendered
from geo.problems.panel import Panel
from geo.problems.store import Problems
from geo.render.mapview import leaflet_folder
from geo.render.standalone import standalone_map_html
from geo.territory.coverage import Scenario
from geo.territory.locate import Locator
from geo.territory.model import Dataset

STATIC = config.PROJECT_ROOT / "static"  # served by Streamlit at /app/static (server.enableStaticServing)
LEAFLET_URLS = ("/app/static/leaflet/leaflet.js", "/app/static/leaflet/leaflet.css")


@st.cache_resource(show_spinner=False)
def leaflet() -> tuple[str, str]:
    """Leaflet copied once from the pinned package into static/, so that browsers cache it across answers."""
    target = STATIC / "leaflet"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("leaflet.js", "leaflet.css"):
        payload = (leaflet_folder() / name).read_bytes()
        if not (target / name).is_file() or (target / name).read_bytes() != payload:
            write_atomic(target / name, payload)
    return LEAFLET_URLS


def dataset() -> Dataset:
    """The directory as the store has it now: rebuilt by the core only when its revision moved (a data error is
    not kept, so a fixed file is picked up)."""
    return configured_dataset()


def locator() -> Locator:
    return default_locator()


def editing() -> Editing:
    return services.editing()


def problems() -> Problems:
    return services.problems()


def file_drift() -> str | None:
    """Whether data/structures.csv was edited since its last exchange with the directory (the core decides)."""
    return services.directory().file_drift()


def sign_in_settings() -> dict[str, object] | None:
    """The [auth] section of .streamlit/secrets.toml (the identity provider), or None: without it, nothing of the
    editing page is shown; whether it may enable sign-in is the core's call (permissions.sign_in_refusal)."""
    try:
        return dict(st.secrets["auth"]) if "auth" in st.secrets else None
    except FileNotFoundError:
        return None


def revision() -> int:
    """The directory's revision, for open pages to notice a change."""
    return services.directory().revision()


@st.cache_resource(show_spinner=False)
def address_search() -> AddressSearch:
    """The configured address service, or the French reason why there is none (checked once per process)."""
    return configured_address_search()


def standalone_map() -> str:
    """The partners' standalone file, in French: built once per revision of the directory, not on every move of a
    slider."""
    return _standalone_map(revision())


@st.cache_resource(show_spinner=False, max_entries=2)
def _standalone_map(at_revision: int) -> str:
    with using(SOURCE):
        return standalone_map_html(dataset())


def panel() -> Panel:
    return services.panel()


def planner_downloads(scenario_key: tuple, service_key: str | None) -> list[tuple[str, str | bytes, str, str]]:
    """The planner's exports, built once per scenario, map choice and revision of the directory."""
    return _planner_downloads_at(scenario_key, service_key, revision())


@st.cache_data(show_spinner=False, max_entries=32)
def _planner_downloads_at(scenario_key: tuple, service_key: str | None,
                          at_revision: int) -> list[tuple[str, str | bytes, str, str]]:
    """Built once per scenario and map choice rather than on every rerun.

    The files are in French for every reader (shared documents); their button labels are translated on the page."""
    with using(SOURCE):
        return _planner_downloads(scenario_key, service_key)


def _planner_downloads(scenario_key: tuple, service_key: str | None) -> list[tuple[str, str | bytes, str, str]]:
    data = dataset()
    scenario = Scenario.from_key(scenario_key)
    suffix = "" if scenario.is_empty else "-simulation"
    found = []
    for export in EXPORTS:
        files = rendered(data, export, scenario=scenario, service_key=service_key)
        for (name, payload), (_name, mime) in zip(files, export.files, strict=True):
            label = export.label if len(files) == 1 else f"{export.label} : {name}"
            stem, dot, extension = name.rpartition(".")
            found.append((label, payload, name if len(files) > 1 else f"{stem}{suffix}{dot}{extension}", mime))
    return found
