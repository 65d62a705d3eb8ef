"""Demand signals: anonymous counts of resident lookups per quartier × kind of help × ISO week.

Off unless the deployment sets GUP_STATS=1. What is stored is only the count: never an address, a
coordinate, an IP address, a session, or any time finer than the week.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from geo import config
from geo.domain import hours
from geo.domain.locate import Answer
from geo.i18n import _

ALL_SERVICES = "toutes"
SCHEMA = """CREATE TABLE IF NOT EXISTS recherches (
    quartier TEXT NOT NULL, service TEXT NOT NULL, semaine TEXT NOT NULL, nombre INTEGER NOT NULL,
    PRIMARY KEY (quartier, service, semaine))"""


@dataclass(frozen=True)
class DemandCount:
    quartier: str
    service: str
    semaine: str
    nombre: int


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=5)
    connection.execute(SCHEMA)
    return connection


def record_lookup(quartier_code: str, service_key: str | None, *, day: date | None = None,
                  path: Path | None = None) -> bool:
    """Count one lookup when the deployment allows it; says whether it counted."""
    if path is None and not config.stats_enabled():
        return False
    with closing(_connect(path or config.stats_db())) as db, db:
        db.execute("INSERT INTO recherches VALUES (?, ?, ?, 1) ON CONFLICT (quartier, service, semaine) "
                   "DO UPDATE SET nombre = nombre + 1",
                   (quartier_code, service_key or ALL_SERVICES, iso_week(day or hours.today())))
    return True


def record_answer(answer: Answer, service_key: str | None) -> bool:
    """Count a resident's answer: only answers inside a quartier say something about a quartier."""
    return answer.quartier is not None and record_lookup(answer.quartier.code, service_key)


def demand_counts(path: Path | None = None) -> list[DemandCount]:
    path = path or config.stats_db()
    if not path.is_file():
        return []
    with closing(_connect(path)) as db:
        rows = db.execute("SELECT quartier, service, semaine, nombre FROM recherches ORDER BY semaine, quartier, service")
        return [DemandCount(*row) for row in rows]


def demand_table(counts: list[DemandCount], quartier_names: dict[str, str],
                 service_names: dict[str, str]) -> pd.DataFrame:
    """Lookups summed over the weeks: a row per quartier, a column per kind of help ('Toutes les aides' first)."""
    if not counts:
        return pd.DataFrame()
    frame = pd.DataFrame([c.__dict__ for c in counts])
    table = frame.pivot_table(index="quartier", columns="service", values="nombre", aggfunc="sum", fill_value=0)
    columns = [ALL_SERVICES, *service_names]
    table = table.reindex(columns=[c for c in columns if c in table.columns])
    table.columns = [service_names.get(c, _("Toutes les aides")) for c in table.columns]
    table.index = [quartier_names.get(q, q) for q in table.index]
    return table
