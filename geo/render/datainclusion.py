"""Export to the data·inclusion schema v1, validated with the official `data-inclusion-schema` package.

data·inclusion knows communes, not quartiers: each service is eligible in the commune
(`zone_eligibilite`), targets `residents-qpv-frr`, and names the quartiers it covers, with their
official codes, in `publics_precisions`. Reading those codes back gives the same coverage.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from data_inclusion.schema import v1
from pydantic import ValidationError

from geo.errors import DataError, Problem
from geo.territory import hours
from geo.territory.freshness import freshness
from geo.territory.locate import communes_of
from geo.territory.model import Commune, Dataset, Structure

SOURCE = "gup-carcassonne"
_STRICT = {"ignore_warnings": False}


def structure_id(structure: Structure) -> str:
    return f"{SOURCE}--{structure.id}"


def service_id(structure: Structure, service_key: str) -> str:
    return f"{SOURCE}--{structure.id}--{service_key}"


def _communes(dataset: Dataset, structure: Structure) -> list[Commune]:
    """The communes where the structure serves, in code order (the territory's first when it names none)."""
    territory = dataset.territory
    found = [c for c in territory.communes if c.code in communes_of(dataset, structure)]
    return found or list(territory.communes[:1])


def _publics_precisions(dataset: Dataset, structure: Structure, communes: list[Commune]) -> str:
    territory = dataset.territory
    where = " et ".join(c.nom for c in communes)
    names = ", ".join(f"{territory.known_quartier(c).nom_local} ({c})" for c in structure.quartiers)
    text = f"Habitants des quartiers prioritaires de {where} : {names}."
    if structure.toute_la_commune:
        text = f"Tous les habitants de {where}. " + text
    return text


def to_datainclusion(dataset: Dataset, *, today: date | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(structures, services) as data·inclusion v1 objects: one service per structure and kind of help."""
    today = today or hours.today()
    structures, services = [], []
    for s in dataset.structures:
        communes = _communes(dataset, s)  # its first commune stands for its place: no address gives one
        common = {"source": SOURCE, "commune": communes[0].nom, "code_insee": communes[0].code}
        # The day someone last checked the listing; a listing never checked since the brochure is dated by the export.
        checked = min(freshness(s, today).last_checked or today, hours.validators_today())
        contact = {"telephone": s.telephone, "courriel": s.courriel or None, "adresse": s.adresse or None,
                   "date_maj": checked.isoformat()}
        structures.append({**common, **contact, "id": structure_id(s), "nom": s.nom, "description": s.description,
                           "horaires_accueil": s.horaires or None})
        for key in s.services:
            service = dataset.known_service(key)
            services.append({
                **common, **contact,
                "id": service_id(s, key), "structure_id": structure_id(s), "nom": service.label,
                "description": f"{service.label} — {s.nom}. {s.description}",
                "thematiques": sorted(service.thematiques),
                "publics": ["tous-publics"] if s.toute_la_commune else ["residents-qpv-frr"],
                "publics_precisions": _publics_precisions(dataset, s, communes),
                "zone_eligibilite": [c.code for c in communes],
                "modes_accueil": ["en-presentiel"],
                "modes_mobilisation": ["telephoner", *(["se-presenter"] if "lieu_accueil" in s.presence else [])],
                "mobilisable_par": ["usagers", "professionnels"],
                "horaires_accueil": s.horaires or None,
            })
    return structures, services


def validate(structures: list[dict[str, Any]], services: list[dict[str, Any]]) -> None:
    """Every object through the official models, warnings included; all problems listed at once."""
    problems = []
    for file, model, items in (("structures.json", v1.Structure, structures), ("services.json", v1.Service, services)):
        for index, item in enumerate(items):
            try:
                model.model_validate(item, context=_STRICT)
            except ValidationError as exc:
                problems += [Problem(file, e["msg"], row=index + 1, column=".".join(map(str, e["loc"])),
                                     value=str(e.get("input"))) for e in exc.errors()]
    if problems:
        raise DataError(problems)
