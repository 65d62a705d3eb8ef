"""The limit on residents' reports: per client address, forgetting what expired, bounded under a flood."""

from __future__ import annotations

import pytest

from geo.directory.corrections import PER_HOUR, REPORTS_PER_ADDRESS
from geo.limits import LOOPBACK, MAX_KEYS, RateLimit, client_key


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_sixth_report_of_the_hour_is_refused_and_the_next_hour_allowed() -> None:
    clock = Clock()
    limit = RateLimit(PER_HOUR, clock=clock)
    assert [limit.allow("127.0.0.2") for _ in range(6)] == [True] * 5 + [False]
    assert limit.allow("127.0.0.3")
    clock.now = 3600.0
    assert limit.allow("127.0.0.2")


def test_keys_whose_events_expired_are_forgotten() -> None:
    clock = Clock()
    limit = RateLimit(PER_HOUR, clock=clock)
    for n in range(100):
        limit.allow(f"10.0.0.{n}")
    assert len(limit) == 100
    clock.now = 3600.0
    limit.allow("10.0.1.1")
    assert len(limit) == 1


def test_a_flood_of_distinct_addresses_keeps_memory_bounded() -> None:
    clock = Clock()
    limit = RateLimit(PER_HOUR, clock=clock, max_keys=1_000)
    for n in range(10_000):
        clock.now = n / 100  # ten thousand addresses within two minutes: none has expired yet
        assert limit.allow(f"2001:db8:{n:x}::1")
    assert len(limit) == 1_000
    assert REPORTS_PER_ADDRESS.max_keys == MAX_KEYS


def test_a_recent_client_survives_a_flood_longer_than_an_old_one() -> None:
    clock = Clock()
    limit = RateLimit(PER_HOUR, clock=clock, max_keys=3)
    for key in ("ancien", "recent"):
        for _ in range(PER_HOUR):
            limit.allow(key)
    limit.allow("flot-1")
    limit.allow("flot-2")  # four keys: the least recently seen goes
    assert not limit.allow("recent")  # still remembered, still limited
    assert limit.allow("ancien")  # forgotten: it starts again


@pytest.mark.parametrize(("address", "key"), [
    (None, LOOPBACK),
    ("127.0.0.2", "127.0.0.2"),
    ("::ffff:192.0.2.7", "192.0.2.7"),
    ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),
])
def test_an_ipv6_household_counts_once_per_network(address: str | None, key: str) -> None:
    assert client_key(address) == key
