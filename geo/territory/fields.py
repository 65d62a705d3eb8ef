"""A structure's fields, declared once: the exchange file's columns and their order, which are required, which
facts carry a « vérifié le », who may write each, and where each fact's source stands. Every list of fields the
core uses is derived from this declaration; tests hold the Structure model and the row schema to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

#: The brochure the directory was first written from, named the same way wherever a source is said.
BROCHURE = "brochure GUP « La médiation », Ville de Carcassonne"


class Writer(Enum):
    """Who writes a field: its structure's editor directly (contacts), through a proposal (coverage), or an admin."""

    CONTACT = "contact"
    COVERAGE = "couverture"
    ADMIN = "admin"


@dataclass(frozen=True)
class StructureField:
    name: str
    """The column of structures.csv, and the Structure attribute when `modelled`."""
    required: bool = False
    checked: int = 0
    """Its rank among the facts whose « vérifié le » is tracked (0: not tracked)."""
    writer: Writer = Writer.ADMIN
    source: str | None = None
    """The column holding the source and date of this fact, when it has one."""
    modelled: bool = True
    """False for a source column: sources are gathered into Structure.sources."""


STRUCTURE_FIELDS = (
    StructureField("id", required=True),
    StructureField("nom", required=True),
    StructureField("groupe", required=True),
    StructureField("presence", required=True, source="situation_source"),
    StructureField("presence_detail"),
    StructureField("situation_source", modelled=False),
    StructureField("quartiers", required=True, checked=5, writer=Writer.COVERAGE),
    StructureField("toute_la_commune", checked=7, writer=Writer.COVERAGE),
    StructureField("services", required=True, checked=6, writer=Writer.COVERAGE),
    StructureField("telephone", required=True, checked=1, writer=Writer.CONTACT),
    StructureField("adresse", checked=2, writer=Writer.CONTACT, source="adresse_source"),
    StructureField("adresse_source", modelled=False),
    StructureField("horaires", checked=3, writer=Writer.CONTACT, source="horaires_source"),
    StructureField("horaires_source", modelled=False),
    StructureField("courriel", checked=4, writer=Writer.CONTACT, source="courriel_source"),
    StructureField("courriel_source", modelled=False),
    StructureField("description", writer=Writer.CONTACT),
    StructureField("presence_jours"),
    StructureField("presence_moment"),
    StructureField("zones", writer=Writer.COVERAGE),
)

STRUCTURE_COLUMNS = tuple(f.name for f in STRUCTURE_FIELDS)
REQUIRED_STRUCTURE_COLUMNS = tuple(f.name for f in STRUCTURE_FIELDS if f.required)
MODELLED_COLUMNS = tuple(f.name for f in STRUCTURE_FIELDS if f.modelled)
#: The facts a resident relies on (how to reach the structure) and a planner relies on (what it covers), in the
#: order reminders and open data list them.
CHECKED_FACTS = tuple(f.name for f in sorted((f for f in STRUCTURE_FIELDS if f.checked), key=lambda f: f.checked))
CONTACT_FIELDS = tuple(f.name for f in STRUCTURE_FIELDS if f.writer is Writer.CONTACT)
COVERAGE_FIELDS = tuple(f.name for f in STRUCTURE_FIELDS if f.writer is Writer.COVERAGE)
#: Each sourced fact's key in Structure.sources (the source column without « _source ») and its column.
SOURCE_COLUMNS = {f.source.removesuffix("_source"): f.source for f in STRUCTURE_FIELDS if f.source}
