"""The light resident page, `/simple`: the resident page's answer as plain server-rendered HTML, for cheap phones and
weak signal. It works with JavaScript off (progressive enhancement: a form and links, nothing else), sends no
request to a third party, and takes its texts and cards from the core, like every other face.

Served by the API's FastAPI app (`python -m geo serve`, beside the pages, or `serve-api`). Answers carry an ETag (a
repeat visit costs a 304) and a strict Content-Security-Policy: no script at all, styles from this server only.
« Signaler une erreur » is a plain form under each card, posted to `/simple/signaler` with the same rules and the
same per-address limit as the full map's.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from geo import config, services
from geo.db.store import StoreError
from geo.directory.corrections import MAX_TEXT, REASONS
from geo.errors import DataError, GupError
from geo.geocode import configured_address_search
from geo.i18n import LANGUAGES, SOURCE, _, direction, parse_language, using
from geo.limits import Sender, TooMany, client_key, cross_site
from geo.problems.cards import contact_card_html, emergency_html
from geo.problems.panel import Panel, emergency_contacts, route
from geo.problems.rules import DESCRIPTION_MAX, KEEP_ADDRESS
from geo.render.links import LinkAnswer, answer_link, face_link
from geo.render.present import (
    CARDS_STYLE_SHEET,
    answer_html,
    sources_text,
    structure_card_html,
    text_html,
    tonight_html,
)
from geo.territory import hours
from geo.territory.locate import Locator

PATH = "/simple"
STYLE_PATH = f"{PATH}/style.css"
REPORT_PATH = f"{PATH}/signaler"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'self'")
#: Every page of the light face: no script, nothing sniffed, the referrer kept to this site.
PAGE_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
#: An answer says who is open now: a browser may keep it a minute, then asks again (a 304 when unchanged).
ANSWER_CACHE = "public, max-age=60"
STYLE_CACHE = "public, max-age=86400"
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                         autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def style_sheet() -> str:
    return CARDS_STYLE_SHEET.read_text(encoding="utf-8") + Path(__file__).with_name("simple.css").read_text(
        encoding="utf-8")


def light_link(params: Mapping[str, str | None]) -> str:
    kept = {k: v for k, v in params.items() if v}
    return f"{PATH}?{urlencode(kept)}" if kept else PATH


def _labels() -> dict[str, str]:
    return {
        "languages": _("Langue"), "title": _("Qui peut m'aider près de chez moi ?"),
        "quartier": _("Votre quartier"), "choose": _("Choisissez votre quartier"), "address": _("Votre adresse"),
        "address_example": _("Ex. : 12 rue Jules Sauzède"), "service": _("Type d'aide"), "all_help": _("Toutes les aides"),
        "submit": _("Voir qui appeler"), "who": _("Qui peut vous aider"), "tonight": _("Qui passe ce soir ?"),
        "invite": _("Choisissez votre quartier dans la liste, ou écrivez votre adresse, pour voir qui peut vous aider."),
        "problem": _("Je remarque un problème dans mon quartier"), "theme": _("De quoi s'agit-il ?"),
        "theme_placeholder": _("Propreté, voirie, bruit…"), "see_contacts": _("Voir qui prévenir"),
        "full_map": _("Carte complète (plus lourde)"), "report": _("Signaler une erreur"),
        "report_help": _("Aidez-nous à garder cette fiche juste. Ne donnez aucune information personnelle."),
        "report_what": _("Qu'est-ce qui est faux ?"), "report_text": _("Précisions (facultatif)"),
        "report_send": _("Envoyer le signalement"), "back": _("Retour à la page"),
        "problem_report": _("Signaler ce problème à la GUP"), "problem_category": _("Le problème"),
        "problem_quartier": _("Quartier du problème"),
        "problem_where": _("Où exactement ? (adresse ou repère, facultatif)"),
        "problem_description": _("Ce que vous voyez (ne donnez aucune information personnelle)"),
        "problem_email": _("Votre courriel pour être prévenu de la suite (facultatif, effacé {jours} jours après "
                           "la clôture)").format(jours=KEEP_ADDRESS.days),
        "problem_send": _("Envoyer à la GUP"), "problems_here": _("Problèmes déjà signalés"),
    }


def _answer(params: Mapping[str, str], locator: Locator) -> LinkAnswer:
    """The answer the parameters ask for (its `ignored` says what cannot be used)."""
    return answer_link({k: v.replace("-", "_") if k == "service" else v for k, v in params.items()
                        if k not in ("theme", "lang") and v.strip()}, locator, configured_address_search)


def problem_categories(panel: Panel) -> list[tuple[str, list[tuple[str, str]]]]:
    """The panel's examples under their themes, as the problem form offers them."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for topic in panel.problems:
        groups.setdefault(_(topic.theme_libelle), []).append((topic.cle, _(topic.libelle)))
    return list(groups.items())


def page_html(params: Mapping[str, str], locator: Locator, panel: Panel, *, at: datetime) -> str:
    """The whole page, in the language `lang=` asks for (French otherwise)."""
    lang = parse_language(params.get("lang"))
    with using(lang):
        dataset = locator.dataset
        found = _answer(params, locator)
        answer, typed, ignored = found.answer, found.typed_address, list(found.ignored)
        service_key = (params.get("service") or "").replace("-", "_")
        service = service_key if dataset.service(service_key) else None
        quartier = answer.quartier.code if answer and answer.quartier else None
        commune = dataset.territory.commune(found.commune) if found.commune else None
        cards: list[tuple[Markup, str]] = []
        tonight = ""
        service_links: list[tuple[str, str, bool]] = []
        if answer is not None:
            shown = answer.structures_for(service)
            cards = [(Markup(structure_card_html(s, dataset.services, availability=hours.availability(s, at), at=at)),
                      s.id) for s in shown]
            if answer.structures:
                evening = hours.tonight(answer.structures, at)
                nobody = _("Aucune structure n'est annoncée ce soir dans ce quartier.")
                tonight = tonight_html(evening.present, call=True) if evening.present else f"<p>{text_html(nobody)}</p>"
            everything = light_link({"quartier": quartier, "lang": link_lang(lang)})
            service_links = [(_("Toutes les aides"), everything, service is None)]
            service_links += [(_(s.label), light_link({"quartier": quartier, "service": s.key, "lang": link_lang(lang)}),
                               s.key == service) for s in dataset.services]
        contacts = _contacts(panel, locator, params.get("theme"), quartier, ignored)
        here = {"quartier": quartier, "service": service, "adresse": None if quartier else typed or None,
                "commune": commune.code if commune else None}
        return TEMPLATES.get_template("simple.html").render(
            **frame(lang, full_map=face_link(config.get("GUP_APP_URL"), quartier=quartier, service=service,
                                              point=found.point, adresse=typed, lang=lang)),
            action=PATH, report_action=REPORT_PATH, languages=list(LANGUAGES.items()),
            language_links={code: light_link({**here, "lang": link_lang(code)}) for code in LANGUAGES},
            quartiers=[(name, [(q.code, q.nom_local) for q in found])
                       for name, found in dataset.territory.quartiers_by_commune(commune.code if commune else None)],
            quartier=quartier, commune=commune.code if commune else None,
            services=[(s.key, _(s.label)) for s in dataset.services], service=service, adresse=typed,
            themes=[(k, _(v)) for k, v in panel.themes().items()], theme=params.get("theme"),
            intro=_("Médiation et accompagnement dans les quartiers prioritaires de {commune}.").format(
                commune=commune.nom if commune else dataset.territory.commune_nom),
            ignored=_("Lien : {problemes} — ignoré.").format(problemes=" ; ".join(ignored)) if ignored else "",
            answer=Markup(answer_html(answer)) if answer else "", cards=cards, tonight=Markup(tonight),
            reasons=[(k, _(v)) for k, v in REASONS.items()], max_text=MAX_TEXT,
            service_links=service_links, contacts=Markup(contacts),
            emergency=Markup(emergency_html(emergency_contacts(panel, dataset))),
            problem_action=f"{PATH}/probleme", categories=problem_categories(panel), max_description=DESCRIPTION_MAX,
            problems_link=f"{PATH}/problemes?" + urlencode({k: v for k, v in (("quartier", quartier),
                                                                            ("lang", link_lang(lang))) if v}),
            sources=sources_text(dataset))


def frame(lang: str, *, full_map: str | None = None) -> dict[str, object]:
    """What every page of the light face shows around its content, in the language `lang`."""
    return {"lang": lang, "dir": direction(lang), "title": _("Carte de la médiation — Carcassonne"), "t": _labels(),
            "stylesheet": STYLE_PATH, "full_map": full_map or config.get("GUP_APP_URL")}


def message_html(message: str, *, lang: str = SOURCE, heading: str | None = None, back: str | None = None,
                 link: tuple[str, str] | None = None) -> str:
    """A page that says one thing (a report sent or refused, the service unavailable), with a way back and, when
    there is one, the way on (its words and address)."""
    with using(lang):
        return TEMPLATES.get_template("message.html").render(**frame(lang), message=message, heading=heading,
                                                              back=back, link=link)


def unavailable_page(part: str, reference: str, retry_after: str) -> Response:
    """The 503 page: which part fails, in French, and a reference for the team (never a URL or a path)."""
    said = (f"Le service est momentanément indisponible ({part} en panne). Réessayez dans quelques minutes. Pour "
            f"une urgence, appelez le 112. Référence à transmettre à l'équipe : {reference}.")
    return answer_page(message_html(said, heading="Service momentanément indisponible"), 503, {"Retry-After": retry_after})


def link_lang(code: str) -> str | None:
    return None if code == "fr" else code


def _contacts(panel: Panel, locator: Locator, theme: str | None, quartier: str | None, ignored: list[str]) -> str:
    if not theme:
        return ""
    try:
        routing = route(panel, locator.dataset, theme, quartier)
    except GupError:
        ignored.append(_("thème inconnu « {theme} »").format(theme=theme))
        return ""
    return "".join(f"<h3>{text_html(_(sub.libelle))}</h3>" + "".join(contact_card_html(c) for c in sub.contacts)
                   for sub in routing.sous_themes)


def sender_of(request: Request, *, application: str | None = None) -> Sender:
    """Who posts, as the core's limits count them: the client's address (the peer, or the one a trusted proxy
    names: GUP_TRUSTED_PROXIES), or the partner application whose Open311 key it holds."""
    return Sender(client_key(request.client.host if request.client else None), application=application)


def from_another_site(request: Request) -> bool:
    """Whether a browser posted this from another site (Sec-Fetch-Site, else Origin, against GUP_PUBLIC_URL and the
    address the request was sent to): the light page's forms and Open311's POST read it alike."""
    return cross_site(request.headers.get("sec-fetch-site"), request.headers.get("origin"),
                      {config.public_url(), f"//{request.headers.get('host', '')}"})


class CrossSite(GupError):
    """A form of the light page posted from another site: refused, with a French page (403)."""


def same_site_only(request: Request) -> None:
    """The light page's forms take posts from this site only."""
    if from_another_site(request):
        raise CrossSite("Ce formulaire a été envoyé depuis un autre site : il n'est pas pris en compte. Ouvrez la "
                        "page du service et envoyez-le depuis elle.")


def _report_answer(request: Request, structure: str, reason: str, text: str, *, back: str, lang: str) -> Response:
    """A report filed as the full map files it (one shared limit per client address), answered by a page."""
    with using(lang):
        try:
            services.editing().file_report(structure, reason, text, sender=sender_of(request))
        except (StoreError, DataError, TooMany):
            raise  # the app's 503, or its 429
        except GupError as exc:
            return answer_page(message_html(str(exc), lang=lang, back=back), 422)
        said = _("Merci : votre signalement a été transmis à la structure et à la coordination.")
        return answer_page(message_html(said, lang=lang, back=back), 200)


def answer_page(body: str, status: int, headers: dict[str, str] | None = None) -> Response:
    """A page that is an answer to one request (a report, a failure): never kept by a cache."""
    return Response(body, status_code=status, media_type="text/html; charset=utf-8",
                    headers={**PAGE_HEADERS, "Cache-Control": "no-store", **(headers or {})})


def _cached(request: Request, body: bytes, media_type: str, cache: str) -> Response:
    """The body with its ETag; a 304 when the browser already holds it."""
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**PAGE_HEADERS, "ETag": tag, "Cache-Control": cache}
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


class RenderedPages:
    """The pages rendered for one dataset and one minute (an answer says who is open now: it holds a minute): 400
    residents arriving at once mostly ask for the same few quartiers, and get the page rendered once."""

    def __init__(self, limit: int = 512):
        self.limit = limit
        self._for: tuple[object, datetime] | None = None
        self._pages: dict[tuple[tuple[str, str], ...], bytes] = {}
        self._lock = threading.Lock()

    def page(self, params: Mapping[str, str], locator: Locator, panel: Panel, at: datetime) -> bytes:
        minute = at.replace(second=0, microsecond=0)
        key = tuple(sorted(params.items()))
        with self._lock:
            if self._for is None or self._for[0] is not locator.dataset or self._for[1] != minute:
                self._for, self._pages = (locator.dataset, minute), {}
            body = self._pages.get(key)
        if body is None:
            body = page_html(params, locator, panel, at=minute).encode("utf-8")
            with self._lock:
                if len(self._pages) >= self.limit:
                    self._pages.clear()
                self._pages[key] = body
        return body


def light_router(located: Callable[[], Locator], panel: Callable[[Locator], Panel]) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    rendered = RenderedPages()

    @router.get(PATH)
    def simple(request: Request) -> Response:
        locator = located()
        body = rendered.page(dict(request.query_params), locator, panel(locator), hours.now())
        return _cached(request, body, "text/html; charset=utf-8", ANSWER_CACHE)

    @router.get(REPORT_PATH)
    def report_again(request: Request) -> Response:
        """A reload or a shared link of the form's address: back to the page that holds the form."""
        return RedirectResponse(light_link(dict(request.query_params)), status_code=303)

    @router.post(REPORT_PATH, dependencies=[Depends(same_site_only)])
    def report(request: Request, structure: Annotated[str, Form()] = "", motif: Annotated[str, Form()] = "",
               texte: Annotated[str, Form()] = "", quartier: Annotated[str, Form()] = "",
               lang: Annotated[str, Form()] = "") -> Response:
        language = parse_language(lang)
        return _report_answer(request, structure, motif, texte, lang=language,
                              back=light_link({"quartier": quartier, "lang": link_lang(language)}))

    @router.get(STYLE_PATH)
    def style(request: Request) -> Response:
        return _cached(request, style_sheet().encode("utf-8"), "text/css; charset=utf-8", STYLE_CACHE)

    return router
