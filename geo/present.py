"""What a resident reads: French texts and the HTML of a structure card, every data text escaped.

Kept in the core so that the page, the exports and the tests all show the same words.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import escape
from urllib.parse import quote

import phonenumbers

from geo.data import PRESENCE_LABELS, Service, Structure, phone_display, tel_href
from geo.hours import Availability
from geo.locate import Answer, Status

UNKNOWN = "non communiqué"
_DAYS = {"Mo": "lundi", "Tu": "mardi", "We": "mercredi", "Th": "jeudi", "Fr": "vendredi", "Sa": "samedi",
         "Su": "dimanche", "PH": "jours fériés"}


def presence_text(structure: Structure) -> str:
    """'Lieu d'accueil' or 'Présence dans la rue' …, followed by the sourced detail."""
    kinds = " et ".join(PRESENCE_LABELS[p].lower() if i else PRESENCE_LABELS[p] for i, p in enumerate(structure.presence))
    return f"{kinds} — {structure.presence_detail}" if structure.presence_detail else kinds


def hours_text(expression: str) -> str:
    """A readable French rendering of simple OSM opening_hours ('Mo 14:00-17:30' → 'lundi 14 h – 17 h 30')."""
    if not expression:
        return ""
    text = re.sub(r"\b(\d{2}):(\d{2})\b", lambda m: f"{int(m[1])} h" + (f" {m[2]}" if m[2] != "00" else ""), expression)
    text = re.sub(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH)\b", lambda m: _DAYS[m[1]], text)
    text = re.sub(r"(\w) ?- ?(\w)", r"\1 – \2", text)
    text = text.replace(",", ", ").replace(";", " ;")
    return text.replace("off", "fermé")


def source_text(source: str) -> str:
    """'site.fr, 2021-12-22' → 'source : site.fr, 22/12/2021'."""
    return "source : " + re.sub(r"(\d{4})-(\d{2})-(\d{2})", r"\3/\2/\1", source) if source else ""


STALE_AFTER = timedelta(days=2 * 365)


def is_stale(source: str, today: date) -> bool:
    """A fact whose source is dated more than two years ago is to be checked before trusting it."""
    found = re.search(r"(\d{4})-(\d{2})-(\d{2})", source)
    return bool(found) and today - date(*map(int, found.groups())) > STALE_AFTER


def service_chip(service: Service) -> str:
    return f"{service.icon} {service.label}"


def structure_card_html(structure: Structure, services: tuple[Service, ...], *,
                        availability: Availability | None = None, today: date | None = None) -> str:
    """One structure as an HTML card: name, presence, now open or not, a call button, known facts."""
    today = today or date.today()
    phone = phone_display(structure.telephone)
    offered = [service_chip(s) for s in services if s.key in structure.services]
    if len(offered) == len(services) > 1:
        offered = [f"Tous les types d'aide ({len(services)})"]
    facts = [
        ("Adresse", structure.adresse, structure.sources.get("adresse", ""),
         f"adresse non communiquée, appelez le {phone}"),
        ("Horaires", hours_text(structure.horaires), structure.sources.get("horaires", ""),
         f"horaires non communiqués, appelez le {phone}"),
    ]
    if structure.courriel:
        facts.append(("Courriel", structure.courriel, structure.sources.get("courriel", ""), UNKNOWN))
    rows = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(value) if value else f'<em>{escape(missing)}</em>'}"
        + (f' <small>({escape(source_text(src))})</small>' if value and src else "")
        + (' <strong class="gup-stale">à vérifier</strong>' if value and is_stale(src, today) else "") + "</dd>"
        for label, value, src, missing in facts
    )
    now = "" if availability is None else (
        f'<p class="gup-now gup-now-{str(availability.ouvert).lower()}">{escape(availability.text)}</p>')
    return (
        f'<div class="gup-structure">'
        f"<h4>{escape(structure.nom)}</h4>"
        f'<p class="gup-presence">{escape(presence_text(structure))}</p>{now}'
        f'<a class="gup-call" href="{escape(tel_href(structure.telephone))}" '
        f'aria-label="{escape(f"Appeler {structure.nom} au {phone}")}">📞 Appeler le {escape(phone)}</a>'
        f"<p>{escape(structure.description)}</p>"
        f'<p class="gup-services">{escape(" · ".join(offered))}</p>'
        f"<dl>{rows}</dl>"
        f"</div>"
    )


def answer_headline(answer: Answer) -> str:
    """The first sentence of an answer, in plain French."""
    if answer.statut is Status.DANS_QUARTIER and answer.quartier:
        return f"Vous êtes dans le quartier {answer.quartier.nom_local}."
    if answer.statut is Status.HORS_QUARTIER:
        text = f"Vous êtes à {answer.commune_nom}, en dehors des quartiers prioritaires."
        if answer.nearest:
            text += (f" Le plus proche est {answer.nearest.quartier.nom_local}, "
                     f"à {distance_text(answer.nearest.distance_m)}.")
        return text
    return f"Ce point est hors de la commune de {answer.commune_nom} : ce service ne la couvre pas."


def distance_text(metres: float) -> str:
    if metres < 1000:
        return f"{round(metres / 10) * 10:.0f} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


def contact_card_html(contact: dict) -> str:
    """A GUP contact (as geo.gup.route gives it): name, why, and a call or SMS button when there is a number."""
    buttons = ""
    if contact["sms"]:
        buttons = (f'<a class="gup-call" href="{escape(contact["sms"])}">💬 Envoyer un SMS au '
                   f'{escape(contact["telephone"])}</a>')
    elif contact["tel"]:
        free = " (gratuit)" if contact["gratuit"] else ""
        buttons = (f'<a class="gup-call" href="{escape(contact["tel"])}" aria-label="'
                   f'{escape("Appeler " + contact["nom"] + " au " + contact["telephone"])}">📞 Appeler le '
                   f'{escape(contact["telephone"])}{free}</a>')
    extra = "".join(f"<p><small>{escape(v)}</small></p>" for v in (contact["adresse"], contact["site"]) if v)
    why = contact["pourquoi"] or contact["description"]
    return (f'<div class="gup-structure"><h4>{escape(contact["nom"])}</h4><p>{escape(why)}</p>{buttons}{extra}'
            f'<p><small>{escape(source_text(contact["source"]) if contact["source"] else "")}</small></p></div>')


def emergency_html(contacts: list[dict]) -> str:
    links = " · ".join(
        f'<a href="{escape(c["sms"] or c["tel"])}">{escape(c["telephone"])}</a> {escape(c["nom"])}' for c in contacts)
    return f'<p class="gup-emergency">🚨 Urgence : {links}</p>'


def sms_href(structure: Structure) -> str | None:
    """An sms: link only for a mobile number (landlines do not receive texts)."""
    number = phonenumbers.parse(structure.telephone, "FR")
    mobile = phonenumbers.number_type(number) in (phonenumbers.PhoneNumberType.MOBILE,
                                                  phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return f"sms:{structure.telephone}" if mobile else None


def directions_href(structure: Structure) -> str | None:
    """A route to the sourced address, in OpenStreetMap; none when the address is not known."""
    if not structure.adresse:
        return None
    return "https://www.openstreetmap.org/search?query=" + quote(structure.adresse)


def facts_with_sources(structure: Structure, today: date) -> list[dict[str, str]]:
    """Every fact on a structure's sheet with where it comes from, and whether it is old enough to check."""
    facts = [{"fait": "Quartiers, types d'aide, téléphone", "source": "brochure GUP « La médiation », Ville de Carcassonne",
              "a_verifier": ""}]
    for fact, label in (("situation", "Où et quand"), ("adresse", "Adresse"), ("horaires", "Horaires"),
                        ("courriel", "Courriel")):
        if source := structure.sources.get(fact):
            facts.append({"fait": label, "source": source_text(source).removeprefix("source : "),
                          "a_verifier": "à vérifier" if is_stale(source, today) else ""})
    return facts
