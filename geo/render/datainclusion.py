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
from geo.territory.model import Dataset, Structure

SOURCE = "gup-carcassonne"
_STRICT = {"ignore_warnings": False}


def structure_id(structure: Structure) -> str:
    return f"{SOURCE}--{structure.id}"


def service_id(structure: Structure, service_key: str) -> str:
    return f"{SOURCE}--{structure.id}--{service_key}"


def _publics_precisions(dataset: Dataset, structure: Structure) -> str:
    territory = dataset.territory
    names = ", ".join(f"{territory.known_quartier(c).nom_local} ({c})" for c in structure.quartiers)
    text = f"Habitants des quartiers prioritaires de {territory.commune_nom} : {names}."
    if structure.toute_la_commune:
        text = f"Tous les habitants de {territory.commune_nom}. " + text
    return text


def to_datainclusion(dataset: Dataset, *, today: date | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(structures, services) as data·inclusion v1 objects: one service per structure and kind of help."""
    today = today or hours.today()
    territory = dataset.territory
    common = {"source": SOURCE, "commune": territory.commune_nom, "code_insee": territory.commune_code}
    structures, services = [], []
    for s in dataset.structures:
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
                "publics_precisions": _publics_precisions(dataset, s),
                "zone_eligibilite": [territory.commune_code],
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
