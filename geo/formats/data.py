"""Reading the project's data files into the model, validated by the domain's rules.

Every problem in a data file is reported with its file, row, column and value, in French, so that
the city staff who edit `structures.csv` in a spreadsheet can find and fix it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any, TypeVar

import shapely
from pydantic import BaseModel, ValidationError

from geo import config
from geo.db.store import Snapshot
from geo.errors import DataError, Problem
from geo.territory.fields import REQUIRED_STRUCTURE_COLUMNS, SOURCE_COLUMNS
from geo.territory.generations import CHANGE_FIELD, OLDEST, Change, QuartierChange
from geo.territory.model import INDICATORS, Commune, Dataset, Quartier, Service, Structure, Territory
from geo.territory.text import control_problem, visible
from geo.territory.validation import (
    FORMULA_MESSAGE,
    LIST_SEPARATOR,
    ServiceRow,
    StructureRow,
    is_formula,
    problems_from,
)
from geo.territory.zones import written, zones

STRUCTURES_FILE = "structures.csv"
SERVICES_FILE = "services.csv"
LOCAL_NAMES_FILE = "noms_locaux.csv"
QUARTIERS_FILE = "quartiers.geojson"
COMMUNE_FILE = "commune.geojson"
#: How stale a page's view of the directory may be: its revision is read again after this many seconds.
REBUILD_HINT = "lancez « python -m geo build-data » pour (re)construire les quartiers"

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
            problems += [Problem(name, FORMULA_MESSAGE, row=index, column=k, value=v)
                         for k, v in cells.items() if is_formula(v)]
            rows.append(cells)
    except csv.Error as exc:
        too_long = "field larger than field limit" in str(exc)
        message = f"cellule trop longue (plus de {limit:,} caractères)".replace(",", "\u202f") if too_long else (
            f"CSV mal formé ({exc})")
        raise DataError([Problem(name, message, row=reader.line_num + (1 if too_long else 0))]) from exc
    if problems:
        raise DataError(problems)
    return rows


def load_services(path: Path) -> tuple[Service, ...]:
    rows = read_csv_rows(path, ("cle", "libelle", "icone", "thematiques"))
    services, problems, seen = [], [], set()
    for index, raw in enumerate(rows, start=2):
        try:
            row = ServiceRow.model_validate(raw)
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


def structures_from_rows(rows: list[dict[str, str]], file: str, *, quartier_codes: set[str],
                         service_keys: set[str], stored: Snapshot | None = None) -> tuple[Structure, ...]:
    """Rows of structures.csv (from the file or the store) as structures; every problem is named, row by row.

    With a store snapshot, each structure also carries its checked dates, notices and version."""
    context = {"quartiers": quartier_codes, "services": service_keys}
    listings = {s.id: s for s in stored.structures} if stored else {}
    structures: list[Structure] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows, start=2):
        if typed := [Problem(file, why, row=index, column=column, value=visible(value)) for column, value in raw.items()
                     if isinstance(value, str) and (why := control_problem(value))]:
            problems += typed
            continue
        try:
            row = StructureRow.model_validate(raw, context=context).model_dump()
        except ValidationError as exc:
            problems += problems_from(exc, file, index, raw)
            continue
        if row["id"] in seen:
            problems.append(Problem(file, f"identifiant en double (déjà utilisé ligne {seen[row['id']]})",
                                    row=index, column="id", value=row["id"]))
            continue
        seen[row["id"]] = index
        sources = {fact: raw.get(column, "") for fact, column in SOURCE_COLUMNS.items()}
        extra: dict[str, Any] = {}
        if (listing := listings.get(row["id"])) is not None and stored is not None:
            extra = {"checked": listing.checked, "update_months": listing.update_months, "version": listing.version,
                     "notices": tuple(n for n in stored.notices if n.structure == row["id"])}
        structures.append(Structure(**row, sources={k: v for k, v in sources.items() if v}, **extra))
    if not structures and not problems:
        problems.append(Problem(file, "aucune structure (le fichier n'a que l'en-tête)"))
    if problems:
        raise DataError(problems)
    return tuple(structures)


def load_structures(path: Path, *, quartier_codes: set[str], service_keys: set[str]) -> tuple[Structure, ...]:
    return structures_from_rows(read_csv_rows(path, REQUIRED_STRUCTURE_COLUMNS), path.name,
                                quartier_codes=quartier_codes, service_keys=service_keys)


# --- quartiers ---------------------------------------------------------------------------------


def _read_geojson(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise DataError([Problem(str(path), f"fichier absent : {REBUILD_HINT}")])
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError([Problem(path.name, f"GeoJSON illisible ({exc}) : {REBUILD_HINT}")]) from exc


def served_territory() -> str:
    """The configured territory (GUP_TERRITOIRE, else GUP_COMMUNE) as a build and a store remember it, or an
    InputError naming the code it cannot read."""
    return written(zones(config.territory()))


def load_territory(data_dir: Path, commune: str, generation: str | None = None) -> Territory:
    """The territory's quartiers of one built generation: `generation`, else GUP_GENERATION, else the newest built.
    `commune` is the territory as written (zones.written), which the build must have been made for."""
    quartiers_doc = _read_geojson(data_dir / QUARTIERS_FILE)
    commune_doc = _read_geojson(data_dir / COMMUNE_FILE)
    metadata = quartiers_doc.get("metadata", {})
    built_for = metadata.get("commune")
    if built_for != commune:
        said = (("la commune", "GUP_COMMUNE vaut") if one_commune(str(built_for)) and one_commune(commune)
                else ("le territoire", "le territoire servi (GUP_TERRITOIRE) est"))
        raise DataError([Problem(QUARTIERS_FILE, f"construit pour {said[0]} {built_for}, alors que {said[1]} "
                                                 f"{commune} : {REBUILD_HINT}")])
    built = tuple(metadata.get("generations") or [OLDEST])  # a file built before generations holds 2015's
    generation = generation or config.generation() or built[-1]
    if generation not in built:
        raise DataError([Problem(QUARTIERS_FILE, f"génération {generation} non construite (construites : "
                                                 f"{', '.join(built)}) : {REBUILD_HINT} avec ses contours",
                                 value=generation)])
    try:
        return _territory(quartiers_doc, commune_doc, commune, generation, built)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        problem = Problem(QUARTIERS_FILE, f"contenu inattendu ({exc.__class__.__name__} : {exc}) : {REBUILD_HINT}")
        raise DataError([problem]) from exc


def one_commune(written: str) -> bool:
    """Whether a territory as written is one commune's code (the messages of the one-commune form say so)."""
    return len(written) == 5 and written.isalnum()


def _territory(quartiers_doc: dict[str, Any], commune_doc: dict[str, Any], commune: str, generation: str,
               built: tuple[str, ...]) -> Territory:
    communes = tuple(Commune(f["properties"]["code"], f["properties"]["nom"], shapely.geometry.shape(f["geometry"]),
                             f["properties"].get("departement", ""), f["properties"].get("epci", ""),
                             f["properties"].get("region", "")) for f in commune_doc["features"])
    zone_codes = {c.code: c.zone_codes for c in communes}
    quartiers = []
    for feature in quartiers_doc["features"]:
        props = feature["properties"]
        if props.get("generation", OLDEST) != generation:
            continue
        statut = props.get(CHANGE_FIELD)
        lies_in = tuple(props.get("communes") or [props.get("commune_code") or commune])
        quartiers.append(Quartier(
            code=props["code"], nom=props["nom"], nom_local=props["nom_local"],
            geometry=shapely.geometry.shape(feature["geometry"]),
            indicators={ind.key: props.get(ind.key) for ind in INDICATORS},
            generation=generation, codes=props.get("codes") or {generation: props["code"]},
            change=Change(statut) if statut else None, communes=lies_in,
            places=frozenset().union(*(zone_codes.get(code, {code}) for code in lies_in)),
        ))
    metadata = quartiers_doc.get("metadata", {})
    changes = tuple(QuartierChange(Change(c["statut"]), c["nom"], {g: tuple(codes) for g, codes in c["codes"].items()})
                    for c in metadata.get("changements", []))
    return Territory(
        commune_code=commune,
        commune_nom=metadata.get("nom") or communes[0].nom,
        commune_geometry=communes[0].geometry if len(communes) == 1 else shapely.union_all([c.geometry for c in communes]),
        quartiers=tuple(quartiers),
        attribution=metadata.get("attribution", ""),
        generation=generation, generations=built, changes=changes, communes=communes,
    )


def load_dataset(data_dir: Path, commune: str | None = None) -> Dataset:
    """A data folder's whole dataset from its files only (structures.csv included), as checks and tests of a data
    folder need; raises DataError listing every problem. The deployment's is `listings.configured_dataset()`."""
    territory = load_territory(data_dir, commune or served_territory())
    services = load_services(data_dir / SERVICES_FILE)
    structures = load_structures(data_dir / STRUCTURES_FILE, quartier_codes=territory.known_codes(),
                                 service_keys={s.key for s in services})
    return Dataset(territory, services, structures)


Row = TypeVar("Row", bound=BaseModel)


def validated_rows(path: Path, model: type[Row], required: tuple[str, ...], key: str,
                   context: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, raw in enumerate(read_csv_rows(path, required), start=2):
        try:
            row = model.model_validate(raw, context=context)
        except ValidationError as exc:
            problems += problems_from(exc, path.name, index, raw)
            continue
        if getattr(row, key) in seen:
            problems.append(Problem(path.name, "identifiant en double", row=index, column=key, value=getattr(row, key)))
        seen.add(getattr(row, key))
        rows.append(row)
    if not rows and not problems:
        problems.append(Problem(path.name, "le fichier n'a que l'en-tête"))
    if problems:
        raise DataError(problems)
    return rows
