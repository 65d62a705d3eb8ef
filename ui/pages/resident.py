"""Resident page: where am I, whom do I call or visit, who is there tonight, whom to tell about my street?"""

import json
from html import escape

import streamlit as st
from streamlit_folium import st_folium
from streamlit_js_eval import get_geolocation, streamlit_js_eval
from streamlit_searchbox import st_searchbox

from geo import config
from geo.geocode import GeocoderError
from geo.i18n import _, direction, language, ngettext
from geo.planning import demand
from geo.problems.cards import contact_card_html, emergency_html
from geo.problems.panel import emergency_contacts, route
from geo.render.links import answer_link, face_link, params_for
from geo.render.mapview import quartiers_map
from geo.render.present import (
    answer_html,
    service_chip,
    spoken_answer,
    structure_card_html,
    text_html,
    tonight_html,
)
from geo.territory import hours
from geo.territory.fields import BROCHURE
from geo.territory.locate import Answer, Status, structures_serving
from ui import resources
from ui.language import fragment
from ui.problem import problem_form
from ui.report import report_button
from ui.text import ltr, md

dataset = resources.dataset()
locator = resources.locator()
territory = dataset.territory
state = st.session_state


def _forget_point() -> None:
    state.pop("point", None)


def _go_to(lon: float, lat: float, label: str | None) -> None:
    """A chosen address or position becomes the point of the answer, and its quartier is chosen in the list."""
    state["point"] = (lon, lat)
    state["adresse_point"] = label
    tapped = locator.locate(lon, lat)
    state["quartier_touche"] = tapped.quartier.code if tapped.quartier else None


def _suggestions(term: str) -> list[tuple[str, tuple]]:
    service = resources.address_search().geocoder
    if len(term.strip()) < 3 or service is None:
        return []
    try:
        results = service.search(term, limit=5)
    except GeocoderError as exc:
        state["geocodage_erreur"] = str(exc)
        return []
    state.pop("geocodage_erreur", None)
    state["geocodage_secours"] = any(r.fallback for r in results)
    outside = " — " + _("hors de la commune")
    return [(r.label + ("" if r.in_commune else outside), (r.lon, r.lat, r.label)) for r in results]


@fragment
def address_search() -> None:
    """Suggestions as the resident types (3 letters, debounced), without rerunning the whole page."""
    search = resources.address_search()
    if search.geocoder is None:
        st.info(search.off_reason, icon="🔎")
        return
    chosen = st_searchbox(_suggestions, label=_("Votre adresse"), placeholder=_("Ex. : 12 rue Jules Sauzède"),
                          key="adresse", debounce=300, rerun_scope="fragment", clear_on_submit=False,
                          style_overrides={"wrapper": {"direction": direction()}})  # its own frame: Arabic from the right
    if state.get("geocodage_erreur"):
        st.caption(f"⚠️ {state['geocodage_erreur']}")
    elif state.get("geocodage_secours"):
        st.caption(_("Service national d'adresses injoignable : réponses de l'index local."))
    # The wish is kept in the session by the button's callback, as the tap is received: a rerun landing at the same
    # moment (the map's first answer, on a slow phone) may replace the run in which the button reads True.
    st.button(_("📍 Utiliser ma position"), key="position_demandee", on_click=state.__setitem__,
              args=("geolocaliser", True))
    if state.get("geolocaliser"):
        position = get_geolocation(component_key="position")
        if isinstance(position, dict) and "coords" in position:
            state.pop("geolocaliser")
            _go_to(position["coords"]["longitude"], position["coords"]["latitude"], None)
            st.rerun(scope="app")
        elif isinstance(position, dict):
            state.pop("geolocaliser")
            st.warning(_("Votre position n'est pas disponible (refusée ou inconnue du navigateur). "
                         "Tapez votre adresse, choisissez votre quartier ou touchez la carte."))
    if chosen and chosen != state.get("adresse_choisie"):
        state["adresse_choisie"] = chosen
        _go_to(*chosen)
        st.rerun(scope="app")


def nearest_address(lon: float, lat: float) -> None:
    service = resources.address_search().geocoder
    if service is None:
        return
    try:
        found = service.reverse(lon, lat)
    except GeocoderError:
        return
    if found:
        st.caption(_("Adresse la plus proche du point : {adresse}").format(adresse=md(found.label)))


def commune_choice() -> str | None:
    """In a territory of several communes, the commune first: its quartiers only in the list below."""
    if len(territory.communes) < 2:
        return None
    names = {c.code: c.nom for c in territory.communes}
    chosen: str | None = st.selectbox(_("Votre commune"), list(names), index=None, key="commune",
                                      format_func=names.__getitem__, placeholder=_("Toutes les communes"))
    return chosen


def location_answer() -> Answer | None:
    """The commune (several served), the quartier list and the map; a tap chooses the quartier in the list too."""
    if "quartier_touche" in state:
        state["quartier"] = state.pop("quartier_touche")
        tapped = territory.commune_of(territory.known_quartier(state["quartier"])) if state["quartier"] else None
        if tapped is not None and len(territory.communes) > 1:
            state["commune"] = tapped.code  # a tap or a link in another commune shows that commune's list
    commune = commune_choice()
    shown = [q for _name, found in territory.quartiers_by_commune(commune) for q in found]
    if state.get("quartier") not in {q.code for q in shown}:
        state.pop("quartier", None)  # a quartier of another commune than the one chosen
    st.selectbox(
        _("Votre quartier"), [q.code for q in shown], index=None, key="quartier",
        format_func=lambda code: territory.known_quartier(code).nom_local,
        placeholder=_("Choisissez votre quartier"), on_change=_forget_point,
    )
    answer = None
    if "point" in state:
        answer = locator.locate(*state["point"])
    elif state.get("quartier"):
        answer = locator.for_quartier(state["quartier"])
    # Announced by screen readers when it changes (a live region), not only shown.
    st.markdown(answer_html(answer), unsafe_allow_html=True)
    # A folium map is rendered once: streamlit-folium cannot be handed the same object twice.
    fmap = quartiers_map(territory, selected=answer.quartier.code if answer and answer.quartier else None,
                         marker=state.get("point"), leaflet=resources.leaflet())
    clicked = st_folium(fmap, key="carte", height=320, use_container_width=True,
                        returned_objects=["last_clicked"]).get("last_clicked")
    if clicked and clicked != state.get("dernier_clic"):
        state["dernier_clic"] = clicked
        _go_to(clicked["lng"], clicked["lat"], None)
        st.rerun()
    map_as_text()
    if "point" in state:
        if state.get("adresse_point"):
            st.caption(_("Adresse choisie : {adresse}").format(adresse=md(state["adresse_point"])))
        else:
            nearest_address(*state["point"])
    return answer


def map_as_text() -> None:
    """What the map shows, as a list: for screen readers, and for whoever finds a map hard to read."""
    with st.expander(_("La carte en texte : les quartiers et leurs structures")):
        rows = [(q.nom_local, structures_serving(dataset, Status.DANS_QUARTIER, q)) for q in territory.quartiers]
        rows.append((_("Ailleurs dans la commune"), structures_serving(dataset, Status.HORS_QUARTIER, None)))
        st.markdown("\n".join(f"- **{md(place)}** : {md(', '.join(s.nom for s in serving))}"
                               for place, serving in rows))


def structures_section(answer: Answer) -> None:
    st.markdown("## 📞 " + _("Qui appeler ou aller voir"))
    service = st.pills(_("De quelle aide avez-vous besoin ?"), [s.key for s in dataset.services], key="service",
                       format_func=lambda key: service_chip(dataset.known_service(key)))
    counted = state.setdefault("recherches_comptees", set())  # once per visit and question, not per rerun
    question = (answer.quartier.code if answer.quartier else None, service)
    if question not in counted:
        counted.add(question)
        demand.record_answer(answer, service)
    shown = answer.structures_for(service)
    label = md(_(dataset.known_service(service).label)) if service else ""
    if not shown:
        st.warning(_("Ici, aucune structure ne propose « {aide} ». "
                     "Touchez l'aide choisie pour la désélectionner et voir toutes les structures.").format(aide=label))
    elif service:
        st.caption(ngettext("{nombre} structure à contacter pour « {aide} »",
                            "{nombre} structures à contacter pour « {aide} »", len(shown)).format(nombre=len(shown),
                                                                                                  aide=label))
    moment = hours.now()
    entries = [(structure, hours.availability(structure, moment)) for structure in shown]
    read_aloud(spoken_answer(answer, entries))
    for structure, availability in entries:
        st.markdown(structure_card_html(structure, dataset.services, availability=availability, at=moment),
                    unsafe_allow_html=True)
        report_button(structure)


def read_aloud(text: str) -> None:
    """The phone's own voice reads the answer (speech synthesis of the browser: no server, works offline
    wherever the phone has a voice for the language)."""
    if not st.button(_("🔊 Lire à voix haute"), key="lire"):
        return
    state["lectures"] = state.get("lectures", 0) + 1  # a new component each time, so that a second tap reads again
    script = (f"(() => {{ const u = new SpeechSynthesisUtterance({json.dumps(text)}); u.lang = {json.dumps(language())};"
              " speechSynthesis.cancel(); speechSynthesis.speak(u); return true; })()")
    streamlit_js_eval(js_expressions=script, key=f"lecture-{state['lectures']}")


def tonight_section(answer: Answer) -> None:
    st.markdown("## 🌙 " + _("Qui passe ce soir ?"))
    evening = hours.tonight(answer.structures, hours.now())
    if not evening.present:
        st.info(_("Aucune structure n'est annoncée ce soir dans ce quartier."))
    if evening.present:
        st.markdown(tonight_html(evening.present, call=True), unsafe_allow_html=True)
    with st.expander(_("Et les autres structures ?")):
        st.markdown(tonight_html(evening.others, call=False), unsafe_allow_html=True)


def read_link() -> None:
    """Once per visit: the URL says which quartier, point, address or kind of help to show."""
    if "lien_lu" in state:
        return
    state["lien_lu"] = True
    link = answer_link(st.query_params.to_dict(), locator, resources.address_search)  # the core's one way
    state["lien_ignore"] = link.ignored
    if link.point:
        _go_to(*link.point, link.address_label)
    elif link.answer is not None and link.answer.quartier is not None:
        state["quartier_touche"] = link.answer.quartier.code
    if link.commune:
        state["commune"] = link.commune
    if link.service:
        state["service"] = link.service


def write_link(answer: Answer | None) -> None:
    """Every state a resident reaches is in the URL, so that it can be shared as a link."""
    st.query_params.from_dict(params_for(quartier=answer.quartier.code if answer and answer.quartier else None,
                                         service=state.get("service"), point=state.get("point"),
                                         keep=st.query_params.to_dict(), commune=state.get("commune")))


def problems_section(answer: Answer | None) -> None:
    panel = resources.panel()
    st.markdown("## ⚠️ " + _("Je remarque un problème dans mon quartier"))
    themes = {key: _(label) for key, label in panel.themes().items()}
    theme = st.selectbox(_("De quoi s'agit-il ?"), list(themes), index=None, key="gup_theme", format_func=themes.__getitem__,
                         placeholder=_("Propreté, voirie, bruit…"))
    if theme:
        topics = {p.cle: _(p.libelle) for p in panel.problems if p.theme == theme}
        topic = st.radio(_("Précisez"), list(topics), format_func=topics.__getitem__, key=f"gup_{theme}")
        routed = route(panel, dataset, topic, answer.quartier.code if answer and answer.quartier else None,
                       answer.commune_code if answer else None)
        for contact in routed.sous_themes[0].contacts:
            st.markdown(contact_card_html(contact), unsafe_allow_html=True)
        problem_form(topic, answer)
    st.markdown(emergency_html(emergency_contacts(panel, dataset)), unsafe_allow_html=True)


st.title(_("Qui peut m'aider près de chez moi ?"))
chosen_commune = territory.commune(state.get("commune") or "")
st.write(_("Médiation et accompagnement dans les quartiers prioritaires de {commune}.").format(
    commune=chosen_commune.nom if chosen_commune else territory.commune_nom))
light_link = st.empty()  # filled once the answer is known: the light page opens on the same answer
with st.container(key="recherche-adresse"):
    address_search()
read_link()
if state.get("lien_ignore"):
    st.caption(_("Lien : {problemes} — ignoré.").format(problemes=md(" ; ".join(state["lien_ignore"]))))
answer = location_answer()
if answer is None:
    st.info(_("Choisissez votre quartier dans la liste ou touchez la carte pour voir qui peut vous aider."))
elif answer.structures:
    structures_section(answer)
    tonight_section(answer)
problems_section(answer)
write_link(answer)
light_url = face_link(config.get("GUP_SIMPLE_URL"), quartier=answer.quartier.code if answer and answer.quartier else None,
                      service=state.get("service"), point=state.get("point"), lang=language())
light_label = text_html(_("Version légère pour petit réseau"))
light_link.markdown(f'<a href="{escape(light_url)}" target="_self">{light_label}</a>',
                    unsafe_allow_html=True)  # the same tab: the light page replaces the heavy one on a slow phone
st.caption(_("Sources : {brochure} ; {attribution}.").format(brochure=ltr(BROCHURE), attribution=ltr(territory.attribution)),
           unsafe_allow_html=True)  # each French source one left-to-right run, in Arabic too
