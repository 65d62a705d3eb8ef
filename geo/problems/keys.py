"""Partner applications' Open311 keys: a key lets an application (a bailleur's, a médiateurs' tablet) post more
reports an hour than an anonymous client. The key is shown once when made; only its SHA-256 is kept, so a copy of
the database or a backup gives no key away.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from geo.db.schema import api_key
from geo.db.store import Store
from geo.errors import InputError
from geo.territory.hours import local, now
from geo.territory.text import NAME_MAX, bounded, control_problem


@dataclass(frozen=True)
class ApiKey:
    name: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiKeys:
    def __init__(self, store: Store):
        self.store = store

    def create(self, name: str, *, by: str) -> str:
        """A new key for an application, returned once (it is not kept)."""
        name = name.strip()
        if not name or (why := control_problem(name)):
            raise InputError(f"Nom d'application invalide : « {name} »" + (f" ({why})" if name else "") + ".")
        bounded(name, "Nom d'application", NAME_MAX)
        key = secrets.token_urlsafe(24)
        values = {"key_sha256": _digest(key), "created_by": by, "created_at": now(), "revoked_at": None}
        with self.store.beside() as conn:
            found = conn.execute(select(api_key.c.revoked_at).where(api_key.c.name == name)).first()
            if found is None:
                conn.execute(insert(api_key).values(name=name, **values))
            elif found.revoked_at is None:
                raise InputError(f"Une clé existe déjà pour « {name} » : retirez-la d'abord (revoke-api-key).")
            else:  # a new key for an application whose old one was revoked
                conn.execute(update(api_key).where(api_key.c.name == name).values(**values))
        return key

    def revoke(self, name: str) -> bool:
        with self.store.beside() as conn:
            return bool(conn.execute(update(api_key).where((api_key.c.name == name) & api_key.c.revoked_at.is_(None))
                                     .values(revoked_at=now())).rowcount)

    def holder(self, key: str) -> str | None:
        """The application a key belongs to, unless unknown or revoked."""
        with self.store.reading() as conn:
            row = conn.execute(select(api_key.c.name).where((api_key.c.key_sha256 == _digest(key))
                                                            & api_key.c.revoked_at.is_(None))).first()
        return str(row.name) if row else None

    def listed(self) -> list[ApiKey]:
        with self.store.reading() as conn:
            return [ApiKey(r.name, r.created_by, local(r.created_at), local(r.revoked_at) if r.revoked_at else None)
                    for r in conn.execute(select(api_key).order_by(api_key.c.name))]
