"""Partner page: embed the map, take a standalone copy, run a whole file, read the API."""

from urllib.parse import urlsplit

import streamlit as st
import streamlit.components.v1 as components

from geo.formats.batch import MAX_UPLOAD_ROWS, locate_upload
from geo.i18n import LANGUAGES, _, language, number
from geo.render.links import embed_snippet
from ui import resources

dataset = resources.dataset()
territory = dataset.territory
quartier_names = {q.code: q.nom_local for q in territory.quartiers}
service_names = {s.key: _(s.label) for s in dataset.services}
base_url = (st.context.url or "http://127.0.0.1:8501").split("?")[0].rsplit("/partenaires", 1)[0]

st.title(_("Partenaires : la carte chez vous"))

st.markdown("## " + _("Intégrer la carte dans votre site"))
quartier = st.selectbox(_("Quartier affiché"), list(quartier_names), index=None, format_func=quartier_names.__getitem__,
                        placeholder=_("Tous les quartiers"), key="p_quartier")
service = st.selectbox(_("Type d'aide"), list(service_names), index=None, format_func=service_names.__getitem__,
                       placeholder=_("Toutes les aides"), key="p_service")
lang = st.selectbox(_("Langue de la carte"), list(LANGUAGES), index=list(LANGUAGES).index(language()),
                    format_func=LANGUAGES.__getitem__, key="p_langue")
height = st.slider(_("Hauteur (pixels)"), 400, 1000, 650, step=50, key="p_hauteur")
dark = st.toggle(_("Thème sombre"), key="p_sombre")
snippet = embed_snippet(base_url, quartier=quartier, quartier_nom=quartier_names[quartier] if quartier else None,
                        service=service, height=height, dark=dark, lang=lang or language())
st.code(snippet, language="html")
st.caption(_("Copiez ce code dans votre page. Aperçu :"))
components.iframe(snippet.split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&"), height=min(height, 700))

st.markdown("## " + _("Une carte autonome, à héberger partout"))
st.download_button(_("Télécharger la carte (un seul fichier HTML, en français)"), resources.standalone_map(),
                   "carte-mediation.html", "text/html", key="p_carte")
st.caption(_("Aucun serveur nécessaire : quartiers, structures et numéros sont dans le fichier ; seul le fond "
             "de carte vient d'OpenStreetMap."))

st.markdown("## " + _("Un fichier entier d'adresses ou de coordonnées"))
st.caption(_("CSV (séparateur , ou ;, UTF-8 ou Windows-1252 comme Excel l'enregistre) ou XLSX, {nombre} "
             "lignes au plus, avec des colonnes longitude et latitude, ou une colonne adresse. Le fichier est traité "
             "en mémoire et n'est pas conservé.").format(nombre=number(MAX_UPLOAD_ROWS)))
upload = st.file_uploader(_("Votre fichier"), type=["csv", "txt", "xlsx"], key="p_fichier")
if upload is not None and st.session_state.get("p_traite", (None,))[0] != upload.file_id:
    bar = st.progress(0.0, text=_("Localisation…"))
    done = [0]

    def advance(rows: int) -> None:
        done[0] += rows
        bar.progress(min(1.0, done[0] / MAX_UPLOAD_ROWS) if done[0] < MAX_UPLOAD_ROWS else 1.0,
                     text=_("{nombre} lignes traitées").format(nombre=number(done[0])))

    payload, name, report = locate_upload(resources.locator(), upload.name, upload.getvalue(), progress=advance,
                                          geocoder=resources.address_search().for_batch)
    bar.empty()  # the summary below says how it went
    # Kept for this visit only, so that moving a slider does not locate the whole file again.
    st.session_state["p_traite"] = (upload.file_id, payload, name, report.summary())
if upload is not None:
    _file_id, payload, name, summary = st.session_state["p_traite"]
    st.caption(summary)
    st.download_button(_("Télécharger {fichier}").format(fichier=name), payload, name, key="p_resultat")

st.markdown("## " + _("L'API JSON"))
st.markdown(_("L'API en lecture seule est servie à la même adresse que ces pages, documentation sur [/docs](/docs) : "
              "`/v1/locate?lon=…&lat=…`, `/v1/quartiers`, `/v1/structures`, `/v1/coverage`."))
here = urlsplit(st.context.url or "http://127.0.0.1:8501")  # the address the partner is reading this on
st.code(f"curl '{here.scheme}://{here.netloc}/v1/locate?lon=2.35664&lat=43.22668'", language="bash")
