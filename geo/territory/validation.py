"""The rules a fact must satisfy, whatever brings it in (a CSV row today, a form or a command tomorrow).

Each rule raises a pydantic error whose French message names what is wrong; `problems_from` turns
them into located Problems (file, row, column, value).
"""

from __future__ import annotations

import re
from typing import Any, get_type_hints

import opening_hours
from pydantic import BaseModel, ConfigDict, ValidationError, create_model, field_validator, model_validator
from pydantic_core import PydanticCustomError

from geo.errors import InputError, Problem
from geo.territory.fields import MODELLED_COLUMNS, REQUIRED_STRUCTURE_COLUMNS
from geo.territory.model import PRESENCE_LABELS, PRESENCE_MOMENTS, Structure
from geo.territory.phone import normalize_phone
from geo.territory.zones import zones

LIST_SEPARATOR = ";"
#: A cell a spreadsheet would run as a formula: refused from a file, a form or a command alike.
FORMULA_MESSAGE = "formule de tableur : saisissez le texte lui-même, sans « = » devant"


def is_formula(value: str) -> bool:
    return value.startswith("=")


def split_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip())


def problems_from(exc: ValidationError, file: str, row: int, raw: dict[str, str]) -> list[Problem]:
    problems = []
    for err in exc.errors():
        column = str(err["loc"][0]) if err["loc"] else None
        message = _FRENCH.get(err["type"], err["msg"])
        problems.append(Problem(file, message, row=row, column=column, value=raw.get(column or "")))
    return problems


_FRENCH = {
    "missing": "champ obligatoire manquant",
    "string_too_short": "champ obligatoire vide",
    "extra_forbidden": "colonne inconnue",
}


def required_text(value: str | None) -> str:
    """A pydantic 'before' validator: a required cell must hold something other than spaces."""
    if not (value or "").strip():
        raise PydanticCustomError("required", "champ obligatoire vide")
    return str(value)


class ServiceRow(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    cle: str
    libelle: str
    icone: str
    thematiques: tuple[str, ...]

    _required = field_validator("cle", "libelle", mode="before")(required_text)

    @field_validator("thematiques", mode="before")
    @classmethod
    def _split(cls, value: str) -> tuple[str, ...]:
        return split_list(value)


_YES_NO = {"oui": True, "non": False, "": False}


class StructureRules(BaseModel):
    """The rules of a row of structures.csv; its fields are the Structure model's (StructureRow below), so that
    the two never list them twice. The context carries the known quartier codes and service keys."""

    model_config = ConfigDict(str_strip_whitespace=True)

    _required = field_validator(*(c for c in REQUIRED_STRUCTURE_COLUMNS if c not in ("presence", "quartiers", "services")),
                                mode="before", check_fields=False)(required_text)

    @field_validator("id", check_fields=False)
    @classmethod
    def _slug(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise PydanticCustomError("slug", "identifiant invalide : lettres minuscules sans accent, chiffres et tirets")
        return value

    @field_validator("presence", "quartiers", "services", mode="before", check_fields=False)
    @classmethod
    def _split(cls, value: str) -> tuple[str, ...]:
        items = split_list(value or "")
        if not items:
            raise PydanticCustomError("required", "champ obligatoire vide")
        return items

    @field_validator("presence", check_fields=False)
    @classmethod
    def _known_presence(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _check_known(value, PRESENCE_LABELS, "type de présence")
        return value

    @field_validator("quartiers", check_fields=False)
    @classmethod
    def _known_quartiers(cls, value: tuple[str, ...], info: Any) -> tuple[str, ...]:
        _check_known(value, info.context["quartiers"], "code de quartier")
        return value

    @field_validator("services", check_fields=False)
    @classmethod
    def _known_services(cls, value: tuple[str, ...], info: Any) -> tuple[str, ...]:
        _check_known(value, info.context["services"], "type d'aide")
        return value

    @field_validator("presence_moment", check_fields=False)
    @classmethod
    def _known_moment(cls, value: str) -> str:
        if value:
            _check_known((value,), PRESENCE_MOMENTS, "moment de présence")
        return value

    @field_validator("toute_la_commune", mode="before", check_fields=False)
    @classmethod
    def _yes_no(cls, value: str) -> bool:
        key = (value or "").strip().lower()
        if key not in _YES_NO:
            raise PydanticCustomError("yes_no", "valeur attendue : « oui » ou « non »")
        return _YES_NO[key]

    @field_validator("zones", mode="before", check_fields=False)
    @classmethod
    def _zones(cls, value: str) -> tuple[str, ...]:
        try:
            return tuple(str(z) for z in zones(value or ""))
        except InputError as exc:
            raise PydanticCustomError("zone", str(exc)) from exc

    @field_validator("telephone", check_fields=False)
    @classmethod
    def _phone(cls, value: str) -> str:
        return normalize_phone(value)

    @field_validator("horaires", check_fields=False)
    @classmethod
    def _hours(cls, value: str) -> str:
        if value and not opening_hours.validate(value):
            raise PydanticCustomError(
                "hours", "horaires illisibles : utilisez la syntaxe OpenStreetMap opening_hours, "
                "par exemple « Mo-Fr 09:00-12:00,14:00-17:00 »")
        return value

    @field_validator("presence_jours", check_fields=False)
    @classmethod
    def _days(cls, value: str) -> str:
        day = "(Mo|Tu|We|Th|Fr|Sa|Su)"
        if value and not re.fullmatch(rf"{day}(-{day})?(,{day}(-{day})?)*", value):
            raise PydanticCustomError("days", "jours illisibles : utilisez par exemple « Tu-Sa » ou « Mo,We,Fr »")
        return value

    @model_validator(mode="before")
    @classmethod
    def _pattern_complete(cls, values: Any) -> Any:
        if isinstance(values, dict) and bool((values.get("presence_jours") or "").strip()) != bool(
                (values.get("presence_moment") or "").strip()):
            raise PydanticCustomError("pattern", "presence_jours et presence_moment vont ensemble : remplissez les deux ou aucun")
        return values

    @field_validator("courriel", check_fields=False)
    @classmethod
    def _email(cls, value: str) -> str:
        if value and (value.count("@") != 1 or " " in value or "." not in value.split("@")[1]):
            raise PydanticCustomError("email", "adresse électronique mal formée")
        return value


def _check_known(values: tuple[str, ...], known: Any, what: str) -> None:
    unknown = [v for v in values if v not in known]
    if unknown:
        allowed = ", ".join(sorted(known))
        raise PydanticCustomError("unknown", f"{what} inconnu : {', '.join(unknown)} (valeurs possibles : {allowed})")


def _row_fields() -> dict[str, Any]:
    """The Structure model's fields for the columns the declaration models, with their types; a column the
    declaration does not require may be left out of a file, and is then empty (False for a yes/no)."""
    hints = get_type_hints(Structure)
    return {name: (hints[name], ... if name in REQUIRED_STRUCTURE_COLUMNS else hints[name]())
            for name in MODELLED_COLUMNS}


#: One row of structures.csv, validated: the rules above over the Structure model's own fields.
StructureRow: type[StructureRules] = create_model("StructureRow", __base__=StructureRules, **_row_fields())
