"""Building `quartiers.geojson` and `commune.geojson` for the served territory from the official sources.

`geo.sources.read` reads the official files (the local mirror, else the addresses in
`data/sources.toml`); this module shapes each generation's quartiers and stamps them with both codes.
The result is written atomically, so an interrupted build leaves the previous files intact.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import mapping

from geo import config
from geo.errors import DataError, InputError, Problem, SourceError
from geo.files import write_atomic
from geo.formats.data import COMMUNE_FILE, LOCAL_NAMES_FILE, QUARTIERS_FILE, read_csv_rows
from geo.sources.read import Provenance, RawSources, Sources2024, read_2015, read_later
from geo.territory import hours
from geo.territory.generations import CHANGE_FIELD, GENERATIONS, NEWEST, OLDEST, Change, QuartierChange, changes_from_rows
from geo.territory.model import INDICATORS
from geo.territory.zones import EXPECTED, FRANCE, REGION_OF_DEPARTEMENT, CommuneFacts, Kind, Zone, contains, written, zones

CATALOG_FILE = "sources.toml"


@dataclass
class BuildReport:
    commune: str
    """The territory's codes as written (one commune's INSEE code by default)."""
    commune_nom: str
    quartiers: list[str]
    """The codes of the quartiers of every generation built (2015's first)."""
    origin: str
    repaired: dict[str, str] = field(default_factory=dict)
    indicators_missing: bool = False
    generations: tuple[str, ...] = (OLDEST,)
    changes: tuple[QuartierChange, ...] = ()
    missing: tuple[str, ...] = ()
    contours_2024: Provenance | None = None
    communes: int = 1

    def summary(self) -> str:
        where = f", {self.communes} communes" if self.communes > 1 else ""
        lines = [f"{len(self.quartiers)} quartiers prioritaires construits pour {self.commune_nom} ({self.commune}{where}) "
                 f"depuis {self.origin}, génération{'s' if len(self.generations) > 1 else ''} "
                 f"{' et '.join(self.generations)} : {', '.join(self.quartiers)}."]
        lines += [f"Géométrie invalide réparée : {code} ({why})." for code, why in self.repaired.items()]
        if self.indicators_missing:
            lines.append("Indicateurs INSEE absents (pas de miroir local) : les quartiers sont construits sans eux.")
        if self.contours_2024:
            lines.append(self.contours_2024.line())
        lines += self.missing
        if self.changes:
            lines.append(f"Changements 2024 pour {self.commune_nom} (correspondance officielle) :")
            lines += [f"  {c.line()}" for c in self.changes]
        return "\n".join(lines)


def read_catalog(data_dir: Path) -> dict[str, Any]:
    path = data_dir / CATALOG_FILE
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataError([Problem(str(path), "fichier introuvable")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise DataError([Problem(path.name, f"TOML illisible : {exc}")]) from exc


def build_data(*, commune: str | None = None, territory: str | None = None, data_dir: Path | None = None,
               sources_dir: Path | None = None, generation: str = "all", contours_2024: Path | None = None) -> BuildReport:
    """Build the quartiers of every commune of the territory (`territory`, else `commune`, else GUP_TERRITOIRE or
    GUP_COMMUNE) in `generation` (2015, 2024 or all it can), with the communes' contours; `contours_2024` is the
    official 2024 archive (or its GeoJSON) a person downloaded."""
    data_dir = data_dir or config.data_dir()
    sources_dir = sources_dir or config.sources_dir()
    if territory is None and (commune or not config.get("GUP_TERRITOIRE")):
        one = commune or config.commune()
        if not re.fullmatch(r"\d[\dAB]\d{3}", one):
            raise SourceError(f"Code commune invalide : « {one} » (attendu : code INSEE à 5 caractères, ex. 11069).")
    served = _served(territory or commune or config.territory())
    if generation not in (*GENERATIONS, "all"):
        raise SourceError(f"Génération inconnue : « {generation} » (attendu : {', '.join(GENERATIONS)} ou all).")
    catalog = read_catalog(data_dir)
    single = served[0].code if len(served) == 1 and served[0].kind is Kind.COMMUNE else None
    if single is None and not sources_dir.is_dir():
        raise SourceError(f"Le territoire « {written(served)} » compte plusieurs communes : il se construit depuis un "
                          f"miroir des sources officielles (GUP_SOURCES_DIR, absent : {sources_dir}). Téléchargez "
                          "les fichiers nommés dans data/sources.toml dans un dossier, puis indiquez-le.")
    raw = read_2015(catalog, single or "", sources_dir)
    later = read_later(catalog, sources_dir, contours_2024)
    if generation == NEWEST and later.contours is None:
        raise SourceError(" ".join(later.missing) or "Contours 2024 introuvables.")
    facts = _commune_facts(raw.communes, later.communes)
    if single is not None:
        communes = [_commune_feature(raw.communes, single, raw.origin, facts)]
    else:
        communes = sorted((_commune_feature(raw.communes, code, raw.origin, facts) for code, f in facts.items()
                           if contains(served, f)), key=lambda f: f["properties"]["code"])
        if not communes:
            raise SourceError(f"Aucune commune à quartier prioritaire dans le territoire « {written(served)} » "
                              f"({raw.origin}).")
    attribution = catalog.get("attribution", "")
    if later.contours is not None and generation != OLDEST and later.provenance is not None:
        attribution += f" ; {later.provenance.attribution()}"
    built_communes = [_build_commune(raw, later, feature, generation) for feature in communes]
    changes = tuple(dict((json.dumps(c.as_json(), sort_keys=True), c) for b in built_communes
                         for c in b.changes).values())
    local_names = _local_names(data_dir / LOCAL_NAMES_FILE)
    features = _merged([_quartier_feature(row, local_names, raw.indicators, _stamp(answering, row.code_qp, b.changes),
                                          b.facts)
                        for b in built_communes for answering in GENERATIONS
                        if (frame := b.quartiers[answering]) is not None for row in frame.itertuples()])
    built = tuple(g for g in GENERATIONS if any(f["properties"]["generation"] == g for f in features))
    repaired = {code: why for b in built_communes for code, why in b.repaired.items()}
    missing = tuple(dict.fromkeys([*later.missing, *(line for b in built_communes for line in b.missing)]))
    name = _territory_name(served, communes, later.communes)
    with_2024 = any(b.quartiers[NEWEST] is not None for b in built_communes)
    metadata = {
        "commune": written(served),
        "territoire": written(served),
        "nom": name,
        "communes": [f["properties"] for f in communes],
        "origine": raw.origin,
        "attribution": attribution,
        "sources": {key: {k: v for k, v in entry.items() if k in ("titre", "producteur", "licence", "page")}
                    for key, entry in catalog.items() if isinstance(entry, dict)},
        "construit_le": hours.today().isoformat(),
        "geometries_reparees": repaired,
        "generations": list(built),
        "changements": [c.as_json() for c in changes],
        "contours_2024": later.provenance.as_json() if with_2024 and later.provenance else None,
    }
    write_atomic(data_dir / QUARTIERS_FILE, _dump({"type": "FeatureCollection", "metadata": metadata,
                                                   "features": features}))
    write_atomic(data_dir / COMMUNE_FILE, _dump({"type": "FeatureCollection", "metadata": metadata,
                                                 "features": communes}))
    return BuildReport(written(served), name, [f["properties"]["code"] for f in features], raw.origin, repaired,
                       raw.indicators is None, built, changes, missing, later.provenance if with_2024 else None,
                       len(communes))


def _served(text: str) -> tuple[Zone, ...]:
    try:
        served = zones(text)
    except InputError as exc:
        raise SourceError(str(exc)) from exc
    if not served:
        raise SourceError(f"Territoire vide : « {text} » (attendu : {EXPECTED}).")
    return served


@dataclass
class BuiltCommune:
    """One commune's quartiers of each generation, what was repaired, what the 2024 list changed for it."""

    facts: CommuneFacts
    quartiers: dict[str, gpd.GeoDataFrame | None]
    repaired: dict[str, str]
    changes: tuple[QuartierChange, ...]
    missing: list[str]


def _build_commune(raw: RawSources, later: Sources2024, feature: dict[str, Any], generation: str) -> BuiltCommune:
    props = feature["properties"]
    commune = props["code"]
    facts = CommuneFacts(commune, props.get("departement", ""), props.get("epci", ""), props.get("region", ""))
    quartiers, repaired = _quartiers_of(raw.qpv, commune, feature)
    quartiers_2024, missing = None, []
    if later.contours is not None and generation != OLDEST:
        listed = _listed_2024(later, commune)
        quartiers_2024, repaired_2024 = _quartiers_of(later.contours, commune, feature, listed)
        repaired.update(repaired_2024)
        missing = _list_mismatches(later, commune, listed, quartiers_2024)
    changes = _changes(later, commune, quartiers, quartiers_2024)
    return BuiltCommune(facts, {OLDEST: None if generation == NEWEST else quartiers, NEWEST: quartiers_2024},
                        repaired, changes, missing)


def _commune_facts(communes: list[dict[str, Any]], listed: list[dict[str, str]]) -> dict[str, CommuneFacts]:
    """Where each commune of the contours sits: its département from the contours, its EPCI and région from the
    2024 list (a commune without a 2024 quartier takes its département's région)."""
    by_commune = {row.get("insee_com", ""): row for row in listed}
    regions = REGION_OF_DEPARTEMENT | {row.get("insee_dep", ""): row.get("insee_reg", "") for row in listed}
    facts = {}
    for feature in communes:
        props = feature.get("properties", {})
        code = str(props.get("code_commune", ""))
        row = by_commune.get(code, {})
        departement = str(props.get("code_departement") or row.get("insee_dep") or "")
        facts[code] = CommuneFacts(code, departement, row.get("siren_epci", ""),
                                   row.get("insee_reg") or regions.get(departement, ""))
    return facts


def _territory_name(served: tuple[Zone, ...], communes: list[dict[str, Any]], listed: list[dict[str, str]]) -> str:
    """How people call the territory: a commune's name, a département's, an EPCI's, a région's, or France."""
    names = {Kind.COMMUNE: {f["properties"]["code"]: f["properties"]["nom"] for f in communes},
             Kind.DEPARTEMENT: {r.get("insee_dep", ""): r.get("lib_dep", "") for r in listed},
             Kind.EPCI: {r.get("siren_epci", ""): r.get("lib_epci", "") for r in listed},
             Kind.REGION: {r.get("insee_reg", ""): r.get("lib_reg", "") for r in listed},
             Kind.FRANCE: {FRANCE: "France"}}
    return ", ".join(names[z.kind].get(z.code) or str(z) for z in served)


def _merged(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One feature per quartier and generation: a quartier over two communes of the territory names both."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for feature in features:
        props = feature["properties"]
        key = (props["generation"], props["code"])
        if key in found:
            kept = found[key]["properties"]
            kept["communes"] = sorted({*kept["communes"], *props["communes"]})
        else:
            found[key] = feature
    return list(found.values())


def _changes(later: Sources2024, commune: str, quartiers: gpd.GeoDataFrame,
             quartiers_2024: gpd.GeoDataFrame | None) -> tuple[QuartierChange, ...]:
    """The commune's changes: its 2024 quartiers from their contours, else from the 2024 list."""
    if not later.correspondence:
        return ()
    if quartiers_2024 is not None:
        codes_2024 = set(quartiers_2024["code_qp"])
    else:
        codes_2024 = {row["code_qp"] for row in later.communes if row.get("insee_com") == commune}
    names = dict(zip(quartiers["code_qp"], quartiers["nom_qp"], strict=True))
    try:
        return changes_from_rows(later.correspondence, codes_2024, set(names), names)
    except (KeyError, ValueError) as exc:
        raise SourceError(f"Correspondance 2024-2015 illisible : colonne ou statut inattendu ({exc}).") from exc


@dataclass(frozen=True)
class GenerationStamp:
    """A quartier's generation, its code in each, what the newest list did to it, and the oldest quartiers it comes
    from."""

    generation: str
    codes: dict[str, str | None]
    change: str | None
    predecessors: tuple[str, ...]

    def properties(self) -> dict[str, Any]:
        return {"generation": self.generation, "codes": self.codes, CHANGE_FIELD: self.change}


def _stamp(generation: str, code: str, changes: tuple[QuartierChange, ...]) -> GenerationStamp:
    """The stamp of a quartier of `generation`: its own code there, the correspondence's codes elsewhere."""
    change = next((c for c in changes if code in c.codes.get(generation, ())), None)
    codes = {g: code if g == generation else (change.code_in(g) if change else None) for g in GENERATIONS}
    predecessors = (code,) if generation == OLDEST else change.codes[OLDEST] if change else ()
    return GenerationStamp(generation, codes, str(change.statut) if change else None, predecessors)


def _dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _local_names(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    return {row["code_qp"]: row["nom_local"] for row in read_csv_rows(path, ("code_qp", "nom_local")) if row["nom_local"]}


# --- shaping the output ------------------------------------------------------------------------


def _commune_feature(features: list[dict[str, Any]], commune: str, origin: str,
                     facts: dict[str, CommuneFacts]) -> dict[str, Any]:
    found = [f for f in features if str(f.get("properties", {}).get("code_commune")) == commune]
    if not found:
        raise SourceError(f"La commune {commune} est absente des contours de communes ({origin}) : "
                          "vérifiez GUP_COMMUNE ou GUP_TERRITOIRE.")
    geometry = shapely.make_valid(shapely.geometry.shape(found[0]["geometry"]))
    props = found[0]["properties"]
    where = facts.get(commune, CommuneFacts(commune))
    return {"type": "Feature", "properties": {"code": commune, "nom": props.get("nom_commune", commune),
                                              "departement": where.departement, "epci": where.epci,
                                              "region": where.region},
            "geometry": mapping(geometry)}


def _listed_2024(later: Sources2024, commune: str) -> dict[str, str] | None:
    """The commune's 2024 quartiers as the official list gives them (one row per quartier and commune), with the
    commune's name: a contour carries a single commune, and a quartier may straddle two. None without the list."""
    if not later.communes:
        return None
    return {row["code_qp"]: row.get("lib_com") or commune for row in later.communes
            if row.get("insee_com") == commune}


def _list_mismatches(later: Sources2024, commune: str, listed: dict[str, str] | None,
                     quartiers: gpd.GeoDataFrame) -> list[str]:
    """Each quartier the list and the contours disagree on, by code and name: its residents would be answered
    « hors quartier »."""
    source = later.provenance.fichier if later.provenance else "les contours 2024"
    if listed is None:
        return [f"Liste 2024 absente : les quartiers 2024 de {commune} sont ceux que {source} rattache à la commune."]
    names = {row["code_qp"]: row.get("lib_qp", "") for row in later.communes}
    lines = [f"Quartier 2024 {code} ({names.get(code, '')}) : dans la liste officielle pour {commune}, mais sans "
             f"contour dans {source}." for code in sorted(set(listed) - set(quartiers["code_qp"]))]
    contours = later.contours
    assert contours is not None  # only called once the contours are read
    attached = contours[contours["code_commune"].astype(str) == commune] if "code_commune" in contours else contours[:0]
    lines += [f"Quartier 2024 {row.code_qp} ({row.nom_qp}) : contour rattaché à {commune} dans {source}, mais absent "
              f"de la liste officielle pour cette commune : il n'est pas construit." for row in attached.itertuples()
              if row.code_qp not in listed]
    return lines


def _quartiers_of(qpv: gpd.GeoDataFrame, commune: str, commune_feature: dict[str, Any],
                  listed: dict[str, str] | None = None) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """The commune's quartiers, sorted by code, with invalid geometries repaired and reported: those of the
    official list when there is one (`listed`, code → commune name), else those the contours attach to it."""
    if listed is not None:
        mine = qpv[qpv["code_qp"].isin(listed)].copy()
        mine["code_commune"] = commune
        mine["nom_commune"] = mine["code_qp"].map(listed)
    elif "code_commune" in qpv.columns:
        mine = qpv[qpv["code_commune"].astype(str) == commune].copy()
    else:  # the national file names communes but does not code them: place by contour
        contour = shapely.geometry.shape(commune_feature["geometry"])
        mine = qpv[shapely.covers(contour, qpv.geometry.representative_point().values)].copy()
    if mine.empty:
        raise SourceError(f"La commune {commune} n'a aucun quartier prioritaire dans la source.")
    repaired = {}
    for index, row in mine.iterrows():
        if not shapely.is_valid(row.geometry):
            repaired[row.code_qp] = shapely.is_valid_reason(row.geometry)
            mine.at[index, "geometry"] = _polygonal(shapely.make_valid(row.geometry))
    return mine.sort_values("code_qp"), repaired


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """make_valid may return a collection with stray lines; a quartier keeps only its area."""
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _quartier_feature(row: Any, local_names: dict[str, str], indicators: dict[str, dict[str, str]] | None,
                      stamp: GenerationStamp, commune: CommuneFacts) -> dict[str, Any]:
    """A quartier of one generation. A 2024 one takes its predecessor's local name, and its INSEE indicators only
    when its perimeter is unchanged: the 2015 figures describe the 2015 contour, not a redrawn one."""
    single = stamp.predecessors[0] if len(stamp.predecessors) == 1 else None
    same_perimeter = stamp.generation == OLDEST or stamp.change == Change.INCHANGE
    props: dict[str, Any] = {
        "code": row.code_qp,
        "nom": row.nom_qp,
        "nom_local": local_names.get(single or row.code_qp, row.nom_qp),
        "commune_code": getattr(row, "code_commune", None),
        "commune_nom": getattr(row, "nom_commune", None) or getattr(row, "commune_qp", None),
        "departement": commune.departement,
        "epci": commune.epci,
        "communes": [commune.code],
        **stamp.properties(),
    }
    values = (indicators or {}).get(single or "", {}) if same_perimeter else {}
    for ind in INDICATORS:
        props[ind.key] = _number(values.get(ind.column, ""))
        props[f"{ind.key}_annee"] = ind.year
    return {"type": "Feature", "properties": props, "geometry": mapping(row.geometry)}


def _number(text: str) -> float | int | None:
    """INSEE leaves a cell empty under statistical secrecy: that is None, never zero."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    value = float(text)
    return int(value) if value.is_integer() else value
