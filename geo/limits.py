"""Limits on what a visitor may send: one rule for every face and every feature (listing corrections, problem
reports, « moi aussi »). A limit is counted in memory and never stored, so no address or identity ever reaches the
database; which address is the client's is the server's business (GUP_TRUSTED_PROXIES, geo.http.server): the limit
only keys on it. A refused event raises TooMany, which one handler per face turns into its 429.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from geo.errors import GupError
from geo.i18n import language

#: Client addresses a limit remembers at most: under a flood of new addresses, the oldest are forgotten first.
MAX_KEYS = 20_000
LOOPBACK = "boucle locale"


def client_key(address: str | None) -> str:
    """The key a client address counts under: an IPv6 address by its /64 (one household's whole network, which
    it can renumber at will); None is Streamlit's word for the loopback."""
    if address is None:
        return LOOPBACK
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class TooMany(GupError):
    """A limit of the core refused the event. Every face turns it into its own 429, with `retry_after` seconds
    (the limit's window): one error, so that a new entry point cannot answer it differently or forget it."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
        self.language = language()
        """The language the message was written in: the face's answer around it speaks it too."""


@dataclass(frozen=True)
class Sender:
    """Who sends, as the limits count it: the client's address key (`client_key`), the browser session on the
    page, or a partner application holding an Open311 key. Nothing of it is ever stored."""

    client: str
    session: str | None = None
    application: str | None = None

    def counted_as(self) -> tuple[str, ...]:
        return (self.client, *((f"session {self.session}",) if self.session else ()))


def cross_site(fetch_site: str | None, origin: str | None, ours: set[str]) -> bool:
    """Whether a browser sent this post from another site: Sec-Fetch-Site when the browser says it, else the
    Origin, whose host must be one of `ours` (addresses as « https://host » or « //host »). A post with neither
    comes from no browser that could be tricked into it (a script, an old browser): it is let through."""
    if fetch_site:
        return fetch_site.strip().lower() not in ("same-origin", "none")
    if origin is None:
        return False
    hosts = {urlsplit(address).netloc.lower() for address in ours}
    return urlsplit(origin.strip()).netloc.lower() not in hosts - {""}


def admit(limit: RateLimit, sender: Sender, message: str) -> None:
    """The event counted under the sender's address and session, or TooMany."""
    for key in sender.counted_as():
        limit.check(key, message)


class RateLimit:
    """At most `limit` events per key within `window` seconds, in this process's memory only. A key whose events
    are all older than the window is forgotten, and at most `max_keys` keys are kept (the least recently seen go
    first), so memory stays bounded whatever the traffic."""

    def __init__(self, limit: int, window: float = 3600.0, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = MAX_KEYS):
        self.limit, self.window, self.clock, self.max_keys = limit, window, clock, max_keys
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._events)

    def allow(self, key: str) -> bool:
        """Counts the event and says whether it is within the limit (a refused event is not counted)."""
        moment = self.clock()
        with self._lock:
            self._forget_before(moment - self.window)
            events = self._events.setdefault(key, deque())
            while events and moment - events[0] >= self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(moment)
            self._events.move_to_end(key)
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
            return True

    def check(self, key: str, message: str) -> None:
        """Counts the event, or raises TooMany with `message` (already in the reader's language) when over."""
        if not self.allow(key):
            raise TooMany(message, retry_after=int(self.window))

    def _forget_before(self, oldest: float) -> None:
        """The keys are in order of their last event: the expired ones are at the front."""
        while self._events:
            key, events = next(iter(self._events.items()))
            if events and events[-1] > oldest:
                return
            del self._events[key]
