"""Demand signals: anonymous counts of resident lookups per quartier × kind of help × ISO week.

Off unless the deployment sets GUP_STATS=1. What is stored is only the count, in the directory's own database
(SQLite or PostgreSQL, table `demand`): never an address, a coordinate, an IP address, a session, or any time
finer than the week. Counting does not move the directory's revision: no open page reloads for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Connection, insert, select, update

from geo import config
from geo.db.schema import demand
from geo.db.store import Store
from geo.i18n import _
from geo.territory import hours
from geo.territory.locate import Answer

ALL_SERVICES = "toutes"


@dataclass(frozen=True)
class DemandCount:
    quartier: str
    service: str
    semaine: str
    nombre: int


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def record_lookup(quartier_code: str, service_key: str | None, *, day: date | None = None,
                  store: Store | None = None) -> bool:
    """Count one lookup when the deployment allows it (a store given: always); says whether it counted."""
    if store is None:
        if not config.stats_enabled():
            return False
        from geo.directory.listings import Directory

        store = Directory.configured().store
    key = {"quartier": quartier_code, "service": service_key or ALL_SERVICES, "week": iso_week(day or hours.today())}
    with store.beside() as conn:
        if not _counted(conn, key):
            conn.execute(insert(demand).values(**key, lookups=1))
    return True


def _counted(conn: Connection, key: dict[str, str]) -> bool:
    """Adds one to an existing count (one statement, so two processes never lose a lookup); False if none yet."""
    which = (demand.c.quartier == key["quartier"]) & (demand.c.service == key["service"]) & (demand.c.week == key["week"])
    return bool(conn.execute(update(demand).where(which).values(lookups=demand.c.lookups + 1)).rowcount)


def record_answer(answer: Answer, service_key: str | None) -> bool:
    """Count a resident's answer: only answers inside a quartier say something about a quartier."""
    return answer.quartier is not None and record_lookup(answer.quartier.code, service_key)


def demand_counts(store: Store | None = None) -> list[DemandCount]:
    if store is None:
        from geo.directory.listings import Directory

        store = Directory.configured().store
    with store.reading() as conn:
        rows = conn.execute(select(demand).order_by(demand.c.week, demand.c.quartier, demand.c.service))
        return [DemandCount(r.quartier, r.service, r.week, r.lookups) for r in rows]


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
