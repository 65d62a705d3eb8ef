"""Partner page: embed the map, take a standalone copy, run a whole file, read the API."""

import streamlit as st
import streamlit.components.v1 as components

import ui
from geo.batch import MAX_UPLOAD_ROWS, locate_upload
from geo.links import embed_snippet

dataset = ui.dataset()
territory = dataset.territory
quartier_names = {q.code: q.nom_local for q in territory.quartiers}
service_names = {s.key: s.label for s in dataset.services}
base_url = (st.context.url or "http://127.0.0.1:8501").split("?")[0].rsplit("/partenaires", 1)[0]

st.subheader("Partenaires : la carte chez vous")

st.markdown("#### Intégrer la carte dans votre site")
quartier = st.selectbox("Quartier affiché", list(quartier_names), index=None, format_func=quartier_names.get,
                        placeholder="Tous les quartiers", key="p_quartier")
service = st.selectbox("Type d'aide", list(service_names), index=None, format_func=service_names.get,
                       placeholder="Toutes les aides", key="p_service")
height = st.slider("Hauteur (pixels)", 400, 1000, 650, step=50, key="p_hauteur")
dark = st.toggle("Thème sombre", key="p_sombre")
snippet = embed_snippet(base_url, quartier=quartier, quartier_nom=quartier_names.get(quartier), service=service,
                        height=height, dark=dark)
st.code(snippet, language="html")
st.caption("Copiez ce code dans votre page. Aperçu :")
components.iframe(snippet.split('src="', 1)[1].split('"', 1)[0].replace("&amp;", "&"), height=min(height, 700))

st.markdown("#### Une carte autonome, à héberger partout")
st.download_button("Télécharger la carte (un seul fichier HTML)", ui.standalone_map(), "carte-mediation.html",
                   "text/html", key="p_carte")
st.caption("Aucun serveur nécessaire : quartiers, structures et numéros sont dans le fichier ; seul le fond "
           "de carte vient d'OpenStreetMap.")

st.markdown("#### Un fichier entier d'adresses ou de coordonnées")
st.caption(f"CSV (séparateur , ou ;, UTF-8 ou Windows-1252 comme Excel l'enregistre) ou XLSX, {MAX_UPLOAD_ROWS:,} "
           "lignes au plus, avec des colonnes longitude et latitude, ou une colonne adresse. Le fichier est traité "
           "en mémoire et n'est pas conservé.".replace(",", "\u202f", 1))
upload = st.file_uploader("Votre fichier", type=["csv", "txt", "xlsx"], key="p_fichier")
if upload is not None and st.session_state.get("p_traite", (None,))[0] != upload.file_id:
    bar = st.progress(0.0, text="Localisation…")
    done = [0]

    def advance(rows: int) -> None:
        done[0] += rows
        bar.progress(min(1.0, done[0] / MAX_UPLOAD_ROWS) if done[0] < MAX_UPLOAD_ROWS else 1.0,
                     text=f"{done[0]} lignes traitées")

    geocoder = ui.geocoder()
    payload, name, report = locate_upload(ui.locator(), upload.name, upload.getvalue(), progress=advance,
                                          geocoder=None if isinstance(geocoder, str) else (lambda: geocoder))
    bar.empty()  # the summary below says how it went
    # Kept for this visit only, so that moving a slider does not locate the whole file again.
    st.session_state["p_traite"] = (upload.file_id, payload, name, report.summary())
if upload is not None:
    _, payload, name, summary = st.session_state["p_traite"]
    st.caption(summary)
    st.download_button(f"Télécharger {name}", payload, name, key="p_resultat")

st.markdown("#### L'API JSON")
st.markdown("`python -m geo serve-api` sert l'API en lecture seule (documentation sur `/docs`) : "
            "`/v1/locate?lon=…&lat=…`, `/v1/quartiers`, `/v1/structures`, `/v1/coverage`.")
st.code("curl 'http://127.0.0.1:8000/v1/locate?lon=2.35664&lat=43.22668'", language="bash")
