"""One self-contained HTML file of the map that a partner hosts anywhere, with no server.

Leaflet's JS and CSS are inlined from the pinned package; map tiles are the only remote resource,
and the quartiers, popups and the list below the map work without them. Data texts reach the page
only as JSON read by script and put in place with textContent, never as markup.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from html import escape
from typing import Any

from geo.render.mapview import OSM_ATTRIBUTION, OSM_TILES, display_geometry, leaflet_folder
from geo.render.present import freshness_text, notice_text, sources_text
from geo.territory import hours
from geo.territory.hours import PARIS
from geo.territory.locate import freshness_dict
from geo.territory.model import Dataset, Structure
from geo.territory.notices import in_force
from geo.territory.phone import phone_display, tel_href

PAGE_CSS = """
body{font-family:system-ui,sans-serif;margin:0;color:#1f2d3d} header,main,footer{padding:0.6rem 1rem}
h1{font-size:1.2rem;margin:0.2rem 0} #carte{height:55vh;min-height:280px}
.q{border-top:1px solid #ccc;padding:0.4rem 0} .q h2{font-size:1.05rem;margin:0.4rem 0}
.s{margin:0.3rem 0 0.6rem} .s a{display:inline-block;min-height:44px;line-height:44px;font-weight:600}
footer{font-size:0.8rem;color:#555}
"""

PAGE_JS = """
const donnees = JSON.parse(document.getElementById('donnees').textContent);
const carte = L.map('carte');
L.tileLayer(donnees.tuiles, {maxZoom: 19, attribution: donnees.attribution_carte}).addTo(carte);
function fiche(props) {
  const bloc = document.createElement('div');
  const titre = document.createElement('strong'); titre.textContent = props.nom; bloc.appendChild(titre);
  for (const s of props.structures) {
    const p = document.createElement('p');
    const nom = document.createElement('span'); nom.textContent = s.nom + ' — ' + s.services + ' — ';
    const tel = document.createElement('a'); tel.href = s.tel; tel.textContent = s.telephone;
    p.appendChild(nom); p.appendChild(tel); bloc.appendChild(p);
    for (const texte of [...s.annonces, s.verification]) {
      const note = document.createElement('small'); note.textContent = texte; bloc.appendChild(note);
      bloc.appendChild(document.createElement('br'));
    }
  }
  return bloc;
}
const couche = L.geoJSON(donnees.quartiers, {
  style: {color: '#1f5fa8', weight: 2, fillOpacity: 0.25},
  onEachFeature: (f, layer) => {
    layer.bindPopup(() => fiche(f.properties));
    layer.bindTooltip(f.properties.nom, {permanent: true, direction: 'center'});
  }
}).addTo(carte);
carte.fitBounds(couche.getBounds());
"""


def _checked(structure: Structure, today: date) -> dict[str, Any]:
    """The listing's date and the notices in force on the day the file was made (it is a snapshot)."""
    at = datetime.combine(today, time(12), PARIS)
    return {"date_maj": freshness_dict(structure)["date_maj"], "verification": freshness_text(structure, today),
            "annonces": [notice_text(n) for n in in_force(structure.notices, at)]}


def _notes_html(structure: Structure, today: date) -> str:
    checked = _checked(structure, today)
    return "".join(f"<br><small>{escape(text)}</small>" for text in [*checked["annonces"], checked["verification"]])


def _quartier_feature(dataset: Dataset, code: str, today: date) -> dict[str, Any]:
    quartier = dataset.territory.known_quartier(code)
    labels = {s.key: s.label for s in dataset.services}
    structures = [{"nom": s.nom, "telephone": phone_display(s.telephone), "tel": tel_href(s.telephone),
                   "services": ", ".join(labels[k] for k in s.services), **_checked(s, today)}
                  for s in dataset.structures if s.covers(quartier)]
    return {"type": "Feature", "geometry": display_geometry(quartier),
            "properties": {"code": code, "nom": quartier.nom_local, "structures": structures}}


def _list_html(dataset: Dataset, today: date) -> str:
    """The same information as the map, as text: it works without tiles, scripts or sight."""
    labels = {s.key: s.label for s in dataset.services}
    blocks = []
    for quartier in dataset.territory.quartiers:
        items = "".join(
            f'<li class="s">{escape(s.nom)} — {escape(", ".join(labels[k] for k in s.services))} — '
            f'<a href="{escape(tel_href(s.telephone))}">{escape(phone_display(s.telephone))}</a>'
            + _notes_html(s, today) + "</li>"
            for s in dataset.structures if s.covers(quartier))
        blocks.append(f'<section class="q"><h2>{escape(quartier.nom_local)}</h2><ul>{items}</ul></section>')
    return "".join(blocks)


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element: no '<' at all, so nothing in the data can close or open a tag."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")


def standalone_map_html(dataset: Dataset, *, today: date | None = None) -> str:
    territory = dataset.territory
    today = today or hours.today()
    data = {
        "tuiles": OSM_TILES,
        "attribution_carte": OSM_ATTRIBUTION,
        "quartiers": {"type": "FeatureCollection",
                      "features": [_quartier_feature(dataset, q.code, today) for q in territory.quartiers]},
    }
    leaflet_js = (leaflet_folder() / "leaflet.js").read_text(encoding="utf-8")
    leaflet_css = (leaflet_folder() / "leaflet.css").read_text(encoding="utf-8")
    title = f"Médiation dans les quartiers prioritaires de {territory.commune_nom}"
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{leaflet_css}</style><style>{PAGE_CSS}</style></head>
<body><header><h1>{escape(title)}</h1><p>Touchez un quartier pour voir qui appeler, ou lisez la liste sous la carte.</p></header>
<div id="carte" role="region" aria-label="{escape('Carte des quartiers de ' + territory.commune_nom)}"></div>
<main>{_list_html(dataset, today)}</main>
<footer>Sources : {escape(sources_text(dataset))}. Extrait le {escape(today.isoformat())}.</footer>
<script type="application/json" id="donnees">{_script_json(data)}</script>
<script>{leaflet_js}</script><script>{PAGE_JS}</script>
</body></html>
"""


