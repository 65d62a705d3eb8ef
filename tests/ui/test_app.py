"""The resident page, run headless by Streamlit's AppTest."""

from __future__ import annotations

import html
import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo import config
from tests.conftest import CITE, TOULOUSE

APP = str(config.PROJECT_ROOT / "app.py")


@pytest.fixture
def app() -> AppTest:
    st.cache_resource.clear()  # each test sees the data of its own environment
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def plain(markdown: str) -> str:
    """Markdown as read: escapes removed."""
    return markdown.replace("\\", "")


def page_html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def cards(at: AppTest) -> str:
    """Only the structure cards of the answer (not the GUP panel or the emergency numbers)."""
    return "\n".join(m.value for m in at.markdown if m.value.startswith('<div class="gup-structure"><h3>')
                     and 'class="gup-presence"' in m.value and "href=\"tel:+33" in m.value)


def answer(at: AppTest) -> str:
    """The answer's live region, as HTML: what a screen reader announces when a place is chosen."""
    regions = [m.value for m in at.markdown if 'role="status"' in m.value]
    assert len(regions) == 1, regions
    return regions[0]


def headline(at: AppTest) -> str:
    return html.unescape(answer(at).split("<strong>", 1)[1].split("</strong>", 1)[0])


@pytest.mark.slow
def test_first_view_invites_to_choose(app):
    assert app.title[0].value == "Qui peut m'aider près de chez moi ?"
    assert 'aria-live="polite"' in answer(app)  # the live region is there before the first answer
    assert any("Choisissez votre quartier" in i.value for i in app.info)
    assert cards(app) == ""


def test_choosing_a_quartier_lists_its_structures_with_tel_links(app):
    app.selectbox(key="quartier").set_value("QP011006").run()
    assert headline(app) == "Vous êtes dans le quartier Grazailles."
    assert "4 structures peuvent vous aider" in answer(app)
    html = cards(app)
    for tel in ("tel:+33468711432", "tel:+33468472271", "tel:+33660489809", "tel:+33468777399"):
        assert tel in html
    assert "tel:+33468728940" not in html and "Centre social La Roseraie" not in html


def test_filtering_by_kind_of_help(app):
    app.selectbox(key="quartier").set_value("QP011006").run()
    app.session_state["service"] = "education"
    app.run()
    html = cards(app)
    assert "Centre social Max Savy" in html and "MEDIACTION" not in html


def test_a_tapped_point_outside_the_quartiers(app):
    app.session_state["point"] = CITE
    app.run()
    assert headline(app).startswith("Vous êtes à Carcassonne, en dehors des quartiers prioritaires.")
    assert "tel:+33468777399" in cards(app)


def test_a_tapped_point_outside_the_commune(app):
    app.session_state["point"] = TOULOUSE
    app.run()
    assert "hors de la commune" in headline(app) and "gup-none" in answer(app)
    assert "Aucune structure" in answer(app) and cards(app) == ""


def test_broken_data_shows_what_is_wrong_instead_of_a_traceback(monkeypatch, data_copy):
    (data_copy / "structures.csv").write_text("id,nom\n", encoding="utf-8")
    monkeypatch.setenv("GUP_DATA_DIR", str(data_copy))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("Les données de la carte contiennent des erreurs")
    assert "colonne obligatoire absente" in page_html(at)


def test_names_from_data_cannot_become_markup(monkeypatch, data_copy):
    path = data_copy / "quartiers.geojson"
    path.write_text(path.read_text(encoding="utf-8").replace('"nom_local":"Grazailles"',
                                                             '"nom_local":"[piège](javascript:alert(1)) <b>x</b>"'),
                    encoding="utf-8")
    monkeypatch.setenv("GUP_DATA_DIR", str(data_copy))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.selectbox(key="quartier").set_value("QP011006").run()
    region = answer(at)
    assert "[piège](javascript:alert(1)) &lt;b&gt;x&lt;/b&gt;" in region and "<b>" not in region
    assert "<a " not in region


def test_who_is_there_tonight_with_a_frozen_clock(monkeypatch):
    monkeypatch.setenv("GUP_NOW", "2026-11-24T21:00")  # a Tuesday evening
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.selectbox(key="quartier").set_value("QP011006").run()
    tonight = next(m.value for m in at.markdown if m.value.startswith('<ul class="gup-tonight">'))
    first = tonight.split("<li>")[1]
    assert first.startswith("<strong>MEDIACTION</strong> — médiateurs présents") and "tel:+33660489809" in first
    monkeypatch.setenv("GUP_NOW", "2026-11-29T21:00")  # a Sunday
    at.run()
    assert any("Aucune structure n'est annoncée ce soir" in i.value for i in at.info)


def test_problem_panel_routes_bulky_waste_to_covaldem(app):
    app.selectbox(key="gup_theme").set_value("proprete").run()
    app.radio(key="gup_proprete").set_value("encombrants").run()
    html = page_html(app)
    assert "COVALDEM 11" in html and 'href="tel:+33468119700"' in html
    assert 'href="sms:114"' in html  # emergency numbers always at hand


def test_missing_quartiers_say_which_command_rebuilds_them(monkeypatch, data_copy):
    (data_copy / "quartiers.geojson").unlink()
    monkeypatch.setenv("GUP_DATA_DIR", str(data_copy))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception and "python \\-m geo build\\-data" in page_html(at)


def test_an_unexpected_error_gives_a_reference_not_a_stack(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("détail interne")

    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["quartier"] = "QP011006"
    monkeypatch.setattr("geo.territory.locate.Locator.for_quartier", explode)
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("Erreur inattendue (référence ") and "détail interne" not in at.error[0].value


@pytest.mark.parametrize(("params", "expected"), [
    ({"quartier": "QP011006"}, "Vous êtes dans le quartier Grazailles."),
    ({"lon": str(CITE[0]), "lat": str(CITE[1])}, "Vous êtes à Carcassonne, en dehors des quartiers prioritaires."),
    ({"adresse": "12 rue fictive jules sauzede"}, "Vous êtes dans le quartier La Conte-Ozanam-Sainte-Marie."),
])
def test_a_shared_link_opens_on_its_answer(monkeypatch, tmp_path, params, expected):
    from geo.geocode import build_offline_index
    from tests.addok_server import FIXTURE

    data = tmp_path / "data"
    shutil.copytree(config.data_dir(), data)
    build_offline_index(FIXTURE, "11069", data)
    monkeypatch.setenv("GUP_DATA_DIR", str(data))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert headline(at).startswith(expected)


def test_state_goes_into_the_url_and_bad_parameters_are_ignored(app):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"quartier": "QP999", "service": "education", "zoom": "3", "lat": "abc", "lon": "2"})
    at.run()
    assert not at.exception
    notice = plain(at.caption[0].value)
    assert "quartier inconnu « QP999 »" in notice and "paramètre inconnu « zoom »" in notice and "point illisible" in notice
    at.selectbox(key="quartier").set_value("QP011004").run()
    assert at.query_params["quartier"] == "QP011004" and at.query_params["service"] == "education"


def test_vue_planner_opens_the_planner(monkeypatch):
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["vue"] = "planner"
    at.run()
    assert any("Où le réseau de médiation est-il fragile ?" in s.value for s in at.title)


def test_a_territory_of_several_communes_asks_the_commune_first(tmp_path, monkeypatch, sources_dir):
    """The Aude: choosing Narbonne lists its three quartiers only; a Narbonne quartier says that no structure is
    listed for the commune yet; the link keeps the commune."""
    from geo.sources.build import build_data
    from tests.conftest import committed_data

    folder = committed_data(tmp_path / "aude")
    for name in ("gup_contacts.csv", "gup_themes.csv"):
        shutil.copy(config.data_dir() / name, folder / name)
    build_data(territory="11", data_dir=folder, sources_dir=sources_dir)
    for name, value in (("GUP_DATA_DIR", str(folder)), ("GUP_TERRITOIRE", "11"),
                        ("GUP_DATABASE_URL", f"sqlite:///{tmp_path / 'annuaire.sqlite3'}")):
        monkeypatch.setenv(name, value)
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    commune = next(s for s in at.selectbox if s.label == "Votre commune")
    assert commune.options == ["Carcassonne", "Lézignan-Corbières", "Limoux", "Narbonne"]
    commune.set_value("11262").run()
    quartier = next(s for s in at.selectbox if s.label == "Votre quartier")
    assert quartier.options == ["Narbonne Ouest", "Narbonne Centre", "Narbonne Est"]
    quartier.set_value("QP011008").run()
    assert not at.exception, at.exception
    assert "Aucune structure renseignée pour cette commune pour l&#x27;instant." in page_html(at)
    assert (at.query_params["commune"], at.query_params["quartier"]) == ("11262", "QP011008")
