"""What a resident reads: texts in the active language and the HTML of a card, every data text escaped.

Kept in the core so that the page, the exports and the tests all show the same words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from html import escape
from pathlib import Path
from urllib.parse import quote

from babel.dates import format_date

from geo.i18n import _, clock, day_names, direction, locale, long_date, ngettext, number
from geo.territory import hours, phone
from geo.territory.fields import BROCHURE
from geo.territory.freshness import freshness, is_due
from geo.territory.hours import WEEKDAYS, Availability
from geo.territory.locate import Answer, Status
from geo.territory.model import PRESENCE_LABELS, Dataset, Service, Structure
from geo.territory.notices import Notice, NoticeKind, in_force
from geo.territory.phone import phone_display, tel_href

#: The style of the cards and answers below, shared by every face that shows them.
CARDS_STYLE_SHEET = Path(__file__).with_name("cards.css")
#: A run of Latin letters or digits: a name, an address or a phone number inside a sentence.
_LATIN_RUN = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿŒœ](?:[0-9A-Za-zÀ-ÖØ-öø-ÿŒœ '’.\-/]*[0-9A-Za-zÀ-ÖØ-öø-ÿŒœ])?")


def text_html(text: str) -> str:
    """Escaped text; on a right-to-left page each Latin or digit run is isolated (<bdi>), so that a name or a
    phone number keeps its own order inside an Arabic sentence, even when the line wraps."""
    if direction() == "ltr":
        return escape(text)
    parts, last = [], 0
    for run in _LATIN_RUN.finditer(text):
        parts.append(f'{escape(text[last:run.start()])}<bdi dir="ltr">{escape(run[0])}</bdi>')
        last = run.end()
    return "".join(parts) + escape(text[last:])


def presence_text(structure: Structure) -> str:
    """'Lieu d'accueil' or 'Présence dans la rue' …, followed by the sourced detail."""
    labels = [_(PRESENCE_LABELS[p]) for p in structure.presence]
    kinds = _(" et ").join([labels[0], *(label.lower() for label in labels[1:])])
    return f"{kinds} — {_(structure.presence_detail)}" if structure.presence_detail else kinds


def hours_text(expression: str) -> str:
    """A readable rendering of simple OSM opening_hours ('Mo 14:00-17:30' → 'lundi 14 h – 17 h 30')."""
    if not expression:
        return ""
    names = dict(zip(WEEKDAYS, day_names(), strict=True)) | {"PH": _("jours fériés")}
    text = re.sub(r"\b(\d{2}):(\d{2})\b", lambda m: clock(time(int(m[1]) % 24, int(m[2]))), expression)
    text = re.sub(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH)\b", lambda m: names[m[1]], text)
    text = re.sub(r"(\w) ?- ?(\w)", r"\1 – \2", text)
    text = text.replace(",", ", ").replace(";", _(" ;"))
    return re.sub(r"\boff\b", _("fermé"), text)


def source_text(source: str) -> str:
    """'site.fr, 2021-12-22' → 'source : site.fr, 22/12/2021'."""
    return _("source : {source}").format(source=source_only(source)) if source else ""


def source_only(source: str) -> str:
    """'site.fr, 2021-12-22' → 'site.fr, 22/12/2021': the source's date as the reader writes dates."""
    found = re.search(r"\d{4}-\d{2}-\d{2}", source)
    if not found:
        return source
    return source.replace(found[0], format_date(date.fromisoformat(found[0]), format="short", locale=locale()), 1)


def is_stale(structure: Structure, source: str, today: date) -> bool:
    """A fact whose source is dated longer ago than its structure's checking period is to be checked before
    trusting it: the one freshness rule (geo.territory.freshness), read on the source's date."""
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})", source)
    return found is not None and is_due(date(*map(int, found.groups())), structure.update_months, today)


def service_chip(service: Service) -> str:
    return f"{service.icon} {_(service.label)}"


def freshness_text(structure: Structure, today: date) -> str:
    """'vérifié le 3 mars 2026', or why the listing is to be checked."""
    state = freshness(structure, today)
    if state.checked_on is not None and not state.to_check:
        return _("vérifié le {date}").format(date=long_date(state.checked_on))
    if state.checked_on is None and not any(structure.checked.values()):
        return _("à vérifier : informations de la brochure, pas encore confirmées par la structure")
    last = max((d for d in structure.checked.values() if d), default=None)
    return _("à vérifier : dernière vérification le {date}").format(date=long_date(last)) if last else _("à vérifier")


def notice_text(notice: Notice) -> str:
    """A notice in force as a resident reads it; the notice's own words are the staff's, shown as typed."""
    period = {"debut": long_date(notice.starts), "fin": long_date(notice.ends)}
    if notice.kind is NoticeKind.FERMETURE:
        head = _("Fermeture exceptionnelle du {debut} au {fin}").format(**period)
    elif notice.kind is NoticeKind.HORAIRES:
        head = _("Horaires modifiés du {debut} au {fin} : {horaires}").format(**period, horaires=hours_text(notice.hours))
    else:
        head = _("Annonce du {debut} au {fin}").format(**period)
    return f"{head} — {notice.message}" if notice.message else head


def notices_html(structure: Structure, at: datetime) -> str:
    return "".join(f'<p class="gup-notice" role="note">⚠️ {text_html(notice_text(n))}</p>'
                   for n in in_force(structure.notices, at))


def structure_card_html(structure: Structure, services: tuple[Service, ...], *,
                        availability: Availability | None = None, today: date | None = None,
                        at: datetime | None = None) -> str:
    """One structure as an HTML card: name, presence, notices, now open or not, a call button, known facts, and
    the day the listing was last checked."""
    at = at or hours.now()
    today = today or at.date()
    phone = phone_display(structure.telephone)
    offered = [service_chip(s) for s in services if s.key in structure.services]
    if len(offered) == len(services) > 1:
        offered = [_("Tous les types d'aide ({nombre})").format(nombre=len(services))]
    facts = [
        (_("Adresse"), structure.adresse, structure.sources.get("adresse", ""),
         _("adresse non communiquée, appelez le {telephone}").format(telephone=phone)),
        (_("Horaires"), hours_text(structure.horaires), structure.sources.get("horaires", ""),
         _("horaires non communiqués, appelez le {telephone}").format(telephone=phone)),
    ]
    if structure.courriel:
        facts.append((_("Courriel"), structure.courriel, structure.sources.get("courriel", ""), ""))
    check = _("à vérifier")
    rows = "".join(
        f"<dt>{text_html(label)}</dt><dd>{text_html(value) if value else f'<em>{text_html(missing)}</em>'}"
        + (f' <small>({text_html(source_text(src))})</small>' if value and src else "")
        + (f' <strong class="gup-stale">{text_html(check)}</strong>' if value and is_stale(structure, src, today) else "")
        + "</dd>"
        for label, value, src, missing in facts
    )
    now = "" if availability is None else (
        f'<p class="gup-now gup-now-{str(availability.ouvert).lower()}">{text_html(availability.text)}</p>')
    return (
        f'<div class="gup-structure">'
        f"<h3>{text_html(structure.nom)}</h3>"
        f'<p class="gup-presence">{text_html(presence_text(structure))}</p>{notices_html(structure, at)}{now}'
        f'{call_button(tel_href(structure.telephone), structure.nom, phone)}'
        f"<p>{text_html(_(structure.description))}</p>"
        f'<p class="gup-services">{text_html(" · ".join(offered))}</p>'
        f"<dl>{rows}</dl>"
        f'<p class="gup-checked{" gup-stale" if freshness(structure, today).to_check else ""}">'
        f"{text_html(freshness_text(structure, today))}</p>"
        f"</div>"
    )


def answer_headline(answer: Answer) -> str:
    """The first sentence of an answer, in plain words."""
    if answer.statut is Status.DANS_QUARTIER and answer.quartier:
        return _("Vous êtes dans le quartier {quartier}.").format(quartier=answer.quartier.nom_local)
    if answer.statut is Status.HORS_QUARTIER:
        text = _("Vous êtes à {commune}, en dehors des quartiers prioritaires.").format(commune=answer.commune_nom)
        if answer.nearest:
            text += " " + _("Le plus proche est {quartier}, à {distance}.").format(
                quartier=answer.nearest.quartier.nom_local, distance=distance_text(answer.nearest.distance_m))
        return text
    if answer.communes_served > 1:
        return _("Ce point est hors du territoire servi ({territoire}) : ce service ne le couvre pas.").format(
            territoire=answer.commune_nom)
    return _("Ce point est hors de la commune de {commune} : ce service ne la couvre pas.").format(
        commune=answer.commune_nom)


def answer_html(answer: Answer | None) -> str:
    """The answer as a live region: screen readers read it out as soon as a resident chooses a place."""
    if answer is None:
        return '<div class="gup-answer-wait" role="status" aria-live="polite"></div>'
    count = len(answer.structures)
    more = (ngettext("{nombre} structure peut vous aider : appelez-la ou allez la voir.",
                     "{nombre} structures peuvent vous aider : appelez-les ou allez les voir.", count).format(nombre=count)
            if count else _("Aucune structure renseignée pour cette commune pour l'instant.") if answer.unlisted_commune
            else _("Aucune structure de la brochure ne couvre ce lieu."))
    redrawn = answer.generation_notice(_)
    warning = f'<p class="gup-generation"><span aria-hidden="true">⚠️</span> {text_html(redrawn)}</p>' if redrawn else ""
    return (f'<div class="gup-answer{"" if count else " gup-none"}" role="status" aria-live="polite" aria-atomic="true">'
            f'<p><span aria-hidden="true">📍</span> <strong>{text_html(answer_headline(answer))}</strong></p>'
            f"{warning}<p>{text_html(more)}</p></div>")


def spoken_answer(answer: Answer, entries: list[tuple[Structure, Availability]]) -> str:
    """The answer as one text to read aloud: where you are, then each structure, whether it is open, its number.
    Digits are spaced in pairs as the French say them ('04 68 71 14 32'), which speech engines read one by one."""
    parts = [answer_headline(answer), *filter(None, [answer.generation_notice(_)])]
    for structure, availability in entries:
        parts.append(f"{structure.nom}. {availability.text}. "
                     + _("Téléphone : {telephone}.").format(telephone=phone_display(structure.telephone)))
    return " ".join(parts)


def distance_text(metres: float) -> str:
    if metres < 1000:
        return _("{nombre} m").format(nombre=number(round(metres / 10) * 10))
    return _("{nombre} km").format(nombre=number(metres / 1000, 1))


def call_button(href: str, name: str, phone: str, free: bool = False) -> str:
    """A tap-to-call button that says the action and whom it calls ('Appeler Centre social Max Savy')."""
    return action_button(href, "📞", _("Appeler {nom}").format(nom=_(name)), phone, _(" (gratuit)") if free else "")


def action_button(href: str, icon: str, action: str, number: str, note: str = "") -> str:
    """The action on the first line, the number on the second, read out together as one link; the number is
    always left to right, even in an Arabic page."""
    return (f'<a class="gup-call" href="{escape(href)}" aria-label="{escape(f"{action}, {number}{note}")}">'
            f'<span class="gup-action"><span aria-hidden="true">{icon}</span> {text_html(action)}</span>'
            f'<span class="gup-number"><bdi dir="ltr">{escape(number)}</bdi>{text_html(note)}</span></a>')


def tonight_html(entries: tuple[tuple[Structure, str], ...], *, call: bool) -> str:
    """Who is there this evening (and, for those who are, a call link), as a list."""
    def item(structure: Structure, text: str) -> str:
        link = ""
        if call:
            action = _("Appeler le {telephone}").format(telephone=structure.telephone_affiche)
            link = f' · <a href="{escape(tel_href(structure.telephone))}">📞 {text_html(action)}</a>'
        return f"<li><strong>{text_html(structure.nom)}</strong> — {text_html(text)}{link}</li>"

    return f'<ul class="gup-tonight">{"".join(item(s, t) for s, t in entries)}</ul>'


def sms_href(structure: Structure) -> str | None:
    """An sms: link only for a mobile number (landlines do not receive texts)."""
    return phone.sms_href(structure.telephone) if phone.is_mobile(structure.telephone) else None


def directions_href(structure: Structure) -> str | None:
    """A route to the sourced address, in OpenStreetMap; none when the address is not known."""
    if not structure.adresse:
        return None
    return "https://www.openstreetmap.org/search?query=" + quote(structure.adresse)


@dataclass(frozen=True)
class SourcedFact:
    """One line of a structure's sheet: a fact, where it comes from, and 'à vérifier' when its source is old."""

    fact: str
    source: str
    to_check: str


def facts_with_sources(structure: Structure, today: date) -> list[SourcedFact]:
    """Every fact on a structure's sheet with where it comes from, and whether it is old enough to check."""
    facts = [SourcedFact(_("Quartiers, types d'aide, téléphone"), BROCHURE, "")]
    for fact, label in (("situation", _("Où et quand")), ("adresse", _("Adresse")), ("horaires", _("Horaires")),
                        ("courriel", _("Courriel"))):
        if source := structure.sources.get(fact):
            facts.append(SourcedFact(label, source_only(source), _("à vérifier") if is_stale(structure, source, today) else ""))
    return facts


def sources_text(dataset: Dataset) -> str:
    return f"{BROCHURE[0].upper()}{BROCHURE[1:]} ; {dataset.territory.attribution}"


#: The A4 pages' stylesheet: the coverage report and the GUP committee's page print alike.
PRINT_CSS = """
@page { size: A4; margin: 12mm; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: system-ui, sans-serif; font-size: 10pt; color: #1f2d3d; margin: 0 auto; max-width: 186mm; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 11pt; margin: 4mm 0 1mm; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 8pt; }
th, td { border: 1px solid #999; padding: 0.8mm 1mm; text-align: center; overflow-wrap: anywhere; }
th { background: #eef2f6; font-size: 7pt; } td.q { text-align: left; } col.q { width: 24mm; }
.gup-legend ul { list-style: none; padding: 0; margin: 1mm 0; display: flex; gap: 4mm; flex-wrap: wrap; }
.gup-legend span { display: inline-block; width: 4mm; height: 4mm; margin-right: 1mm; border: 1px solid #555; }
.map svg { display: block; max-height: 90mm; margin: 0 auto; } small { color: #555; }
"""
