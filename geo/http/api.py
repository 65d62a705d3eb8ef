"""The JSON API for partners' sites and tools: MapIt-style point lookup, read-only, CORS open for GET.

`python -m geo serve` serves it beside the pages (`serve-api` alone); /docs shows the OpenAPI documentation. Answers
are those of the command line (`locate --json`, `coverage --format json`); bad parameters get a 422 with a French
message; a database or data failure a 503 that names the failing part, never its URL, path or password.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from geo import config, services
from geo.db.store import StoreError
from geo.directory.listings import default_locator
from geo.errors import DataError, GupError, InputError, incident
from geo.formats.data import load_territory, served_territory
from geo.geocode import configured_address_search
from geo.hosting.health import check_health, failing_part
from geo.http.docs import add_docs
from geo.http.open311 import PREFIX as OPEN311_PREFIX
from geo.http.open311 import error as open311_error
from geo.http.open311 import open311_router
from geo.http.simple import PATH as LIGHT_PATH
from geo.http.simple import CrossSite, answer_page, light_link, light_router, link_lang, message_html, unavailable_page
from geo.http.simple_problems import problems_router
from geo.i18n import SOURCE
from geo.limits import TooMany
from geo.planning.exports import export_geojson, record
from geo.problems.contacts import load_panel
from geo.problems.panel import Panel
from geo.territory.coverage import coverage_cells
from geo.territory.fields import CHECKED_FACTS
from geo.territory.generations import GENERATIONS
from geo.territory.hours import MOMENT_EXAMPLE, moment_from_text, now
from geo.territory.locate import Locator, in_commune, structure_dict
from geo.territory.model import Dataset, Structure
from geo.territory.notices import in_force

FRENCH = {
    "missing": "paramètre obligatoire manquant",
    "float_parsing": "nombre attendu",
    "float_type": "nombre attendu",
    "finite_number": "nombre fini attendu",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
}


class ErrorDetail(BaseModel):
    parametre: str
    valeur: Any = None
    message: str


class ErrorBody(BaseModel):
    """Every 422: a French sentence, and for parameters the schema refused, one line per parameter."""

    message: str
    details: list[ErrorDetail] | None = None


#: The statuses every route may answer besides 200, as the contract documents them.
ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "Paramètres invalides : le message dit lequel et pourquoi (en français)."},
    503: {"model": ErrorBody, "description": "Service momentanément indisponible (base de l'annuaire ou données des "
                                             "quartiers en panne) : réessayer plus tard."},
}


#: What a 503 tells a client to wait, in seconds.
RETRY_AFTER = "60"


class GeoJSONResponse(Response):
    media_type = "application/geo+json"


#: `/v1/quartiers` answers GeoJSON (RFC 7946's media type), and its errors JSON like every other route's.
GEOJSON_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Les quartiers (FeatureCollection), chacun avec sa couverture.",
          "content": {GeoJSONResponse.media_type: {"schema": {
              "type": "object", "required": ["type", "features"],
              "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array"}}}}}},
    422: {"description": ERRORS[422]["description"],
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}},
    503: {"description": ERRORS[503]["description"],
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}},
}
class HealthBody(BaseModel):
    """/healthz: « ok » with what the server answers from, or « en panne » with the part that fails."""

    statut: str
    partie: str | None = None
    donnees: dict[str, Any] | None = None
    schema_: str | None = Field(None, alias="schema")
    revision: int | None = None


HEALTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": HealthBody, "description": "Tout répond : données construites, révision du schéma et de l'annuaire."},
    503: {"model": HealthBody, "description": "Une partie est en panne : « partie » la nomme (jamais une adresse, un "
                                              "chemin ou un mot de passe)."},
}


def _french_422(served: tuple[str, ...], communes: tuple[str, ...]) -> Callable[[Request, Exception], JSONResponse]:
    unknown = {"generation": f"valeur inconnue (attendu : {' ou '.join(served)})",
               "commune": f"commune hors du territoire (communes servies : {', '.join(communes) or 'aucune'})"}

    def said(e: Any) -> str:
        if e["type"] == "string_too_long":
            return f"{e['ctx']['max_length']} caractères au plus"
        return FRENCH.get(e["type"], unknown.get(str(e["loc"][-1]), "valeur invalide"))

    def handler(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)  # Starlette's handlers are typed for any exception
        details = [{"parametre": str(e["loc"][-1]), "valeur": _shown_input(e.get("input")), "message": said(e)}
                   for e in exc.errors()]
        summary = " ; ".join(f"{d['parametre']} : {d['message']}" for d in details)
        if request.url.path.startswith(OPEN311_PREFIX):  # Open311's own error shape, with its 400
            return open311_error(400, f"Paramètres invalides — {summary}.")
        return JSONResponse(status_code=422, content={"message": f"Paramètres invalides — {summary}.",
                                                      "details": jsonable_encoder(details)})

    return handler


def _shown_input(value: Any) -> Any:
    """A refused value as the error repeats it: a long text is cut (a 1 MB field is not sent back whole)."""
    return value[:80] + "…" if isinstance(value, str) and len(value) > 80 else value


def _too_many(request: Request, exc: Exception) -> Response:
    """A limit of the core, in each face's own shape: Open311's error list, the light page's French page, JSON."""
    assert isinstance(exc, TooMany)
    headers = {"Retry-After": str(exc.retry_after)}
    return _refusal(request, 429, str(exc), exc.language, headers)


def _cross_site(request: Request, exc: Exception) -> Response:
    return _refusal(request, 403, str(exc), SOURCE, {})


def _refusal(request: Request, status: int, said: str, language: str, headers: dict[str, str]) -> Response:
    path = request.url.path
    if path.startswith(OPEN311_PREFIX):
        response = open311_error(status, said)
        response.headers.update(headers)
        return response
    if path.startswith(LIGHT_PATH):
        back = light_link({"lang": link_lang(language)})
        return answer_page(message_html(said, lang=language, back=back), status, headers)
    return JSONResponse(status_code=status, headers=headers, content={"message": said})


class ReadOnlyCors(CORSMiddleware):
    """CORS for reads only: a post (Open311's, a form's) gets no Access-Control header, whatever its Origin."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's answer, except that a 405 names every method the path takes (Open311's requests.json has a GET
    and a POST route: Starlette would name only the first one's)."""
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        methods = {m for route in request.app.routes if isinstance(route, APIRoute)
                   and route.path_regex.match(request.url.path) for m in route.methods or ()}
        headers["Allow"] = ", ".join(sorted(methods))
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)


def _gup_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=422, content={"message": str(exc)})


def _unavailable(request: Request, exc: Exception) -> Response:
    """The directory or the data failed: a short French answer naming the part, with a reference for the operators
    (whose log has the stack); the error's own words, which name a URL or a path, stay on the server."""
    assert isinstance(exc, GupError)
    part, reference = failing_part(exc), incident(exc)
    if request.url.path.startswith(LIGHT_PATH):
        return unavailable_page(part, reference, RETRY_AFTER)
    return JSONResponse(status_code=503, headers={"Retry-After": RETRY_AFTER}, content={
        "message": f"Service momentanément indisponible ({part} en panne) : réessayez dans quelques minutes "
                   f"(référence {reference})."})


def structure_record(structure: Structure) -> dict[str, Any]:
    return {**structure_dict(structure), "quartiers": list(structure.quartiers), "description": structure.description,
            "presence_detail": structure.presence_detail, "sources": structure.sources,
            "verifie_le": {f: d.isoformat() if d else None for f, d in structure.checked.items() if f in CHECKED_FACTS},
            "annonces": [n.as_json(now()) for n in in_force(structure.notices, now())]}


_panels: list[tuple[Dataset, Panel]] = []


def _panel_of(locator: Locator) -> Panel:
    """The GUP panel of the directory's current dataset, built again only when the directory changed."""
    if not _panels or _panels[0][0] is not locator.dataset:
        _panels[:] = [(locator.dataset, load_panel(config.data_dir(), locator.dataset))]
    return _panels[0][1]


def _built() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The generations and communes built, from the files, not the database: a server whose database or data is
    broken still starts, and its /healthz and 503s say which part fails."""
    try:
        territory = load_territory(config.data_dir(), served_territory())
    except (DataError, InputError):
        return tuple(GENERATIONS), ()
    return territory.generations, tuple(c.code for c in territory.communes)


def create_app(locator: Locator | None = None) -> FastAPI:
    app = FastAPI(title="Carte de la médiation — GUP Carcassonne", version="1", docs_url=None,
                  description="Quartier et structures de médiation pour un point ; quartiers, structures et couverture.")
    served, communes = (((locator.dataset.territory.generation,), tuple(c.code for c in locator.dataset.territory.communes))
                        if locator else _built())
    app.add_middleware(ReadOnlyCors, allow_origins=["*"], allow_methods=["GET"], allow_headers=[])
    app.add_exception_handler(RequestValidationError, _french_422(served, communes))
    app.add_exception_handler(GupError, _gup_error)
    app.add_exception_handler(TooMany, _too_many)
    app.add_exception_handler(CrossSite, _cross_site)
    add_docs(app)
    app.add_exception_handler(HTTPException, _http_error)
    for failure in (StoreError, DataError):
        app.add_exception_handler(failure, _unavailable)
    app.add_middleware(GZipMiddleware, minimum_size=500)

    def located(generation: str | None = None) -> Locator:
        if locator is None:
            return default_locator(generation)
        if generation not in (None, locator.dataset.territory.generation):
            raise InputError(f"Génération {generation} non servie ici (génération : "
                             f"{locator.dataset.territory.generation}).")
        return locator

    @app.get("/healthz", summary="État du service, pour un superviseur ou un répartiteur de charge",
             responses=HEALTH_RESPONSES)
    def healthz() -> JSONResponse:
        health = check_health()
        return JSONResponse(health.as_json(), status_code=200 if health.ok else 503,
                            headers={"Cache-Control": "no-store"})

    app.include_router(light_router(located, _panel_of))
    app.include_router(problems_router(services.problems, configured_address_search))
    app.include_router(open311_router(services.problems, configured_address_search, services.api_keys))
    #: Only the generations this server has built: a client generated from the schema never asks for another.
    generation_query: Any = Query(None, pattern=f"^({'|'.join(served)})$", json_schema_extra={"enum": list(served)},
                                  description="génération des contours qui répond (défaut : la plus récente construite)")

    @app.get("/v1/locate", summary="Quartier et structures pour un point", responses=ERRORS)
    def locate(lon: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False, description="longitude WGS84")],
               lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False, description="latitude WGS84")],
               at: Annotated[str | None, Query(
                   description="moment, heure de Paris sauf décalage donné (ISO 8601, ex. 2026-11-24T21:00 ou "
                               "2026-11-24T21:00:00+01:00) : chaque structure dit alors si elle est ouverte",
                   json_schema_extra={"format": "date-time", "examples": [MOMENT_EXAMPLE]})] = None,
               generation: str | None = generation_query) -> dict[str, Any]:
        moment = now() if at is None else moment_from_text(at)  # an empty `at=` is no moment: refused
        return located(generation).locate(lon, lat).to_dict(moment)

    #: Only the communes of the territory built here: a client generated from the schema never asks for another.
    commune_query: Any = Query(None, max_length=16, pattern=f"^({'|'.join(communes) or 'aucune'})$",
                               json_schema_extra={"enum": list(communes)},
                               description="code INSEE d'une commune du territoire (défaut : tout le territoire)")

    def scoped(generation: str | None, commune: str | None) -> Dataset:
        dataset = located(generation).dataset
        return dataset if commune is None else in_commune(dataset, commune)

    @app.get("/v1/quartiers", summary="Les quartiers et leur couverture (GeoJSON)", response_class=GeoJSONResponse,
             responses=GEOJSON_RESPONSES)
    def quartiers(generation: str | None = generation_query, commune: str | None = commune_query) -> Response:
        return GeoJSONResponse(export_geojson(scoped(generation, commune)))

    @app.get("/v1/structures", summary="Les structures de médiation", responses=ERRORS)
    def structures(generation: str | None = generation_query,
                   commune: str | None = commune_query) -> list[dict[str, Any]]:
        return [structure_record(s) for s in scoped(generation, commune).structures]

    @app.get("/v1/coverage", summary="Matrice quartier × type d'aide", responses=ERRORS)
    def coverage(generation: str | None = generation_query) -> list[dict[str, Any]]:
        return [record(c) for c in coverage_cells(located(generation).dataset)]

    return app
