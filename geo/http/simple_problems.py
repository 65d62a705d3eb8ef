"""The light face's GUP problem reports, without a script: file one from `/simple` (a quartier, and where exactly
if one knows), say « moi aussi » to the same problem filed close by, follow one, and list a quartier's.

The rules and the store are the core's (geo.problems.rules, geo.problems.store); these pages only ask and show, in
four languages, and never show who reported a problem.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from geo.errors import InputError
from geo.geocode import AddressSearch
from geo.http.simple import (
    PAGE_HEADERS,
    PATH,
    TEMPLATES,
    answer_page,
    frame,
    light_link,
    link_lang,
    message_html,
    same_site_only,
    sender_of,
)
from geo.i18n import _, parse_language, using
from geo.problems import rules as rules
from geo.problems.cards import problem_pins
from geo.problems.store import Event, PhotoState, Place, Problem, Problems, UnknownProblem
from geo.render.mapview import svg_map

FILE_PATH = f"{PATH}/probleme"
LIST_PATH = f"{PATH}/problemes"


def problem_html(item: Problem, events: list[Event], *, lang: str) -> str:
    """One GUP problem as the public follows it: never who reported it, its description masked."""
    with using(lang):
        return TEMPLATES.get_template("probleme.html").render(
            **frame(lang), heading=_("Problème signalé n° {n}").format(n=item.id), t_problem=_labels(),
            category=_(item.label), quartier=item.quartier_name or _("hors quartier"), status=_(item.status.words),
            description=item.public_description, supporters=item.supporters,
            photo=photo_path(item.id) if item.photo is PhotoState.PUBLIC else None,
            back=light_link({"quartier": item.quartier, "lang": link_lang(lang)}),
            events=[(f"{e.at:%d/%m/%Y}", _(e.status.words), e.note) for e in events])


def _labels() -> dict[str, str]:
    return {"category": _("Catégorie"), "quartier": _("Quartier"), "status": _("État"),
            "description": _("Description"), "supporters": _("Habitants concernés"), "history": _("Suivi"),
            "photo": _("Photo du problème"),
            "me_too": _("Moi aussi"), "other": _("Non, c'est un autre problème : l'envoyer"),
            "none": _("Aucun problème signalé en ce moment.")}


def problems_router(problems: Callable[[], Problems], addresses: Callable[[], AddressSearch]) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def unknown(language: str) -> Response:
        """A missing, hidden or long-closed report: one answer for all three, so none can be told apart."""
        with using(language):
            said = _("Ce signalement n'existe pas, ou n'est plus public.")
        return answer_page(message_html(said, lang=language, back=light_link({"lang": link_lang(language)})), 404)

    @router.get(f"{FILE_PATH}/{{problem_id}}")
    def follow(problem_id: str, lang: str = "") -> Response:
        language = parse_language(lang)
        register = problems()
        try:
            found = register.shown(number) if (number := rules.problem_number(problem_id)) is not None else None
        except InputError:
            found = None
        if found is None:
            return unknown(language)
        return answer_page(problem_html(found, register.events(found.id), lang=language), 200)

    @router.get(f"{FILE_PATH}/{{problem_id}}/photo.jpg")
    def photo(problem_id: str) -> Response:
        """A published photo (re-encoded, without metadata); nothing for a private one or a hidden report."""
        number = rules.problem_number(problem_id)
        found = problems().photo(number) if number is not None else None
        if found is None:
            return Response(status_code=404, headers=PAGE_HEADERS)
        return Response(found, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=300",
                                                                 "X-Content-Type-Options": "nosniff"})

    @router.get(LIST_PATH)
    def listed(quartier: str = "", lang: str = "") -> Response:
        language = parse_language(lang)
        register = problems()
        shown = [p for p in register.public() if not quartier or p.quartier == quartier]
        with using(language):
            name = register.quartier_names.get(quartier)
            body = TEMPLATES.get_template("problemes.html").render(
                **frame(language), t_problem=_labels(),
                heading=_("Problèmes signalés : {quartier}").format(quartier=name) if name
                else _("Problèmes signalés dans les quartiers"),
                items=[(p.id, _(p.label), _(p.status.words), f"{p.created_at:%d/%m/%Y}", p.public_description,
                        p.supporters, follow_link(p.id, language)) for p in shown],
                map=Markup(svg_map(register.locator.dataset.territory,
                                   {code: SELECTED if code == quartier else PLAIN for code in register.quartier_names},
                                   points=problem_pins(shown), focus=quartier or None)) if shown else "",
                back=light_link({"quartier": name and quartier, "lang": link_lang(language)}))
        return answer_page(body, 200)

    @router.get(FILE_PATH)
    def file_again(request: Request) -> Response:
        """A reload or a shared link of the form's address: back to the page that holds the form."""
        return RedirectResponse(light_link(dict(request.query_params)), status_code=303)

    @router.post(FILE_PATH, dependencies=[Depends(same_site_only)])
    def file(request: Request, categorie: Annotated[str, Form()] = "", quartier: Annotated[str, Form()] = "",
             adresse: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "",
             courriel: Annotated[str, Form()] = "", confirme: Annotated[str, Form()] = "",
             lon: Annotated[str, Form()] = "", lat: Annotated[str, Form()] = "",
             lang: Annotated[str, Form()] = "") -> Response:
        language = parse_language(lang)
        back = light_link({"quartier": quartier or None, "lang": link_lang(language)})
        with using(language):
            register = problems()
            try:
                spot = register.place(lat=lat, lon=lon) if lat or lon else _place(register, quartier, adresse, addresses)
                register.check(categorie, spot.lon, spot.lat, description, email=courriel or None, address=adresse)
                if spot.precise and not confirme and (close := register.nearby(categorie, spot.lon, spot.lat)):
                    typed = {"categorie": categorie, "quartier": quartier, "adresse": adresse, "lon": lon, "lat": lat,
                             "description": description, "courriel": courriel, "lang": language}
                    return answer_page(_nearby_html(close, typed, language, back), 200)
                filed = register.file(categorie, spot.lon, spot.lat, description, email=courriel or None,
                                  address=adresse, precise=spot.precise, sender=sender_of(request))
            except InputError as exc:
                return answer_page(message_html(str(exc), lang=language, back=back), 422)
            said = _("Merci : votre signalement n° {n} est reçu ; la coordination GUP le suit.").format(n=filed.id)
            return answer_page(message_html(said, lang=language, back=back,
                                            link=(_("Suivre ce signalement"), follow_link(filed.id, language))), 200)

    @router.get(f"{FILE_PATH}/{{problem_id}}/moi-aussi")
    def me_too_again(problem_id: str, lang: str = "") -> Response:
        """« Moi aussi » is a post: its address opened again shows the report it is about."""
        number = rules.problem_number(problem_id)
        if number is None:
            return unknown(parse_language(lang))
        return RedirectResponse(follow_link(number, parse_language(lang)), status_code=303)

    @router.post(f"{FILE_PATH}/{{problem_id}}/moi-aussi", dependencies=[Depends(same_site_only)])
    def me_too(request: Request, problem_id: str, lang: Annotated[str, Form()] = "") -> Response:
        language = parse_language(lang)
        number = rules.problem_number(problem_id)
        if number is None:
            return unknown(language)
        with using(language):
            try:
                support = problems().me_too(number, sender=sender_of(request))
            except UnknownProblem:
                return unknown(language)
            except InputError as exc:
                return answer_page(message_html(str(exc), lang=language), 422)
            found = support.problem
            said = (_("Merci : vous êtes {n} habitants à signaler ce problème.") if support.counted
                    else _("Votre « moi aussi » est déjà compté : vous êtes {n} habitants à signaler ce problème.")
                    ).format(n=found.supporters)
            return answer_page(message_html(said, lang=language, back=light_link(
                {"quartier": found.quartier, "lang": link_lang(language)}),
                link=(_("Suivre ce signalement"), follow_link(found.id, language))), 200)

    return router


def _place(register: Problems, quartier: str, address: str, addresses: Callable[[], AddressSearch]) -> Place:
    """Where exactly, when the address search finds it; else the quartier chosen (a landmark such as « devant
    l'école » stays words for the partners)."""
    if address.strip():
        try:
            return register.place(address=address, search=addresses)
        except InputError:
            if not quartier.strip():
                raise
    return register.place(quartier=quartier)


PLAIN, SELECTED = "#e8eef5", "#b7cde6"


def photo_path(problem_id: int) -> str:
    return f"{FILE_PATH}/{problem_id}/photo.jpg"


def follow_link(problem_id: int, lang: str) -> str:
    return f"{FILE_PATH}/{problem_id}" + (f"?lang={lang}" if link_lang(lang) else "")


def _nearby_html(close: list[Problem], typed: dict[str, str], lang: str, back: str) -> str:
    """The same problem filed within 50 m: « moi aussi » on one of them, or send it anyway (the form's values
    go again, hidden)."""
    return TEMPLATES.get_template("probleme_proche.html").render(
        **frame(lang), t_problem=_labels(), heading=_("Déjà signalé tout près"),
        intro=_("Ce problème est peut-être déjà signalé à moins de {metres} m. Si c'est le même, dites « moi aussi » "
                ": il sera traité plus vite.").format(metres=int(rules.NEARBY_METRES)),
        items=[(p.id, _(p.label), _(p.status.words), p.public_description, p.supporters) for p in close],
        action=FILE_PATH, fields=list(typed.items()), back=back)
