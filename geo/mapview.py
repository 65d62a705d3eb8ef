"""Folium maps of the territory. Every text from data is escaped before it reaches the page."""

from __future__ import annotations

import base64
import functools
from html import escape
from importlib import resources

import folium
import shapely
from shapely.geometry import mapping

from geo.data import Quartier, Territory

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
DATA_ATTRIBUTION = "QPV : ANCT, Licence Ouverte"  # short on the map; the page shows the full attribution
LABEL_CSS = ("<style>.gup-label{font-size:11px;padding:1px 4px;background:rgba(255,255,255,.85);"
             "border:0;box-shadow:none;font-weight:600}.gup-label:before{display:none}</style>")
DISPLAY_TOLERANCE_DEG = 0.00003  # about 3 m: lighter pages, shapes unchanged to the eye; never used to locate
FOCUS_MARGIN_DEG = 0.003  # some streets around the quartier, so that it is recognisable
COLOR = "#1f5fa8"
SELECTED_COLOR = "#d1495b"


@functools.cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS as data URLs, from the pinned package: no CDN, so the map works offline."""
    folder = resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"
    js = base64.b64encode((folder / "leaflet.js").read_bytes()).decode()
    css = base64.b64encode((folder / "leaflet.css").read_bytes()).decode()
    return f"data:text/javascript;base64,{js}", f"data:text/css;base64,{css}"


def display_geometry(quartier: Quartier) -> dict:
    return mapping(shapely.simplify(quartier.geometry, DISPLAY_TOLERANCE_DEG, preserve_topology=True))


def quartiers_map(territory: Territory, *, selected: str | None = None,
                  marker: tuple[float, float] | None = None) -> folium.Map:
    """The commune outline and its quartiers, each labelled with its local name; an optional marker (lon, lat)."""
    focus = [q.geometry for q in territory.quartiers if q.code == selected] or [q.geometry for q in territory.quartiers]
    minx, miny, maxx, maxy = shapely.union_all(focus).bounds
    fmap = folium.Map(tiles=None)
    js, css = leaflet_assets()
    fmap.default_js = [("leaflet", js)]  # only Leaflet itself: no jQuery, Bootstrap or icon fonts from CDNs
    fmap.default_css = [("leaflet_css", css)]
    fmap.get_root().header.add_child(folium.Element(LABEL_CSS))
    folium.TileLayer(OSM_TILES, attr=f"{OSM_ATTRIBUTION} | {DATA_ATTRIBUTION}",
                     name="OpenStreetMap", max_zoom=19).add_to(fmap)
    folium.GeoJson(
        mapping(shapely.boundary(territory.commune_geometry)),
        name=escape(territory.commune_nom),
        style_function=lambda _: {"color": "#555", "weight": 2, "dashArray": "6 4", "fill": False},
        interactive=False,
    ).add_to(fmap)
    for quartier in territory.quartiers:
        color = SELECTED_COLOR if quartier.code == selected else COLOR
        folium.GeoJson(
            {"type": "Feature", "properties": {}, "geometry": display_geometry(quartier)},
            style_function=lambda _, c=color: {"color": c, "weight": 2, "fillColor": c, "fillOpacity": 0.25},
            tooltip=folium.Tooltip(escape(quartier.nom_local), permanent=True, direction="center",
                                   class_name="gup-label"),
        ).add_to(fmap)
    if marker is not None:
        folium.CircleMarker([marker[1], marker[0]], radius=9, color="#111", weight=3, fill=True,
                            fill_color=SELECTED_COLOR, fill_opacity=0.9, tooltip="Votre point").add_to(fmap)
    fmap.fit_bounds([[miny - FOCUS_MARGIN_DEG, minx - FOCUS_MARGIN_DEG], [maxy + FOCUS_MARGIN_DEG, maxx + FOCUS_MARGIN_DEG]])
    return fmap
