"""Demand signals: off by default; when on, only counts per quartier × kind of help × week."""

from __future__ import annotations

import sqlite3
from datetime import date

from geo.io import stats
from tests.conftest import CITE


def test_off_by_default_nothing_is_written(monkeypatch, tmp_path, locator):
    monkeypatch.delenv("GUP_STATS", raising=False)
    monkeypatch.setenv("GUP_STATS_DB", str(tmp_path / "stats.sqlite3"))
    assert stats.record_answer(locator.for_quartier("QP011006"), None) is False
    assert not (tmp_path / "stats.sqlite3").exists()


def test_only_counts_are_stored(monkeypatch, tmp_path, locator):
    db = tmp_path / "stats.sqlite3"
    monkeypatch.setenv("GUP_STATS", "1")
    monkeypatch.setenv("GUP_STATS_DB", str(db))
    grazailles = locator.for_quartier("QP011006")
    assert stats.record_answer(grazailles, "education")
    assert stats.record_answer(grazailles, "education")
    assert stats.record_answer(grazailles, None)
    assert not stats.record_answer(locator.locate(*CITE), None)  # no quartier: nothing to say about one
    with sqlite3.connect(db) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(recherches)")]
        rows = connection.execute("SELECT * FROM recherches ORDER BY service").fetchall()
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["recherches"] and columns == ["quartier", "service", "semaine", "nombre"]
    week = stats.iso_week(date.today())
    assert rows == [("QP011006", "education", week, 2), ("QP011006", "toutes", week, 1)]


def test_weeks_are_iso_weeks_and_tables_sum_them(tmp_path):
    db = tmp_path / "s.sqlite3"
    stats.record_lookup("QP011004", "emploi", day=date(2026, 1, 1), path=db)   # ISO 2026-W01
    stats.record_lookup("QP011004", "emploi", day=date(2025, 12, 29), path=db)  # also 2026-W01
    stats.record_lookup("QP011004", "emploi", day=date(2026, 1, 5), path=db)   # 2026-W02
    counts = stats.demand_counts(db)
    assert [(c.semaine, c.nombre) for c in counts] == [("2026-W01", 2), ("2026-W02", 1)]
    table = stats.demand_table(counts, {"QP011004": "Bastide-Pont-Vieux"}, {"emploi": "Emploi"})
    assert table.loc["Bastide-Pont-Vieux", "Emploi"] == 3
