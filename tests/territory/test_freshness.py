"""Freshness: a fact never checked, or checked longer ago than the listing's frequency, is « à vérifier »."""

from __future__ import annotations

import dataclasses
from datetime import date

from geo.territory.fields import CHECKED_FACTS
from geo.territory.freshness import freshness, is_due


def test_a_fact_is_due_after_its_frequency_in_months() -> None:
    assert is_due(None, 6, date(2026, 1, 1))
    assert not is_due(date(2026, 3, 3), 6, date(2026, 9, 3))
    assert is_due(date(2026, 3, 3), 6, date(2026, 9, 4))
    assert not is_due(date(2026, 3, 3), 12, date(2026, 9, 4))


def test_a_listing_is_as_fresh_as_its_oldest_fact(dataset) -> None:  # type: ignore[no-untyped-def]
    structure = dataset.structure("cs-max-savy")
    assert freshness(structure, date(2026, 1, 1)).due == CHECKED_FACTS  # loaded from files: never checked
    checked = dict.fromkeys(CHECKED_FACTS, date(2026, 6, 1)) | {"telephone": date(2026, 2, 1)}
    state = freshness(dataclasses.replace(structure, checked=checked), date(2026, 9, 1))
    assert (state.checked_on, state.due, state.last_checked) == (date(2026, 2, 1), ("telephone",), date(2026, 6, 1))
    assert not freshness(dataclasses.replace(structure, checked=checked, update_months=12), date(2026, 9, 1)).to_check
