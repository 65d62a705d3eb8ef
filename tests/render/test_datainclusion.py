"""data·inclusion v1: validated by the official package, and the coverage survives the round trip."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from geo.errors import DataError
from geo.planning.exports import write_export
from geo.render.datainclusion import SOURCE, to_datainclusion, validate


def coverage_from_services(services: list[dict[str, Any]]) -> dict[str, tuple[set[str], set[str]]]:
    """{structure id: (quartier codes, service keys)} read back from exported services."""
    coverage: dict[str, tuple[set[str], set[str]]] = {}
    for service in services:
        structure, key = service["id"].removeprefix(f"{SOURCE}--").rsplit("--", 1)
        quartiers, keys = coverage.setdefault(structure, (set(), set()))
        quartiers.update(re.findall(r"QP\d{6}", service["publics_precisions"]))
        keys.add(key)
    return coverage


def test_export_validates_with_the_official_schema(dataset):
    structures, services = to_datainclusion(dataset)
    validate(structures, services)
    assert len(structures) == 8 and len(services) == sum(len(s.services) for s in dataset.structures)


def test_just_after_midnight_in_paris_the_export_still_validates(dataset):
    """Paris is one or two hours ahead of the UTC machines data·inclusion checks dates on: from 00:00 to 02:00 in
    Paris, « today » is tomorrow for them. The suite once failed whenever it ran in that hour."""
    paris_day_ahead = datetime.now(UTC).date() + timedelta(days=1)  # as GUP_NOW could say at 00:30 in Paris
    structures, services = to_datainclusion(dataset, today=paris_day_ahead)
    validate(structures, services)
    assert max(s["date_maj"] for s in [*structures, *services]) <= min(date.today(), datetime.now(UTC).date()).isoformat()


def test_reading_back_gives_the_same_coverage(dataset, tmp_path):
    write_export(dataset, "datainclusion", tmp_path)
    services = json.loads((tmp_path / "services.json").read_text(encoding="utf-8"))
    structures = json.loads((tmp_path / "structures.json").read_text(encoding="utf-8"))
    assert {s["id"] for s in structures} == {f"gup-carcassonne--{s.id}" for s in dataset.structures}
    assert coverage_from_services(services) == {s.id: (set(s.quartiers), set(s.services)) for s in dataset.structures}


def test_kinds_of_help_carry_their_thematiques(dataset):
    _, services = to_datainclusion(dataset)
    school = next(s for s in services if s["id"] == "gup-carcassonne--cs-max-savy--education")
    assert school["thematiques"] == ["famille--soutien-a-la-parentalite-et-a-leducation"]
    assert school["zone_eligibilite"] == ["11069"] and "Grazailles (QP011006)" in school["publics_precisions"]


def test_validation_really_rejects(dataset):
    short = dataclasses.replace(dataset.structures[0], nom="CS")
    structures, services = to_datainclusion(dataclasses.replace(dataset, structures=(short,)))
    with pytest.raises(DataError, match=r"structures\.json, ligne 1, colonne « nom »"):
        validate(structures, services)
