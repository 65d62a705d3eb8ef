"""The planner page, run headless by Streamlit's AppTest."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo import config

APP = str(config.PROJECT_ROOT / "app.py")


@pytest.fixture
def planner(monkeypatch, tmp_path) -> AppTest:
    monkeypatch.delenv("GUP_STATS", raising=False)
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("ui/pages/planner.py").run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str, *, without: str | None = None):
    """The page's table that has this column (and not that one): found by what it shows, not by its rank."""
    found = [d.value for d in at.dataframe if column in d.value.columns and without not in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def matrix(at: AppTest):
    return table_with(at, "Population (INSEE 2015)")


def test_matrix_population_and_weak_spots(planner):
    table = matrix(planner)
    assert table.loc["Bastide-Pont-Vieux", "Population (INSEE 2015)"] == 3775
    assert table.loc["Bastide-Pont-Vieux", "Logement – santé – loisirs"] == 1
    bullets = [m.value.replace("\\", "") for m in planner.markdown if m.value.startswith("- **")]
    assert len(bullets) == 6 and bullets[0].startswith("- **Bastide-Pont-Vieux** · Aide – éducation")
    assert any("Logement – santé – loisirs : une seule" in b and "3\u202f775 habitants" in b for b in bullets)


def test_matrix_carries_both_codes_and_the_2024_changes_are_explained(planner):
    assert list(matrix(planner).loc["Grazailles", ["Code 2015", "Code 2024"]]) == ["QP011006", "QN01106M"]
    changes = table_with(planner, "Pour la couverture")
    assert changes.loc["Grazailles", "Changement"] == "redessiné"
    assert "des rues sont entrées ou sorties" in changes.loc["Grazailles", "Pour la couverture"]
    assert "Centre social Max Savy" in changes.loc["Grazailles", "Structures de la brochure"]
    assert any("redessiné : 1 (Grazailles)" in c.value and "contours de 2015" in c.value for c in planner.caption)


def test_what_if_switch_off_changes_the_matrix_not_the_data(planner):
    planner.multiselect(key="si_off").set_value(["cas-carcassonne"]).run()
    assert "Simulation en cours" in planner.warning[0].value
    assert matrix(planner).loc["Bastide-Pont-Vieux", "Accueil"] == 1  # EVS only, the CAS switched off
    planner.button[0].click().run()  # reset
    assert not planner.warning and matrix(planner).loc["Bastide-Pont-Vieux", "Accueil"] == 2


def test_what_if_extend_a_structure(planner):
    planner.selectbox(key="si_structure").set_value("abp").run()
    planner.multiselect(key="xq_abp").set_value(["QP011006"]).run()
    assert matrix(planner).loc["Grazailles", "Médiation – résolution de conflits"] == 4


def test_residents_per_structure_view(planner):
    planner.toggle(key="par_habitant").set_value(True).run()
    assert matrix(planner).loc["Bastide-Pont-Vieux", "Logement – santé – loisirs"] == 3775


def test_indicators_with_years_and_downloads(planner):
    indicators = table_with(planner, "Taux de pauvreté (%, 2017)")
    assert indicators.loc["Le Viguier-Saint-Jacques", "Taux de pauvreté (%, 2017)"] == 65.1
    labels = [b.label for b in planner.get("download_button")]
    assert labels == ["Matrice (CSV)", "Matrice (XLSX)", "Quartiers et couverture (GeoJSON)", "Rapport imprimable (A4)",
                      "data·inclusion : structures.json", "data·inclusion : services.json"]


def test_demand_signals_shown_when_switched_on(monkeypatch, tmp_path):
    from geo.directory.listings import Directory
    from geo.planning import demand

    monkeypatch.setenv("GUP_DATABASE_URL", f"sqlite:///{tmp_path / 'annuaire.sqlite3'}")  # counts of its own
    demand.record_lookup("QP011006", "education", store=Directory.configured().store)
    monkeypatch.setenv("GUP_STATS", "1")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("ui/pages/planner.py").run()
    demand = table_with(at, "Aide – éducation – décrochage scolaire", without="Population (INSEE 2015)")
    assert demand.loc["Grazailles", "Aide – éducation – décrochage scolaire"] == 1


def test_partner_page_snippet_and_standalone_map(monkeypatch):
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("ui/pages/partners.py").run()
    at.selectbox(key="p_quartier").set_value("QP011006").run()
    snippet = at.code[0].value
    assert snippet.startswith('<iframe src="') and "quartier=QP011006" in snippet and "embed=true" in snippet
    assert 'title="Carte de la médiation — Grazailles"' in snippet and 'loading="lazy"' in snippet and "aria-label" in snippet
    assert [b.label for b in at.get("download_button")] == ["Télécharger la carte (un seul fichier HTML, en français)"]


def test_structure_sheet(monkeypatch):
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.query_params["id"] = "evs-bastide"  # as a shared link /structure?id=evs-bastide gives it
    at.switch_page("ui/pages/structure.py").run()
    html = "\n".join(m.value for m in at.markdown)
    assert "Espace de vie sociale Bastide-Pont-Vieux" in html and 'href="tel:+33468710391"' in html
    assert "Itinéraire vers l'adresse" in html and "rue%20Jules%20Sauz%C3%A8de" in html
    assert "SMS" not in html  # a landline
    assert at.query_params["id"] == "evs-bastide"


def test_structure_sheet_of_the_mobile_number_offers_sms():
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("ui/pages/structure.py").run()
    at.selectbox(key="fiche").set_value("mediaction").run()
    assert "(sms:+33660489809)" in "\n".join(m.value for m in at.markdown)


def test_the_committee_sees_reports_per_quartier_and_month_and_downloads_them(monkeypatch, tmp_path) -> None:
    from geo.services import problems_of
    from tests.conftest import copy_data_dir
    from tests.db.test_store import open_directory
    from tests.problems.test_problems import GRAZAILLES

    data = copy_data_dir(tmp_path / "data")
    monkeypatch.setenv("GUP_DATA_DIR", str(data))
    monkeypatch.setenv("GUP_NOW", "2026-12-08T10:00")
    problems_of(open_directory(f"sqlite:///{data / 'annuaire.sqlite3'}")).file("encombrants", *GRAZAILLES, "")
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("ui/pages/planner.py").run()
    assert not at.exception, at.exception
    counts = table_with(at, "Mois")
    assert counts.iloc[0].tolist() == ["Grazailles", "Propreté, abords des immeubles, parties communes, déchets",
                                       "2026-12", 1]
    assert "Délai médian (jours)" in table_with(at, "Partenaire").columns
    labels = [b.label for b in at.get("download_button")]
    assert "Signalements (XLSX)" in labels and "Rapport A4 avec les photos publiées (HTML)" in labels
