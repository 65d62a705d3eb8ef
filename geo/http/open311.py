"""Open311 GeoReport v2 under `/open311/v2/`: the GUP problem reports as the open standard FixMyStreet, SeeClickFix and
many cities serve, so that a partner's app can file and follow them.

JSON only; `jurisdiction_id` is the commune's INSEE code. Errors take the standard shape
`[{"code": 400, "description": "…"}]`, in French. Anonymous posting shares the light page's limits; no identity is
ever returned, a description is masked, and a report about common areas has no point.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from geo import config
from geo.errors import DataError, InputError
from geo.formats.data import load_territory, served_territory
from geo.geocode import AddressSearch
from geo.http.simple import from_another_site, sender_of
from geo.http.simple_problems import photo_path
from geo.problems import rules as problems_module
from geo.problems.keys import ApiKeys
from geo.problems.panel import Panel
from geo.problems.store import PhotoState, Problem, Problems
from geo.territory.hours import local
from geo.territory.text import ADDRESS_MAX, EMAIL_MAX

PREFIX = "/open311/v2"
LISTED_AT_MOST = 1000


class Open311Error(BaseModel):
    code: int
    description: str


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    said = {400: "requête incomplète ou illisible", 403: "api_key inconnue ou retirée",
            404: "juridiction ou signalement inconnu",
            429: "trop de signalements depuis cette adresse"}
    return {code: {"model": list[Open311Error], "description": said[code]} for code in codes}


LIST: dict[str, Any] = {"pattern": r"^[^,]+(,[^,]+)*$"}


def error(code: int, description: str) -> JSONResponse:
    return JSONResponse([{"code": code, "description": description}], status_code=code)


def service(topic: Any) -> dict[str, Any]:
    return {"service_code": topic.cle, "service_name": topic.libelle, "description": topic.pourquoi,
            "metadata": False, "type": "realtime", "keywords": topic.theme, "group": topic.theme_libelle}


def request_json(item: Problem, panel: Panel, notes: str) -> dict[str, Any]:
    """A report as GeoReport v2 shows it: never who reported it, its description masked, and no point for a
    category shown by its quartier only."""
    point = item.public_point
    names = problems_module.partner_names(panel)
    agency = ", ".join(names.get(p, problems_module.COORDINATION) for p in item.partners)
    return {"service_request_id": str(item.id), "status": "closed" if item.status.closed else "open",
            "status_notes": notes or None, "service_name": item.label, "service_code": item.category,
            "description": item.public_description, "agency_responsible": agency or problems_module.COORDINATION,
            "service_notice": None, "requested_datetime": item.created_at.isoformat(timespec="seconds"),
            "updated_datetime": item.updated_at.isoformat(timespec="seconds"), "expected_datetime": None,
            "address": None, "address_id": None, "zipcode": None,
            "lat": point[1] if point else None, "long": point[0] if point else None,
            "media_url": f"{config.public_url()}{photo_path(item.id)}" if item.photo is PhotoState.PUBLIC else None}


def _moment(text: str, name: str) -> datetime:
    try:
        return local(datetime.fromisoformat(text.strip().upper().replace("Z", "+00:00")))
    except (ValueError, OverflowError):  # 0001-01-01T00:00:00+14:00 is no moment Paris ever had
        raise InputError(f"{name} illisible : « {text} » (attendu : une date ISO 8601, ex. 2026-12-07T09:00:00+01:00)."
                         ) from None


def _jurisdictions() -> tuple[str, ...]:
    """Each commune of the territory is a jurisdiction (its INSEE code); a report's point decides where it is filed.
    Read from the built files: a server whose database is broken still starts and says so."""
    try:
        return tuple(c.code for c in load_territory(config.data_dir(), served_territory()).communes)
    except (DataError, InputError):
        return (config.commune(),)


def open311_router(problems: Callable[[], Problems], addresses: Callable[[], AddressSearch],
                   keys: Callable[[], ApiKeys]) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["Open311 GeoReport v2"])
    served = _jurisdictions()
    here: dict[str, Any] = {"description": "code INSEE d'une commune du territoire (facultatif)",
                            "json_schema_extra": {"enum": list(served)}}
    jurisdiction: Any = Query(None, **here)

    def wrong_place(jurisdiction_id: str | None) -> JSONResponse | None:
        if jurisdiction_id is not None and jurisdiction_id not in served:
            return error(404, f"Juridiction inconnue : « {jurisdiction_id} » (juridictions : {', '.join(served)}, les "
                              "codes INSEE des communes du territoire).")
        return None

    @router.get("/services.json", summary="Les catégories de signalement (les exemples de la brochure GUP)",
                responses=_errors(404))
    def services(jurisdiction_id: str | None = jurisdiction) -> JSONResponse:
        if refused := wrong_place(jurisdiction_id):
            return refused
        return JSONResponse([service(t) for t in problems().panel.problems])

    @router.post("/requests.json", summary="Signaler un problème (formulaire encodé)", status_code=201,
                 responses=_errors(400, 403, 404, 429))
    def post_request(request: Request, service_code: Annotated[str, Form(description="la catégorie (services.json)")],
                     lat: Annotated[str, Form()] = "", long: Annotated[str, Form()] = "",
                     address_string: Annotated[str, Form(max_length=ADDRESS_MAX)] = "",
                     description: Annotated[str, Form()] = "",
                     email: Annotated[str, Form(max_length=EMAIL_MAX)] = "", api_key: Annotated[str, Form()] = "",
                     jurisdiction_id: str | None = Form(None, **here)) -> JSONResponse:
        if refused := wrong_place(jurisdiction_id):
            return refused
        holder = keys().holder(api_key) if api_key else None
        if api_key and holder is None:
            return error(403, "api_key inconnue ou retirée : demandez-en une à la coordination GUP.")
        if holder is None and from_another_site(request):
            return error(403, "Envoi depuis un autre site refusé : une application partenaire appelle Open311 depuis "
                              "son serveur, ou avec son api_key.")
        try:
            register = problems()
            if not service_code:
                raise InputError("service_code manquant : la catégorie du problème (voir services.json).")
            spot = register.place(lat=lat, lon=long, address=address_string, search=addresses)
            filed = register.file(service_code, spot.lon, spot.lat, description, email=email or None,
                              address=address_string, precise=spot.precise,
                              sender=sender_of(request, application=holder))
        except InputError as exc:
            return error(400, str(exc))
        return JSONResponse([{"service_request_id": str(filed.id), "service_notice": None, "account_id": None}],
                            status_code=201)

    @router.get("/requests.json", summary="Les signalements publics, filtrés", responses=_errors(400, 404))
    def get_requests(
            service_request_id: Annotated[str | None, Query(description="identifiants séparés par des virgules",
                                                            json_schema_extra=LIST)] = None,
            service_code: Annotated[str | None, Query(description="catégories séparées par des virgules",
                                                      json_schema_extra=LIST)] = None,
            start_date: Annotated[str | None, Query(description="reçus depuis (ISO 8601)",
                                                    json_schema_extra={"format": "date-time"})] = None,
            end_date: Annotated[str | None, Query(description="reçus jusqu'à (ISO 8601)",
                                                  json_schema_extra={"format": "date-time"})] = None,
            status: Annotated[str | None, Query(description="open, closed, ou les deux séparés par une virgule",
                                                json_schema_extra={"pattern": "^(open|closed)(,(open|closed))?$"})
                              ] = None,
            jurisdiction_id: str | None = jurisdiction) -> JSONResponse:
        if refused := wrong_place(jurisdiction_id):
            return refused
        register = problems()
        try:
            items = _filtered(register.public(), service_request_id, service_code, start_date, end_date, status)
        except InputError as exc:
            return error(400, str(exc))
        notes = register.latest_notes()
        return JSONResponse([request_json(p, register.panel, notes.get(p.id, "")) for p in items[:LISTED_AT_MOST]])

    @router.get("/requests/{request_id}.json", summary="Un signalement, son état et ses notes",
                responses=_errors(404))
    def get_request(request_id: str, jurisdiction_id: str | None = jurisdiction) -> JSONResponse:
        if refused := wrong_place(jurisdiction_id):
            return refused
        register = problems()
        try:
            if (number := problems_module.problem_number(request_id)) is None:
                raise InputError(f"Signalement inconnu : « {request_id[:20]} ».")
            found = register.shown(number)
        except InputError as exc:
            return error(404, str(exc))
        return JSONResponse([request_json(found, register.panel, register.latest_notes(found.id).get(found.id, ""))])

    return router


def _listed(text: str, name: str) -> set[str]:
    """A comma-separated filter's values; an empty one is refused rather than matching nothing."""
    values = [v.strip() for v in text.split(",")]
    if not all(values):
        raise InputError(f"{name} : valeur vide dans « {text} » (attendu : des valeurs séparées par des virgules).")
    return set(values)


def _filtered(items: list[Problem], ids: str | None, codes: str | None, start: str | None, end: str | None,
              status: str | None) -> list[Problem]:
    if ids is not None:
        wanted = _listed(ids, "service_request_id")
        items = [p for p in items if str(p.id) in wanted]
    if codes is not None:
        kinds = _listed(codes, "service_code")
        items = [p for p in items if p.category in kinds]
    if start is not None:
        since = _moment(start, "start_date")
        items = [p for p in items if p.created_at >= since]
    if end is not None:
        until = _moment(end, "end_date")
        items = [p for p in items if p.created_at <= until]
    if status is not None:
        states = _listed(status, "status")
        if unknown := states - {"open", "closed"}:
            raise InputError(f"status inconnu : {', '.join(sorted(unknown))} (valeurs : open, closed).")
        items = [p for p in items if ("closed" if p.status.closed else "open") in states]
    return items

