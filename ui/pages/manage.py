"""Manage page (/gerer): the coordinator and each structure keep their listing true, signed in with st.login.

The page only shows and sends: who may do what is read from the database and checked by the core on every write
(geo.directory.editing), with the e-mail the identity provider verified.
"""

from collections.abc import Callable
from datetime import time
from functools import partial

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import config
from geo.db.store import ConflictError
from geo.directory.corrections import REASONS
from geo.directory.editing import OPEN, PENDING, Editing
from geo.directory.permissions import Editor, sign_in_refusal, signed_in
from geo.errors import GupError
from geo.i18n import N_, _, day_names
from geo.mail.outbox import mail_status
from geo.mail.rules import Preferences, ReportDelivery, State
from geo.problems.rules import DESCRIPTION_MAX, NEXT, TRIAGE
from geo.problems.store import PhotoState
from geo.render.mapview import walk_map
from geo.render.present import freshness_text, hours_text, notice_text
from geo.territory import hours
from geo.territory.hours import HoursRow, opening_hours_from, rows_from
from geo.territory.model import Structure
from geo.territory.notices import in_force
from geo.territory.phone import phone_display
from ui import resources
from ui.language import fragment
from ui.problem import photo_field
from ui.text import md

HOURS_ROWS = 4
QUEUE_SECONDS = 3.0  # a resident's report shows in an open queue within this time
state = st.session_state
st.title(_("Gérer les fiches"))

auth = resources.sign_in_settings()
if auth is None:
    st.info(_("La connexion n'est pas activée sur ce serveur. Pour l'activer, ajoutez une section [auth] "
              "(ProConnect ou un autre fournisseur OpenID Connect) au fichier .streamlit/secrets.toml : "
              "docs/coordination.md explique comment."))
    st.stop()
if refusal := sign_in_refusal(auth):  # checked before the cookie is read: a forged one opens nothing
    st.error(refusal, icon="🔒")
    st.stop()
if not st.user.is_logged_in:
    st.write(_("Les structures et la coordination GUP se connectent ici pour corriger leur fiche, publier une "
               "fermeture ou confirmer que tout est exact."))
    st.button(_("Se connecter"), on_click=st.login, type="primary", key="connexion")
    st.stop()

person = signed_in(st.user.to_dict(), provider_verifies_email=config.oidc_email_verified())
st.button(_("Se déconnecter"), on_click=st.logout, key="deconnexion")
editing: Editing = resources.editing()
editor: Editor | None = editing.identify(person) if person else None
if editor is None or not editor.has_role:
    st.warning(_("Accès non attribué : votre compte ({compte}) n'a pas encore de rôle. Écrivez à la coordination "
                 "GUP : {contact}.").format(compte=md(str(st.user.get("email", ""))), contact=config.coordination_email()))
    st.stop()
identity: str = editor.email  # the roles' own e-mail: every write names it
me: Editor = editor
dataset = resources.dataset()
mine = [s for s in dataset.structures if me.admin or s.id in me.structures]
if me.admin and (drift := resources.file_drift()):  # the file was edited, the directory was not: said
    st.warning(drift, icon="📄")
if done := state.pop("gerer_fait", None):
    st.success(done)
st.caption(_("Connecté : {compte} — {role}").format(
    compte=md(identity), role=_("coordination (tous les droits)") if me.admin else _("éditeur de structure")))


def _run(action: Callable[[], object], success: str, *, forget: tuple[str, ...] = ()) -> None:
    """Runs a write. Done: the page runs again to show the directory as it now is, and says so at its top. A known
    error shows in French where the form is, and the typed values stay in it."""
    try:
        action()
    except ConflictError as exc:
        st.error(str(exc), icon="🔁")
        return
    except GupError as exc:
        st.error(str(exc))
        return
    for key in forget:
        state.pop(key, None)
    state["gerer_fait"] = success
    st.rerun()


def _version_key(structure: Structure) -> str:
    return f"version_lue_{structure.id}"


def _hours_rows(structure: Structure) -> str | None:
    """The hours form: day and time rows, read back as OSM opening_hours (None: left as they are)."""
    current = rows_from(structure.horaires) if structure.horaires else []
    if current is None:
        st.caption(_("Horaires actuels : {horaires} (trop détaillés pour ce formulaire : modifiez-les ci-dessous "
                     "au format OpenStreetMap).").format(horaires=md(structure.horaires)))
        return st.text_input(_("Horaires (format OpenStreetMap)"), value=structure.horaires, key=f"osm_{structure.id}")
    names = day_names()
    rows = []
    for i in range(HOURS_ROWS):
        known = current[i] if i < len(current) else None
        days, start, end = st.columns([2, 1, 1])
        chosen = days.multiselect(_("Jours (ligne {n})").format(n=i + 1), range(7), format_func=names.__getitem__,
                                  default=list(known.days) if known else [], key=f"jours_{structure.id}_{i}",
                                  placeholder=_("Choisissez des jours"))
        opens = start.time_input(_("De"), value=known.start if known else None, step=900,
                                 key=f"debut_{structure.id}_{i}")
        closes = end.time_input(_("À"), value=known.end if known else None, step=900, key=f"fin_{structure.id}_{i}")
        if chosen or opens or closes:
            rows.append(HoursRow(tuple(chosen), opens or time(0), closes or time(0)))
    if rows == current:  # unchanged: keep the expression as it was written
        return structure.horaires
    return opening_hours_from(rows) if rows else ""


def contact_form(structure: Structure) -> None:
    st.markdown("### " + _("Coordonnées et horaires"))
    version = state.setdefault(_version_key(structure), structure.version)
    with st.form(f"contact_{structure.id}"):
        typed = {
            "telephone": st.text_input(_("Téléphone"), value=phone_display(structure.telephone), key=f"tel_{structure.id}"),
            "courriel": st.text_input(_("Courriel"), value=structure.courriel, key=f"mail_{structure.id}"),
            "adresse": st.text_input(_("Adresse"), value=structure.adresse, key=f"adr_{structure.id}"),
            "description": st.text_area(_("Description"), value=structure.description, key=f"desc_{structure.id}"),
        }
        try:
            typed["horaires"] = _hours_rows(structure) or ""
        except GupError as exc:
            st.error(str(exc))
            typed.pop("horaires", None)
        if structure.horaires:
            st.caption(_("Horaires enregistrés : {horaires}").format(horaires=md(hours_text(structure.horaires))))
        source = st.text_input(_("Source de l'information (obligatoire)"), key=f"source_{structure.id}",
                               placeholder=_("ex. appel du 2 décembre, site de l'Agglo"))
        sent = st.form_submit_button(_("Enregistrer"), type="primary")
    if sent:
        if not source.strip():
            st.error(_("Indiquez la source de l'information : elle est gardée dans l'historique."))
            return
        _run(lambda: editing.edit(identity, structure.id, typed, source=source, expected_version=version),
             _("Fiche enregistrée : les habitants la voient dans quelques secondes."), forget=(_version_key(structure),))
    if st.button(_("✅ Toujours exact"), key=f"exact_{structure.id}",
                 help=_("Vous avez vérifié la fiche (par exemple par un appel) : rien ne change, la date de "
                        "vérification devient aujourd'hui.")):
        _run(lambda: editing.confirm(identity, structure.id, (), source=_("vérification sur la page Gérer")),
             _("Merci : la fiche est marquée vérifiée aujourd'hui."))
    if state.get(_version_key(structure)) != structure.version and st.button(_("Recharger la fiche"),
                                                                               key=f"recharger_{structure.id}"):
        for key in [k for k in state if k.endswith(structure.id) or k == _version_key(structure)]:
            del state[key]
        st.rerun()


def coverage_form(structure: Structure) -> None:
    st.markdown("### " + _("Couverture"))
    if not me.admin:
        st.caption(_("Un changement de couverture est une proposition : il s'applique quand la coordination l'approuve."))
    names = {q.code: q.nom_local for q in dataset.territory.quartiers}
    services = {s.key: _(s.label) for s in dataset.services}
    with st.form(f"couverture_{structure.id}"):
        quartiers = st.multiselect(_("Quartiers couverts"), list(names), default=list(structure.quartiers),
                                   format_func=names.__getitem__, key=f"q_{structure.id}")
        offered = st.multiselect(_("Types d'aide"), list(services), default=list(structure.services),
                                 format_func=services.__getitem__, key=f"s_{structure.id}")
        everyone = st.checkbox(_("Ouvert à tous les habitants de la commune"), value=structure.toute_la_commune,
                               key=f"c_{structure.id}")
        source = st.text_input(_("Source de l'information (obligatoire)"), key=f"source_couv_{structure.id}")
        sent = st.form_submit_button(_("Proposer") if not me.admin else _("Enregistrer"))
    if sent:
        values = {"quartiers": ";".join(quartiers), "services": ";".join(offered),
                  "toute_la_commune": "oui" if everyone else "non"}
        if not source.strip():
            st.error(_("Indiquez la source de l'information : elle est gardée dans l'historique."))
            return
        _run(lambda: editing.edit(identity, structure.id, values, source=source),
             _("Enregistré.") if me.admin else _("Proposition envoyée à la coordination."))


def notices_form(structure: Structure) -> None:
    st.markdown("### " + _("Annonces temporaires"))
    moment = hours.now()
    for notice in structure.notices:
        if notice.in_force(moment) or notice.starts > moment.date():
            left, right = st.columns([4, 1])
            left.markdown(md(notice_text(notice)))
            if right.button(_("Terminer"), key=f"fin_annonce_{notice.id}"):
                _run(partial(editing.end_notice, identity, notice.id), _("Annonce terminée."))
    kinds = {"fermeture": _("Fermeture exceptionnelle"), "horaires": _("Horaires modifiés"), "message": _("Message")}
    with st.form(f"annonce_{structure.id}", clear_on_submit=True):
        kind = st.selectbox(_("Type d'annonce"), list(kinds), format_func=kinds.__getitem__, key=f"type_{structure.id}")
        first, last = st.columns(2)
        starts = first.date_input(_("Du"), value=moment.date(), format="DD/MM/YYYY", key=f"du_{structure.id}")
        ends = last.date_input(_("Au (inclus)"), value=moment.date(), format="DD/MM/YYYY", key=f"au_{structure.id}")
        changed = st.text_input(_("Horaires de la période (pour « Horaires modifiés », format OpenStreetMap)"),
                                placeholder="Mo-Fr 09:00-12:00", key=f"h_{structure.id}")
        message = st.text_input(_("Message aux habitants"), key=f"msg_{structure.id}")
        sent = st.form_submit_button(_("Publier l'annonce"))
    if sent:
        _run(lambda: editing.add_notice(identity, structure.id, kind, starts, ends, message=message, hours=changed),
             _("Annonce publiée."))


def history_table(structure: Structure) -> None:
    st.markdown("### " + _("Historique de la fiche"))
    entries = editing.store.history(structure.id)[::-1][:50]
    st.dataframe(pd.DataFrame([{_("Quand"): f"{hours.local(e.at):%d/%m/%Y %H:%M}", _("Champ"): e.field,
                                _("Avant"): e.before or "", _("Après"): e.after or "", _("Par"): e.author,
                                _("Source"): e.source} for e in entries]), hide_index=True, width="stretch")


def coverage_matrix(structure: Structure, quartiers: str, services: str) -> pd.DataFrame:
    """The planner's matrix for one structure: ✓ where it covers a quartier for a kind of help."""
    covered, offered = quartiers.split(";"), services.split(";")
    return pd.DataFrame({_(s.label): ["✓" if q.code in covered and s.key in offered else "" for q in
                                      dataset.territory.quartiers] for s in dataset.services},
                        index=[q.nom_local for q in dataset.territory.quartiers])


def _decision(key: str, note_label: str, yes: tuple[str, str], no: tuple[str, str],
              act: Callable[[bool, str], object]) -> None:
    """A note and two buttons (each a label and what is said once done), for an item of a queue."""
    note = st.text_input(note_label, key=f"note_{key}")
    left, right = st.columns(2)
    if left.button(yes[0], key=f"oui_{key}", type="primary"):
        _run(partial(act, True, note), yes[1])
    if right.button(no[0], key=f"non_{key}"):
        _run(partial(act, False, note), no[1])


def _on_proposal(proposal_id: int, approve: bool, note: str) -> object:
    return editing.decide(identity, proposal_id, approve=approve, note=note)


def _on_report(report_id: int, fixed: bool, note: str) -> object:
    return editing.handle_report(identity, report_id, fixed=fixed, note=note)


def proposals_queue() -> None:
    pending = editing.proposals(identity)
    st.markdown("### " + _("Propositions en attente ({nombre})").format(nombre=len(pending)))
    for item in pending:
        structure = dataset.known_structure(item.structure)
        with st.container(border=True):
            st.markdown(_("**{structure}** — {champ}, proposé par {auteur} (source : {source})").format(
                structure=md(structure.nom), champ=item.field, auteur=md(item.author), source=md(item.source)))
            if item.field in ("quartiers", "services"):
                before_q = item.before if item.field == "quartiers" else ";".join(structure.quartiers)
                before_s = item.before if item.field == "services" else ";".join(structure.services)
                after_q = item.after if item.field == "quartiers" else before_q
                after_s = item.after if item.field == "services" else before_s
                left, right = st.columns(2)
                left.caption(_("Avant"))
                left.dataframe(coverage_matrix(structure, before_q, before_s))
                right.caption(_("Après"))
                right.dataframe(coverage_matrix(structure, after_q, after_s))
            else:
                st.write(f"{md(item.before)} → {md(item.after)}")
            if me.admin:
                if stale := editing.stale(item):  # approving would undo a later change: re-base or reject
                    st.warning(stale)
                    if st.button(_("Re-baser sur la fiche actuelle"), key=f"rebaser_{item.id}"):
                        _run(partial(editing.rebase, identity, item.id),
                             _("Proposition re-basée : relisez-la avant de l'approuver."))
                _decision(f"proposition_{item.id}", _("Note (facultatif)"), (_("Approuver"), _("Proposition approuvée.")),
                          (_("Rejeter"), _("Proposition rejetée.")),
                          partial(_on_proposal, item.id))


@fragment(run_every=QUEUE_SECONDS)
def reports_queue() -> None:
    """Reports change a queue, not the directory's revision: the queue looks again by itself (only this part
    reruns, never the forms under the editor's fingers)."""
    waiting = editing.reports(identity)
    st.markdown("### " + _("Signalements des habitants ({nombre})").format(nombre=len(waiting)))
    for item in waiting:
        with st.container(border=True):
            st.markdown(f"**{md(dataset.known_structure(item.structure).nom)}** — {md(_(REASONS[item.reason]))}"
                        + (f" : {md(item.text)}" if item.text else ""))
            _decision(f"signalement_{item.id}", _("Ce qui a été fait"), (_("Corrigé"), _("Signalement traité.")),
                      (_("Écarté"), _("Signalement écarté.")),
                      partial(_on_report, item.id))


def linked_item() -> str | None:
    """What a message's link opened (/gerer?signalement=12, ?proposition=3, ?fiche=…), said at the top; the
    structure it is about, to be the listing managed below. Whether this person may see it is the core's to say."""
    params = st.query_params
    try:
        if (number := params.get("signalement", "")).isdigit():
            report = editing.report(identity, int(number))
            return _linked(report.structure, report.id, report.status == OPEN, report.handled_by,
                           _("Signalement n° {n} ({structure}) : ouvert, traitez-le dans la liste ci-dessous."),
                           _("Signalement n° {n} ({structure}) : déjà traité par {qui}."))
        if (number := params.get("proposition", "")).isdigit():
            found = editing.proposal(identity, int(number))
            return _linked(found.structure, found.id, found.status == PENDING, found.decided_by,
                           _("Proposition n° {n} ({structure}) : en attente, examinez-la ci-dessous."),
                           _("Proposition n° {n} ({structure}) : déjà décidée par {qui}."))
    except GupError as exc:
        st.warning(str(exc))
    return params.get("fiche")


def _linked(structure_id: str, number: int, waiting: bool, by: str | None, waiting_words: str,
            done_words: str) -> str:
    """Says whether the item a link opened still waits, or who handled it; its structure, to be managed below."""
    name = md(dataset.known_structure(structure_id).nom)
    if waiting:
        st.info(waiting_words.format(n=number, structure=name), icon="✉️")
    else:
        st.success(done_words.format(n=number, structure=name, qui=md(by or "")), icon="✉️")
    return structure_id


def mail_preferences_form() -> None:
    """Each person chooses what they receive; every message links here (?reglages=courriels)."""
    chosen = editing.preferences(identity)
    deliveries = {ReportDelivery.IMMEDIATE: _("Un courriel par signalement"),
                  ReportDelivery.DAILY: _("Un résumé par jour")}
    opened = st.query_params.get("reglages") == "courriels"
    with st.expander(_("Mes courriels"), expanded=opened), st.form("mes_courriels"):
        reports = st.radio(_("Signalements des habitants"), list(deliveries), format_func=deliveries.__getitem__,
                           index=list(deliveries).index(chosen.reports), key="courriels_signalements")
        reminders = st.checkbox(_("Rappels quand mes fiches sont à vérifier"), value=chosen.reminders,
                                key="courriels_rappels")
        if me.admin:
            st.caption(_("Les avis de fiches restées sans réponse et la synthèse du lundi parviennent toujours à "
                         "la coordination."))
        sent = st.form_submit_button(_("Enregistrer mes choix"))
    if sent:
        _run(lambda: editing.set_preferences(identity, Preferences(reports, reminders)),
             _("Vos choix de courriels sont enregistrés."))


STATE_LABELS = {State.PENDING: N_("en attente"), State.HELD: N_("gardé pour le résumé du jour"),
                State.SENDING: N_("envoi commencé"), State.SENT: N_("envoyé"), State.FAILED: N_("en échec"),
                State.BUNDLED: N_("envoyé dans un résumé")}


def outbox_table() -> None:
    """The admins see what went, what waits and why (never a body, never the SMTP password)."""
    st.markdown("### " + _("Courriels de l'annuaire"))
    st.caption(md(mail_status()))
    entries = editing.outbox(identity)
    if not entries:
        st.caption(_("Aucun courriel pour l'instant."))
        return
    st.dataframe(pd.DataFrame([{_("Créé"): f"{e.created_at:%d/%m/%Y %H:%M}", _("État"): _(STATE_LABELS[e.state]),
                                _("Objet"): e.subject, _("Destinataire"): e.recipient, _("Essais"): e.attempts,
                                _("Erreur"): e.last_error} for e in entries]), hide_index=True, width="stretch")


def problems_queue() -> None:
    """GUP problem reports, followed to the end: each change is in the report's history, the reporter is told."""
    problems = resources.problems()
    waiting = problems.queue(identity)
    st.markdown("### " + _("Problèmes signalés dans les quartiers ({nombre})").format(nombre=len(waiting)))
    for item in waiting:
        with st.container(border=True):
            st.markdown(_("**n° {n} — {categorie}**, {quartier} : {statut} (reçu le {jour})").format(
                n=item.id, categorie=md(_(item.label)), quartier=md(item.quartier_name or _("hors quartier")),
                statut=md(_(item.status.words)), jour=f"{item.created_at:%d/%m/%Y}")
                        + (" · 🙈 " + _("masqué") if item.hidden else ""))
            if item.description:
                st.caption(md(item.description))
            if item.photo is not PhotoState.NONE:
                st.image(problems.photo(item.id, email=identity) or b"", width=240,
                         caption=_("Photo publiée") if item.photo is PhotoState.PUBLIC else _("Photo privée"))
                if item.photo is PhotoState.PRIVATE and st.button(_("Publier la photo"),
                                                                   key=f"publier_photo_{item.id}"):
                    _run(partial(problems.publish_photo, identity, item.id), _("Photo publiée."))
            choices = {s: _(s.words) for s in NEXT[item.status]}
            left, right = st.columns([2, 3])
            wanted = left.selectbox(_("Nouvel état"), list(choices), format_func=choices.__getitem__,
                                    key=f"etat_probleme_{item.id}")
            note = right.text_input(_("Note publique"), key=f"note_probleme_{item.id}")
            if st.button(_("Enregistrer l'état"), key=f"avancer_probleme_{item.id}"):
                _run(partial(problems.advance, identity, item.id, wanted, note=note), _("État enregistré."),
                     forget=(f"note_probleme_{item.id}", f"etat_probleme_{item.id}"))
            if not item.hidden and st.button(_("Masquer (la note dit pourquoi)"), key=f"masquer_probleme_{item.id}"):
                _run(partial(problems.hide, identity, item.id, reason=note), _("Signalement masqué."))


def walk_section() -> None:
    """A « diagnostic en marchant »: problems filed one after another in one walk, each where the editor stands
    (tapped on the map, next to the phone's blue dot)."""
    problems = resources.problems()
    # A toggle, not a closed expander: a map drawn hidden would not know its size, and would open on the world.
    if not st.toggle(_("Diagnostic en marchant"), key="marche_en_cours"):
        return
    with st.container(border=True, key="diagnostic"):
        st.caption(_("Touchez la carte là où est le problème (le point bleu montre le téléphone, s'il donne sa "
                     "position), choisissez ce que vous voyez, ajoutez-le ; puis le suivant."))
        clicked = st_folium(walk_map(dataset.territory, marker=state.get("marche_point"), leaflet=resources.leaflet()),
                            key="carte_marche", height=300, use_container_width=True,
                            returned_objects=["last_clicked"]).get("last_clicked")
        if clicked and clicked != state.get("marche_dernier"):
            state["marche_dernier"], state["marche_point"] = clicked, (clicked["lng"], clicked["lat"])
            st.rerun()
        topics = {t.cle: _(t.libelle) for t in problems.panel.problems}
        walked = state.setdefault("marche", [])
        with st.form(f"marche_{len(walked)}", border=False):  # a new, empty form after each problem added
            key = st.selectbox(_("Le problème"), list(topics), format_func=topics.__getitem__, key=f"marche_cat_{len(walked)}")
            description = st.text_area(_("Ce que vous voyez"), max_chars=DESCRIPTION_MAX, key=f"marche_txt_{len(walked)}")
            photo = photo_field(f"marche_photo_{len(walked)}")
            sent = st.form_submit_button(_("Ajouter au diagnostic"))
        if sent:
            if "marche_point" not in state:
                st.error(_("Touchez d'abord la carte là où est le problème."))
            else:
                lon, lat = state["marche_point"]
                _run(lambda: walked.append(problems.walked(identity, key, lon, lat, description,
                                                           photo=photo.getvalue() if photo else None,
                                                           photo_name=photo.name if photo else "photo").id),
                     _("Ajouté au diagnostic."))
        if walked:
            st.caption(_("Ce diagnostic : {n} problème(s), n° {numeros}.").format(
                n=len(walked), numeros=", ".join(map(str, walked))))
            if st.button(_("Terminer le diagnostic"), key="marche_fin"):
                for name in ("marche", "marche_point", "marche_dernier", "marche_en_cours"):
                    state.pop(name, None)
                st.rerun()


def partner_addresses_form() -> None:
    """Where each partner receives the problems routed to it: a sourced fact, recorded by the coordination."""
    problems = resources.problems()
    known = problems.partner_addresses()
    partners = {c.id: c.nom for c in problems.panel.contacts.values() if not c.id.startswith("urgence-")}
    partners[TRIAGE] = _("Coordination GUP (tri des signalements de bailleurs)")
    st.markdown("### " + _("Adresses de signalement des partenaires"))
    st.dataframe(pd.DataFrame([{_("Partenaire"): name, _("Courriel"): known.get(key, "")}
                               for key, name in partners.items()]), hide_index=True, width="stretch")
    with st.form("adresse_partenaire"):  # a refusal keeps what was typed
        which = st.selectbox(_("Partenaire"), list(partners), format_func=partners.__getitem__, key="partenaire")
        address = st.text_input(_("Courriel de signalement"), key="courriel_partenaire")
        source = st.text_input(_("Source de l'information (obligatoire)"), key="source_partenaire")
        sent = st.form_submit_button(_("Enregistrer l'adresse"))
    if sent:
        _run(lambda: problems.set_partner_address(identity, which, address, source=source), _("Adresse enregistrée."))


def editors_form() -> None:
    st.markdown("### " + _("Éditeurs"))
    st.dataframe(pd.DataFrame([{_("Courriel"): r.email, _("Rôle"): _("coordination") if r.structure is None else
                                dataset.known_structure(r.structure).nom} for r in editing.roles()]),
                 hide_index=True, width="stretch")
    with st.form("ajout_editeur", clear_on_submit=True):
        new = st.text_input(_("Courriel de la personne"), key="nouvel_editeur")
        choices = {"": _("Coordination (tous les droits)")} | {s.id: s.nom for s in dataset.structures}
        which = st.selectbox(_("Rôle"), list(choices), format_func=choices.__getitem__, key="role_editeur")
        sent = st.form_submit_button(_("Ajouter"))
    if sent:
        _run(lambda: editing.add_role(new, structure=which or None, by=identity, as_editor=identity), _("Éditeur ajouté."))


wanted = linked_item()
mail_preferences_form()
walk_section()
if me.admin:
    proposals_queue()
reports_queue()
if me.admin:
    problems_queue()
    editors_form()
    partner_addresses_form()
    outbox_table()
names = {s.id: s.nom for s in mine}
if wanted in names and state.get("fiche_lien") != wanted:  # a message's link opens its listing, once
    state["fiche_geree"] = state["fiche_lien"] = wanted
choice = st.selectbox(_("Fiche à gérer"), list(names), format_func=names.__getitem__, key="fiche_geree")
structure = dataset.known_structure(choice)
st.caption(md(freshness_text(structure, hours.today())) + "".join(
    f" · ⚠️ {md(notice_text(n))}" for n in in_force(structure.notices, hours.now())))
contact_form(structure)
notices_form(structure)
coverage_form(structure)
history_table(structure)
