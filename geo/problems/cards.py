"""What a resident reads of the GUP panel and of the problems reported: a contact's card with its call or SMS
button, the emergency numbers, and the problems with a public point as map pins."""

from __future__ import annotations

from html import escape

from geo.i18n import _
from geo.problems.panel import ShownContact
from geo.problems.store import Problem
from geo.render.mapview import Pin
from geo.render.present import action_button, call_button, source_text, text_html


def contact_card_html(contact: ShownContact) -> str:
    """A GUP contact (as geo.problems.panel.route gives it): name, why, and a call or SMS button when there is a number."""
    name = _(contact.nom)  # data texts, from the catalog
    reason = contact.pourquoi or contact.description
    buttons = ""
    if contact.sms and contact.telephone:
        buttons = action_button(contact.sms, "💬", _("Envoyer un SMS à {nom}").format(nom=name), contact.telephone)
    elif contact.tel and contact.telephone:
        buttons = call_button(contact.tel, contact.nom, contact.telephone, free=contact.gratuit)
    extra = "".join(f"<p><small>{text_html(v)}</small></p>" for v in (contact.adresse, contact.site) if v)
    source = source_text(contact.source) if contact.source else ""
    return (f'<div class="gup-structure"><h3>{text_html(name)}</h3><p>{text_html(_(reason))}</p>{buttons}{extra}'
            f"<p><small>{text_html(source)}</small></p></div>")


def emergency_html(contacts: tuple[ShownContact, ...]) -> str:
    def item(contact: ShownContact) -> str:
        name = contact.nom  # a data text, translated through the catalog (not a literal to extract)
        href = contact.sms or contact.tel or ""
        return f'<li><a href="{escape(href)}">{text_html(contact.telephone or "")}</a> {text_html(_(name))}</li>'

    links = "".join(map(item, contacts))
    title = _("Urgence")
    return (f'<div class="gup-emergency"><p><span aria-hidden="true">🚨</span> <strong>{text_html(title)}</strong>'
            f"</p><ul>{links}</ul></div>")


def problem_pins(items: list[Problem]) -> list[Pin]:
    """The problems that have a public point, as map pins, in the language in use (the light page's SVG map and the
    planner's layer alike)."""
    return [(point[0], point[1], f"n° {p.id} — {_(p.label)} : {_(p.status.words)}")
            for p in items if (point := p.public_point) is not None]
