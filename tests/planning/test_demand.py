"""Demand signals: off by default; when on, only counts per quartier × kind of help × week, in the directory's own
database (SQLite and PostgreSQL), never moving its revision."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect

from geo.planning import demand
from geo.territory import hours
from tests.conftest import CITE
from tests.db.test_store import open_directory


def test_off_by_default_nothing_is_written(monkeypatch, locator):
    monkeypatch.delenv("GUP_STATS", raising=False)
    before = demand.demand_counts()
    assert demand.record_answer(locator.for_quartier("QP011006"), None) is False
    assert demand.demand_counts() == before


def test_only_counts_are_stored_in_the_directory_s_database(store_url, locator, monkeypatch):
    monkeypatch.setenv("GUP_STATS", "1")
    monkeypatch.setenv("GUP_DATABASE_URL", store_url)
    store = open_directory(store_url).store
    revision = store.revision()
    grazailles = locator.for_quartier("QP011006")
    assert demand.record_answer(grazailles, "education")
    assert demand.record_answer(grazailles, "education")
    assert demand.record_answer(grazailles, None)
    assert not demand.record_answer(locator.locate(*CITE), None)  # no quartier: nothing to say about one
    columns = [c["name"] for c in inspect(store.engine).get_columns("demand")]
    assert columns == ["quartier", "service", "week", "lookups"]  # nothing else: no time, no address, no session
    week = demand.iso_week(hours.today())
    assert [(c.quartier, c.service, c.semaine, c.nombre) for c in demand.demand_counts(store)] == [
        ("QP011006", "education", week, 2), ("QP011006", "toutes", week, 1)]
    assert store.revision() == revision  # counting is not a change of the directory: no page reloads for it


def test_weeks_are_iso_weeks_and_tables_sum_them(store_url):
    store = open_directory(store_url).store
    demand.record_lookup("QP011004", "emploi", day=date(2026, 1, 1), store=store)   # ISO 2026-W01
    demand.record_lookup("QP011004", "emploi", day=date(2025, 12, 29), store=store)  # also 2026-W01
    demand.record_lookup("QP011004", "emploi", day=date(2026, 1, 5), store=store)   # 2026-W02
    counts = demand.demand_counts(store)
    assert [(c.semaine, c.nombre) for c in counts] == [("2026-W01", 2), ("2026-W02", 1)]
    table = demand.demand_table(counts, {"QP011004": "Bastide-Pont-Vieux"}, {"emploi": "Emploi"})
    assert table.loc["Bastide-Pont-Vieux", "Emploi"] == 3
