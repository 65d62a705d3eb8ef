"""A resident's "Signaler une erreur": a reason from a short list and an optional text, nothing personal.

Reports go to the queue of the admins and of the structure's editors. A visitor may file a few an hour (per
session in the page, per address at the server); the limit is counted in memory and never stored, so no address
or identity ever reaches the database.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from geo.domain.text import without_controls
from geo.errors import InputError
from geo.i18n import N_

REASONS: dict[str, str] = {
    "numero_faux": N_("numéro faux"),
    "horaires_faux": N_("horaires faux"),
    "adresse_fausse": N_("adresse fausse"),
    "n_existe_plus": N_("la structure n'existe plus"),
    "autre": N_("autre"),
}
MAX_TEXT = 500
#: Reports a visitor may file per hour (per browser session, and per address at the server).
PER_HOUR = 5


def check_report(reason: str, text: str) -> str:
    """The text as kept (trimmed), or an InputError naming what is wrong."""
    if reason not in REASONS:
        raise InputError(f"Motif de signalement inconnu : « {reason} » (possibles : {', '.join(REASONS)}).")
    text = without_controls(text).strip()  # a resident's paste keeps its words, never a terminal's commands
    if len(text) > MAX_TEXT:
        raise InputError(f"Le texte du signalement dépasse {MAX_TEXT} caractères ({len(text)}).")
    return text


class RateLimit:
    """At most `limit` events per key within `window` seconds, in this process's memory only."""

    def __init__(self, limit: int = PER_HOUR, window: float = 3600.0, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Counts the event and says whether it is within the limit (a refused event is not counted)."""
        moment = self.clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and moment - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(moment)
            return True
