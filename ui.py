"""What every page shares: the data loaded once per process, the error display, the house style.

Pages stay thin: they call geo/ and render; no domain rule lives here.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from geo import config
from geo.domain.coverage import Scenario
from geo.domain.gup import Panel
from geo.domain.locate import Locator
from geo.domain.model import Dataset
from geo.errors import DataError, GupError
from geo.i18n import LANGUAGES, N_, SOURCE, _, activate, direction, language, parse_language, using
from geo.io.data import load_dataset, load_panel
from geo.io.files import write_atomic
from geo.io.geocode import FallbackGeocoder, make_geocoder
from geo.render.datainclusion import to_datainclusion, validate
from geo.render.export import export_csv, export_geojson, export_xlsx, report_html
from geo.render.mapview import leaflet_folder
from geo.render.standalone import standalone_map_html

CSS = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 3.5rem;}
h1 {font-size: 1.7rem !important; line-height: 1.25 !important;} h2 {font-size: 1.3rem !important;}
.gup-structure h3 {font-size: 1.1rem; margin: 0 0 0.2rem 0; padding: 0;}
/* Code to copy wraps instead of scrolling sideways, in colours that keep AA contrast. */
.stCode pre {overflow: visible !important;} .stCode code {white-space: pre-wrap !important; overflow-wrap: anywhere;}
.stCode .token {color: #1f2d3d !important;}
.gup-structure {border: 1px solid #d0d7de; border-radius: 10px; padding: 0.8rem 1rem; margin: 0.6rem 0;}
.gup-presence {color: #4a5560; margin: 0 0 0.5rem 0; font-size: 0.95rem;}
.gup-call {display: inline-flex; flex-direction: column; align-items: flex-start; justify-content: center;
  min-height: 48px; padding: 0.4rem 1.1rem; border-radius: 16px; background: #1f5fa8; color: #fff !important;
  text-decoration: none !important; font-weight: 600; margin: 0.2rem 0 0.6rem 0;}
.gup-call:focus, .gup-call:hover {background: #174a84; outline: 3px solid #f2b705;}
/* Where the keyboard is must always show (WCAG 2.4.7), whatever Streamlit's own styles say. */
a:focus-visible, button:focus-visible, summary:focus-visible, [role="radio"]:focus-visible {
  outline: 3px solid #f2b705 !important; outline-offset: 2px;}
bdi {white-space: nowrap;}  /* a name or a number inside an Arabic sentence is not cut across two lines */
.gup-number {white-space: nowrap; font-weight: 400;}
.gup-answer {border-radius: 8px; padding: 0.7rem 0.9rem; margin: 0.4rem 0; background: #e6f4ea; color: #0d3b1e;}
.gup-answer.gup-none {background: #fff4e5; color: #4a2a00;}
.gup-answer p {margin: 0.2rem 0;}
.gup-services {font-size: 0.9rem; color: #333;}
.gup-now {font-weight: 600; margin: 0 0 0.4rem 0;} .gup-now-true {color: #1a7f37;} .gup-now-false {color: #8a4b00;}
.gup-now-none {color: #4a5560;} .gup-stale {color: #8a4b00;}
.gup-emergency {background: #fff1f0; border-radius: 8px; padding: 0.6rem 0.8rem; margin: 0.6rem 0;}
.gup-emergency p {margin: 0;} .gup-emergency ul {list-style: none; padding: 0; margin: 0;}
.gup-emergency a, a[href^="tel:"]:not(.gup-call), a[href^="sms:"]:not(.gup-call) {font-weight: 700;
  display: inline-block; min-width: 44px; min-height: 44px; line-height: 44px;}
/* Touch targets of at least 44 × 44 px for fingers (WCAG 2.5.5), on every control a resident uses. */
.stButton button, .stDownloadButton button, [data-testid="stButtonGroup"] button {min-height: 44px;}
[data-testid="stSelectbox"] input[role="combobox"] {min-height: 44px;}
[data-testid="stSelectbox"] button {min-width: 44px; min-height: 44px;}
[data-testid="stRadio"] label {min-height: 44px; align-items: center;}
[data-testid="stExpander"] summary {min-height: 44px;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, .gup-presence {color: #4a5560 !important; opacity: 1;}
.gup-structure dl {display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 0.8rem; margin: 0;}
.gup-structure dt {font-weight: 600;} .gup-structure dd {margin: 0; overflow-wrap: anywhere;}
.gup-legend ul {list-style: none; padding: 0; margin: 0.3rem 0; display: flex; gap: 1rem; flex-wrap: wrap;}
.gup-legend span {display: inline-block; width: 1rem; height: 1rem; margin-inline-end: 0.3rem; border: 1px solid #555;
  vertical-align: middle;}
/* Right to left: the page's text flows from the right; the map keeps its own left-to-right controls. */
/* The app's shell (sidebar drawer, header) keeps Streamlit's own geometry; the content flows from the right. */
html[dir="rtl"] .stApp {direction: ltr;}
html[dir="rtl"] [data-testid="stMain"] {overflow-x: clip;}  /* Streamlit's block overflows by 2 px, empty, in RTL */
/* Streamlit's markdown says "left"; "start" is the right-hand side of an Arabic page. */
[data-testid="stMarkdownContainer"] {text-align: start;}
html[dir="rtl"] [data-testid="stMainBlockContainer"], html[dir="rtl"] [data-testid="stSidebarContent"] {direction: rtl;
  text-align: right;}
html[dir="rtl"] iframe, html[dir="rtl"] .stCode {direction: ltr; text-align: left;}  /* code reads left to right */
html[dir="rtl"] code {direction: ltr; unicode-bidi: isolate;}
</style>
"""


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


@st.cache_resource(show_spinner=False)
def dataset() -> Dataset:
    """Loaded and validated once per process; a data error is not cached, so a fixed file is picked up."""
    return load_dataset()


@st.cache_resource(show_spinner=False)
def locator() -> Locator:
    return Locator(dataset())


@st.cache_resource(show_spinner=False)
def geocoder() -> FallbackGeocoder | str:
    """The configured address service, or the French reason why there is none."""
    try:
        return make_geocoder()
    except GupError as exc:
        return str(exc)


@st.cache_resource(show_spinner=False)
def standalone_map() -> str:
    """The partners' standalone file, in French: built once per process, not on every move of a slider."""
    with using(SOURCE):
        return standalone_map_html(dataset())


@st.cache_resource(show_spinner=False)
def panel() -> Panel:
    return load_panel(config.data_dir(), dataset())


#: Each language name in the switch is marked with its own language (WCAG 3.1.2), so that it is read out in it;
#: one observer per browser tab keeps the marks when Streamlit draws the switch again.
MARK_LANGUAGE_NAMES = (
    f"window.gupLanguageNames = {json.dumps({name: code for code, name in LANGUAGES.items()}, ensure_ascii=False)};"
    "if (!window.gupLanguageObserver) {"
    " const mark = () => document.querySelectorAll('[role=radiogroup] [role=radio] p').forEach(p => {"
    "  const code = window.gupLanguageNames[p.textContent]; if (code && p.lang !== code) p.lang = code; });"
    " window.gupLanguageObserver = new MutationObserver(mark);"
    " window.gupLanguageObserver.observe(document.body, {childList: true, subtree: true}); mark(); }"
)


def choose_language() -> None:
    """The language switch of every page: the `lang=` parameter first, then the resident's choice, kept in the URL."""
    state = st.session_state
    if state.get("langue") is None:  # first visit, or the chosen button tapped again (which unselects it)
        state["langue"] = state.get("langue_active") or parse_language(st.query_params.get("lang"))
    state["langue_active"] = state["langue"]
    activate(state["langue"])
    st.segmented_control("Langue · اللغة · Language · Idioma", list(LANGUAGES), format_func=LANGUAGES.get,
                         key="langue", label_visibility="collapsed")
    if language() == SOURCE:
        st.query_params.pop("lang", None)
    else:
        st.query_params["lang"] = language()
    # The document itself says its language and direction: screen readers, fonts and axe read them there.
    st.html(f"<script>document.documentElement.lang = '{language()}';"
            f"document.documentElement.dir = '{direction()}';{MARK_LANGUAGE_NAMES}</script>", unsafe_allow_javascript=True)


def keep_language() -> None:
    """A fragment rerun does not run the page again: it takes the language chosen for this visit."""
    activate(st.session_state.get("langue_active") or SOURCE)


def show_error(exc: GupError) -> None:
    """The one place the UI turns a known error into a message; the data's own problems stay in French."""
    if isinstance(exc, DataError):
        st.error(_("Les données de la carte contiennent des erreurs ; la carte ne peut pas s'afficher."))
        st.markdown("\n".join(f"- {md(str(p))}" for p in exc.problems))
        st.info(_("Corrigez le fichier indiqué (ou reconstruisez les quartiers avec "
                  "`python -m geo build-data`), puis rechargez la page."))
    else:
        st.error(md(str(exc)))


def md(text: str) -> str:
    """Data texts shown through markdown must not become markup."""
    return "".join("\\" + c if c in "\\`*_{}[]()#+-.!|<>&" else c for c in text)


LEVEL_STYLES = {0: "background-color: #d73027; color: #fff; font-weight: bold", 1: "background-color: #fdae61"}


def highlight_levels(table: pd.DataFrame, per_resident: bool) -> pd.io.formats.style.Styler:
    """Gaps in red, fragile cells in orange, so that a planner sees them at a glance."""
    counts = table.drop(columns=table.columns[0])

    def style(column: pd.Series) -> list[str]:
        if per_resident:
            return [LEVEL_STYLES[0] if pd.isna(v) else "" for v in column]
        return [LEVEL_STYLES.get(int(v), "") for v in column]

    return table.style.apply(style, subset=counts.columns).format(precision=0, na_rep=_("aucune"))


def json_text(items: list) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2)


@st.cache_data(show_spinner=False, max_entries=32)
def planner_downloads(scenario_key: tuple, service_key: str | None) -> list[tuple[str, str | bytes, str, str]]:
    """The planner's exports, built once per scenario and map choice rather than on every rerun.

    The files are in French for every reader (shared documents); their button labels are translated on the page."""
    with using(SOURCE):
        return _planner_downloads(scenario_key, service_key)


def _planner_downloads(scenario_key: tuple, service_key: str | None) -> list[tuple[str, str | bytes, str, str]]:
    data = dataset()
    scenario = Scenario.from_key(scenario_key)
    structures, services = to_datainclusion(scenario.apply(data))
    validate(structures, services)
    suffix = "" if scenario.is_empty else "-simulation"
    return [
        (N_("Matrice (CSV)"), export_csv(data, scenario=scenario), f"couverture{suffix}.csv", "text/csv"),
        (N_("Matrice (XLSX)"), export_xlsx(data, scenario=scenario), f"couverture{suffix}.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (N_("Quartiers et couverture (GeoJSON)"), export_geojson(data, scenario=scenario), f"quartiers{suffix}.geojson",
         "application/geo+json"),
        (N_("Rapport imprimable (A4)"), report_html(data, scenario=scenario, service_key=service_key),
         f"rapport-couverture{suffix}.html", "text/html"),
        ("data·inclusion : structures.json", json_text(structures), "structures.json", "application/json"),
        ("data·inclusion : services.json", json_text(services), "services.json", "application/json"),
    ]
