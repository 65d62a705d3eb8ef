"""Loading and validating the project's data into typed objects.

Every problem in a data file is reported with its file, row, column and value, in French, so that
the city staff who edit `structures.csv` in a spreadsheet can find and fix it.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import opening_hours
import phonenumbers
import shapely
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from shapely.geometry.base import BaseGeometry

from geo import config
from geo.errors import DataError, Problem
from geo.i18n import N_

STRUCTURES_FILE = "structures.csv"
SERVICES_FILE = "services.csv"
LOCAL_NAMES_FILE = "noms_locaux.csv"
QUARTIERS_FILE = "quartiers.geojson"
COMMUNE_FILE = "commune.geojson"
REBUILD_HINT = "lancez « python -m geo build-data » pour (re)construire les quartiers"

LIST_SEPARATOR = ";"

#: Periods of the day a presence pattern may name; their meaning in hours lives in geo.hours.PERIODS.
PRESENCE_MOMENTS = ("soiree_nuit",)

#: Kinds of presence: the label (translated where shown) says how a resident meets the structure.
PRESENCE_LABELS: dict[str, str] = {
    "lieu_accueil": N_("Lieu d'accueil"),
    "rue": N_("Présence dans la rue"),
    "soiree_nuit": N_("Présence en soirée et de nuit"),
}


@dataclass(frozen=True)
class Indicator:
    """An INSEE indicator carried on each quartier, with the year it describes."""

    column: str
    key: str
    label: str
    year: int
    unit: str = ""


INDICATORS: tuple[Indicator, ...] = (
    Indicator("pop_mun", "population", N_("Population municipale"), 2015, N_("habitants")),
    Indicator("ind_jeune", "indice_jeunesse", N_("Indice de jeunesse (0-19 ans / 60 ans et plus)"), 2015),
    Indicator("tx_tot_et", "part_etrangers", N_("Part des étrangers dans la population"), 2015, "%"),
    Indicator("tp60", "taux_pauvrete", N_("Taux de pauvreté"), 2017, "%"),
    Indicator("brev", "taux_bas_revenus", N_("Taux de bas revenus"), 2017, "%"),
    Indicator("disp_q2", "revenu_disponible_median", N_("Revenu disponible médian par unité de consommation"), 2017, "€"),
)
INDICATOR_BY_KEY = {ind.key: ind for ind in INDICATORS}


@dataclass(frozen=True)
class Service:
    """A kind of help, as the brochure's columns name them."""

    key: str
    label: str
    icon: str
    thematiques: tuple[str, ...]


@dataclass(frozen=True)
class Structure:
    id: str
    nom: str
    groupe: str
    presence: tuple[str, ...]
    presence_detail: str
    quartiers: tuple[str, ...]
    toute_la_commune: bool
    services: tuple[str, ...]
    telephone: str
    """E.164, e.g. +33468711432."""
    adresse: str = ""
    horaires: str = ""
    """OSM opening_hours syntax, empty when no sourced hours exist."""
    courriel: str = ""
    description: str = ""
    presence_jours: str = ""
    """Days of presence as an OSM weekday selector ('Tu-Sa'), where only days and a period are sourced."""
    presence_moment: str = ""
    """A period of the day from geo.hours.PERIODS ('soiree_nuit'), with presence_jours."""
    sources: dict[str, str] = field(default_factory=dict)
    """Source and date of each fact beyond the brochure, keyed by fact (adresse, horaires…)."""

    def covers(self, quartier_code: str) -> bool:
        return quartier_code in self.quartiers

    @property
    def telephone_affiche(self) -> str:
        return phone_display(self.telephone)


@dataclass(frozen=True)
class Quartier:
    code: str
    nom: str
    """Official name (ANCT)."""
    nom_local: str
    """The name residents use; the official one when no local name is known."""
    geometry: BaseGeometry
    indicators: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Territory:
    """The served commune: its contour and its quartiers prioritaires."""

    commune_code: str
    commune_nom: str
    commune_geometry: BaseGeometry
    quartiers: tuple[Quartier, ...]
    attribution: str = ""

    def quartier(self, code: str) -> Quartier | None:
        return next((q for q in self.quartiers if q.code == code), None)


@dataclass(frozen=True)
class Dataset:
    territory: Territory
    services: tuple[Service, ...]
    structures: tuple[Structure, ...]

    def service(self, key: str) -> Service | None:
        return next((s for s in self.services if s.key == key), None)

    def structure(self, structure_id: str) -> Structure | None:
        return next((s for s in self.structures if s.id == structure_id), None)


# --- CSV reading -------------------------------------------------------------------------------


def read_csv_rows(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """Rows of a UTF-8 CSV (BOM accepted) as dicts; structural problems become a DataError."""
    name = path.name
    if not path.is_file():
        raise DataError([Problem(str(path), "fichier introuvable")])
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise DataError([Problem(name, "le fichier contient des données binaires, ce n'est pas un CSV")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(name, f"le fichier n'est pas encodé en UTF-8 (octet illisible à la position {exc.start}) ; "
                                       "enregistrez-le en « CSV UTF-8 »")]) from exc
    reader = csv.DictReader(text.splitlines(), strict=True)
    limit = csv.field_size_limit()
    try:
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if not header:
            raise DataError([Problem(name, "le fichier est vide (aucune ligne d'en-tête)")])
        if missing:
            raise DataError([Problem(name, f"colonne obligatoire absente de l'en-tête : {', '.join(missing)}", row=1)])
        rows, problems = [], []
        for index, row in enumerate(reader, start=2):
            if None in row:
                problems.append(Problem(name, "cellules en trop par rapport à l'en-tête", row=index,
                                        value=LIST_SEPARATOR.join(row[None])))
                continue
            cells = {k: (v or "").strip() for k, v in row.items()}
            problems += [Problem(name, "formule de tableur : saisissez le texte lui-même, sans « = » devant",
                                 row=index, column=k, value=v) for k, v in cells.items() if v.startswith("=")]
            rows.append(cells)
    except csv.Error as exc:
        too_long = "field larger than field limit" in str(exc)
        message = f"cellule trop longue (plus de {limit:,} caractères)".replace(",", "\u202f") if too_long else (
            f"CSV mal formé ({exc})")
        raise DataError([Problem(name, message, row=reader.line_num + (1 if too_long else 0))]) from exc
    if problems:
        raise DataError(problems)
    return rows


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
    return value


# --- services taxonomy -------------------------------------------------------------------------


class _ServiceRow(BaseModel):
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


def load_services(path: Path) -> tuple[Service, ...]:
    rows = read_csv_rows(path, ("cle", "libelle", "icone", "thematiques"))
    services, problems, seen = [], [], set()
    for index, raw in enumerate(rows, start=2):
        try:
            row = _ServiceRow.model_validate(raw)
        except ValidationError as exc:
            problems += problems_from(exc, path.name, index, raw)
            continue
        if row.cle in seen:
            problems.append(Problem(path.name, "clé en double", row=index, column="cle", value=row.cle))
        seen.add(row.cle)
        services.append(Service(row.cle, row.libelle, row.icone, row.thematiques))
    if not services and not problems:
        problems.append(Problem(path.name, "aucun type d'aide défini (le fichier n'a que l'en-tête)"))
    if problems:
        raise DataError(problems)
    return tuple(services)


# --- structures --------------------------------------------------------------------------------

STRUCTURE_COLUMNS = (
    "id", "nom", "groupe", "presence", "presence_detail", "situation_source", "quartiers",
    "toute_la_commune", "services", "telephone", "adresse", "adresse_source", "horaires",
    "horaires_source", "courriel", "courriel_source", "description", "presence_jours", "presence_moment",
)
REQUIRED_STRUCTURE_COLUMNS = ("id", "nom", "groupe", "presence", "quartiers", "services", "telephone")
_YES_NO = {"oui": True, "non": False, "": False}


class _StructureRow(BaseModel):
    """One row of structures.csv; the context carries the known quartier codes and service keys."""

    model_config = ConfigDict(str_strip_whitespace=True)
    id: str
    nom: str
    groupe: str
    presence: tuple[str, ...]
    presence_detail: str = ""
    quartiers: tuple[str, ...]
    toute_la_commune: bool = False
    services: tuple[str, ...]
    telephone: str
    adresse: str = ""
    horaires: str = ""
    courriel: str = ""
    description: str = ""
    presence_jours: str = ""
    presence_moment: str = ""

    _required = field_validator("id", "nom", "groupe", "telephone", mode="before")(required_text)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise PydanticCustomError("slug", "identifiant invalide : lettres minuscules sans accent, chiffres et tirets")
        return value

    @field_validator("presence", "quartiers", "services", mode="before")
    @classmethod
    def _split(cls, value: str) -> tuple[str, ...]:
        items = split_list(value or "")
        if not items:
            raise PydanticCustomError("required", "champ obligatoire vide")
        return items

    @field_validator("presence")
    @classmethod
    def _known_presence(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _check_known(value, PRESENCE_LABELS, "type de présence")
        return value

    @field_validator("quartiers")
    @classmethod
    def _known_quartiers(cls, value: tuple[str, ...], info: Any) -> tuple[str, ...]:
        _check_known(value, info.context["quartiers"], "code de quartier")
        return value

    @field_validator("services")
    @classmethod
    def _known_services(cls, value: tuple[str, ...], info: Any) -> tuple[str, ...]:
        _check_known(value, info.context["services"], "type d'aide")
        return value

    @field_validator("presence_moment")
    @classmethod
    def _known_moment(cls, value: str) -> str:
        if value:
            _check_known((value,), PRESENCE_MOMENTS, "moment de présence")
        return value

    @field_validator("toute_la_commune", mode="before")
    @classmethod
    def _yes_no(cls, value: str) -> bool:
        key = (value or "").strip().lower()
        if key not in _YES_NO:
            raise PydanticCustomError("yes_no", "valeur attendue : « oui » ou « non »")
        return _YES_NO[key]

    @field_validator("telephone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return normalize_phone(value)

    @field_validator("horaires")
    @classmethod
    def _hours(cls, value: str) -> str:
        if value and not opening_hours.validate(value):
            raise PydanticCustomError(
                "hours", "horaires illisibles : utilisez la syntaxe OpenStreetMap opening_hours, "
                "par exemple « Mo-Fr 09:00-12:00,14:00-17:00 »")
        return value

    @field_validator("presence_jours")
    @classmethod
    def _days(cls, value: str) -> str:
        day = "(Mo|Tu|We|Th|Fr|Sa|Su)"
        if value and not re.fullmatch(rf"{day}(-{day})?(,{day}(-{day})?)*", value):
            raise PydanticCustomError("days", "jours illisibles : utilisez par exemple « Tu-Sa » ou « Mo,We,Fr »")
        return value

    @model_validator(mode="after")
    def _pattern_complete(self) -> _StructureRow:
        if bool(self.presence_jours) != bool(self.presence_moment):
            raise PydanticCustomError("pattern", "presence_jours et presence_moment vont ensemble : remplissez les deux ou aucun")
        return self

    @field_validator("courriel")
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


def normalize_phone(value: str, *, allow_short: bool = False) -> str:
    """E.164 form of a French phone number (or the digits of a short number such as 17, when allowed)."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if number is not None and allow_short and phonenumbers.is_valid_short_number(number):
        return str(number.national_number)
    raise PydanticCustomError("phone", "numéro de téléphone invalide (attendu : 10 chiffres, par exemple 04 68 00 00 00)")


def phone_display(number: str) -> str:
    """'+33468711432' → '04 68 71 14 32', the way it is written in France; short numbers (17) as they are."""
    if not number.startswith("+"):
        return number
    return phonenumbers.format_number(phonenumbers.parse(number, "FR"), phonenumbers.PhoneNumberFormat.NATIONAL)


def tel_href(number: str) -> str:
    return f"tel:{number}"


def load_structures(path: Path, *, quartier_codes: set[str], service_keys: set[str]) -> tuple[Structure, ...]:
    rows = read_csv_rows(path, REQUIRED_STRUCTURE_COLUMNS)
    context = {"quartiers": quartier_codes, "services": service_keys}
    structures, problems, seen = [], [], {}
    for index, raw in enumerate(rows, start=2):
        try:
            row = _StructureRow.model_validate(raw, context=context)
        except ValidationError as exc:
            problems += problems_from(exc, path.name, index, raw)
            continue
        if row.id in seen:
            problems.append(Problem(path.name, f"identifiant en double (déjà utilisé ligne {seen[row.id]})",
                                    row=index, column="id", value=row.id))
            continue
        seen[row.id] = index
        sources = {fact: raw.get(f"{fact}_source", "") for fact in ("situation", "adresse", "horaires", "courriel")}
        structures.append(Structure(**row.model_dump(), sources={k: v for k, v in sources.items() if v}))
    if not structures and not problems:
        problems.append(Problem(path.name, "aucune structure (le fichier n'a que l'en-tête)"))
    if problems:
        raise DataError(problems)
    return tuple(structures)


# --- quartiers ---------------------------------------------------------------------------------


def _read_geojson(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DataError([Problem(str(path), f"fichier absent : {REBUILD_HINT}")])
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError([Problem(path.name, f"GeoJSON illisible ({exc}) : {REBUILD_HINT}")]) from exc


def load_territory(data_dir: Path, commune: str) -> Territory:
    quartiers_doc = _read_geojson(data_dir / QUARTIERS_FILE)
    commune_doc = _read_geojson(data_dir / COMMUNE_FILE)
    built_for = quartiers_doc.get("metadata", {}).get("commune")
    if built_for != commune:
        raise DataError([Problem(QUARTIERS_FILE, f"construit pour la commune {built_for}, "
                                                 f"alors que GUP_COMMUNE vaut {commune} : {REBUILD_HINT}")])
    try:
        return _territory(quartiers_doc, commune_doc, commune)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        problem = Problem(QUARTIERS_FILE, f"contenu inattendu ({exc.__class__.__name__} : {exc}) : {REBUILD_HINT}")
        raise DataError([problem]) from exc


def _territory(quartiers_doc: dict[str, Any], commune_doc: dict[str, Any], commune: str) -> Territory:
    quartiers = []
    for feature in quartiers_doc["features"]:
        props = feature["properties"]
        quartiers.append(Quartier(
            code=props["code"], nom=props["nom"], nom_local=props["nom_local"],
            geometry=shapely.geometry.shape(feature["geometry"]),
            indicators={ind.key: props.get(ind.key) for ind in INDICATORS},
        ))
    commune_feature = commune_doc["features"][0]
    return Territory(
        commune_code=commune,
        commune_nom=commune_feature["properties"]["nom"],
        commune_geometry=shapely.geometry.shape(commune_feature["geometry"]),
        quartiers=tuple(quartiers),
        attribution=quartiers_doc.get("metadata", {}).get("attribution", ""),
    )


def load_dataset(data_dir: Path | None = None, commune: str | None = None) -> Dataset:
    """The whole dataset of a deployment, validated; raises DataError listing every problem."""
    data_dir = data_dir or config.data_dir()
    territory = load_territory(data_dir, commune or config.commune())
    services = load_services(data_dir / SERVICES_FILE)
    structures = load_structures(
        data_dir / STRUCTURES_FILE,
        quartier_codes={q.code for q in territory.quartiers},
        service_keys={s.key for s in services},
    )
    return Dataset(territory, services, structures)
