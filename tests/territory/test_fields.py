"""A structure's fields are declared once (geo/territory/fields.py): everything else is derived from it or held to it."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date

from geo.territory import fields
from geo.territory.model import Structure
from geo.territory.validation import StructureRow
from tests.db.test_store import COMMITTED


def test_the_exchange_file_has_the_declared_columns_in_order():
    with COMMITTED.open(encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == fields.STRUCTURE_COLUMNS


def test_the_model_and_the_row_schema_carry_the_declared_fields():
    modelled = set(fields.MODELLED_COLUMNS)
    assert set(StructureRow.model_fields) == modelled  # derived: the row schema takes the model's own fields
    assert modelled <= {f.name for f in dataclasses.fields(Structure)}
    assert not modelled & {f for f in fields.STRUCTURE_COLUMNS if f.endswith("_source")}


def test_what_is_derived_from_the_declaration():
    assert fields.REQUIRED_STRUCTURE_COLUMNS == ("id", "nom", "groupe", "presence", "quartiers", "services", "telephone")
    assert fields.CHECKED_FACTS == ("telephone", "adresse", "horaires", "courriel", "quartiers", "services",
                                    "toute_la_commune")  # the order reminders and open data have always used
    assert set(fields.CONTACT_FIELDS) == {"telephone", "courriel", "adresse", "horaires", "description"}
    assert set(fields.COVERAGE_FIELDS) == {"quartiers", "services", "toute_la_commune", "zones"}  # a proposal from an editor
    assert fields.SOURCE_COLUMNS == {"situation": "situation_source", "adresse": "adresse_source",
                                     "horaires": "horaires_source", "courriel": "courriel_source"}


def test_one_brochure_string_wherever_a_source_is_said(dataset):
    from geo.db.store import SEED_SOURCE
    from geo.render.present import facts_with_sources, sources_text

    assert fields.BROCHURE in SEED_SOURCE
    assert fields.BROCHURE[1:] in sources_text(dataset)
    assert facts_with_sources(dataset.structure("cs-max-savy"), date(2026, 12, 4))[0].source == fields.BROCHURE
