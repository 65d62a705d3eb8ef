"""« Signaler ce problème à la GUP » on the resident page: at the point touched on the map (or the quartier chosen),
with an optional photo and an optional address to be told; the same open problem close by is shown first, for
« moi aussi ».

The limit is the core's, shared with the light page and Open311 (per client address), and per browser session.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from geo import config
from geo.errors import GupError
from geo.i18n import _
from geo.problems import rules as rules
from geo.problems.photos import PHOTO_MAX_MB
from geo.problems.store import Place
from geo.territory.locate import Answer
from ui import resources
from ui.errors import show_error
from ui.report import sender
from ui.text import md

PHOTO_TYPES = ["jpg", "jpeg", "png", "heic"]


def photo_field(key: str) -> UploadedFile | None:
    """A problem's optional photo, as the resident's form and the walk take it (the core re-encodes it)."""
    return st.file_uploader(_("Photo (facultatif : JPEG, PNG ou HEIC, {mo} Mo au plus)").format(mo=PHOTO_MAX_MB),
                            type=PHOTO_TYPES, key=key, max_upload_size=PHOTO_MAX_MB)  # in MB, as the widget counts


def _place(answer: Answer | None) -> Place | None:
    """The point touched on the map or found for an address; else the quartier chosen (its point stands for it)."""
    point = st.session_state.get("point")
    if point is not None:
        return Place(point[0], point[1], True)
    if answer is not None and answer.quartier is not None:
        return resources.problems().place(quartier=answer.quartier.code)
    return None


def problem_form(topic: str, answer: Answer | None) -> None:
    where = _place(answer)
    done = st.session_state.pop("probleme_fait", None)
    with st.expander(_("Signaler ce problème à la GUP"), icon="📍", expanded=done is not None):
        if done is not None:
            number, follow = done
            st.success(_("Merci : votre signalement n° {n} est reçu ; la coordination GUP le suit.").format(n=number))
            follow_words = _("Suivre ce signalement")
            st.markdown(f"[{follow_words}]({follow})")
        if where is None:
            st.info(_("Touchez la carte à l'endroit du problème, ou choisissez le quartier, pour le signaler."))
            return
        register = resources.problems()
        if where.precise:
            for item in register.nearby(topic, where.lon, where.lat):
                st.warning(_("Déjà signalé tout près : n° {n} ({etat}).").format(
                    n=item.id, etat=_(item.status.words)) + (f" {md(item.public_description)}" if
                                                              item.public_description else ""))
                if st.button(_("Moi aussi ({n})").format(n=item.supporters), key=f"moi-aussi-{item.id}"):
                    _me_too(item.id)
        else:
            st.caption(_("Le problème sera placé dans son quartier (touchez la carte pour le placer exactement)."))
        sent_before = st.session_state.get("problemes_envoyes", 0)  # a new form after each report: an empty one
        with st.form(f"probleme-{topic}-{sent_before}", clear_on_submit=False, border=False):
            description = st.text_area(_("Ce que vous voyez (ne donnez aucune information personnelle)"),
                                       max_chars=rules.DESCRIPTION_MAX, key=f"probleme-description-{topic}-{sent_before}")
            photo = photo_field(f"probleme-photo-{topic}-{sent_before}")
            email = st.text_input(_("Votre courriel pour être prévenu de la suite (facultatif, effacé {jours} jours "
                                    "après la clôture)").format(jours=rules.KEEP_ADDRESS.days),
                                  key=f"probleme-courriel-{topic}-{sent_before}")
            sent = st.form_submit_button(_("Envoyer à la GUP"))
        if sent:
            _file(topic, where, description, email, photo)


def _file(topic: str, where: Place, description: str, email: str, photo: UploadedFile | None) -> None:
    try:
        filed = resources.problems().file(topic, where.lon, where.lat, description, email=email or None,
                                          precise=where.precise, photo=photo.getvalue() if photo else None,
                                          photo_name=photo.name if photo else "photo", sender=sender())
    except GupError as exc:
        show_error(exc)
        return
    # Said once the form is empty again: a second tap cannot send the same problem twice.
    st.session_state["probleme_fait"] = (filed.id, f"{config.get('GUP_SIMPLE_URL')}/probleme/{filed.id}")
    st.session_state["problemes_envoyes"] = st.session_state.get("problemes_envoyes", 0) + 1
    st.rerun()


def _me_too(problem_id: int) -> None:
    try:
        support = resources.problems().me_too(problem_id, sender=sender())
    except GupError as exc:
        show_error(exc)
        return
    said = (_("Merci : vous êtes {n} habitants à signaler ce problème.") if support.counted
            else _("Votre « moi aussi » est déjà compté : vous êtes {n} habitants à signaler ce problème."))
    st.success(said.format(n=support.problem.supporters))
