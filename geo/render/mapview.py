"""Folium maps of the territory. Every text from data is escaped before it reaches the page."""

from __future__ import annotations

import base64
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import folium
import shapely
from branca.element import Figure, MacroElement
from jinja2 import Template
from shapely.geometry import mapping

from geo.i18n import _, number
from geo.territory.coverage import Level
from geo.territory.model import Quartier, Territory

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
DATA_ATTRIBUTION = "QPV : ANCT, Licence Ouverte"  # short on the map; the page shows the full attribution
LABEL_CSS = ("<style>.gup-label{font-size:11px;padding:1px 4px;background:rgba(255,255,255,.85);"
             "border:0;box-shadow:none;font-weight:600}.gup-label:before{display:none}</style>")
DISPLAY_TOLERANCE_DEG = 0.00003  # about 3 m: lighter pages, shapes unchanged to the eye; never used to locate
FOCUS_MARGIN_DEG = 0.003  # some streets around the quartier, so that it is recognisable
COLOR = "#1f5fa8"
SELECTED_COLOR = "#d1495b"


def leaflet_folder() -> Traversable:
    """Leaflet's files in the pinned package django-js-lib-leaflet: no CDN, so maps work offline."""
    return resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"


@functools.cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS inlined as data URLs: for files that must stand alone."""
    js = base64.b64encode((leaflet_folder() / "leaflet.js").read_bytes()).decode()
    css = base64.b64encode((leaflet_folder() / "leaflet.css").read_bytes()).decode()
    return f"data:text/javascript;base64,{js}", f"data:text/css;base64,{css}"


class PermanentLabels(MacroElement):
    """A label inside each quartier of a layer, at a point computed here (a tooltip bound to the whole layer
    shows only one); labels are moved again when the map is resized, as it is in a frame that appears late."""

    _template = Template("""{% macro script(this, kwargs) %}
        var labels = [];
        {{ this.layer.get_name() }}.eachLayer(function (quartier) {
            var p = quartier.feature.properties;
            labels.push(L.tooltip({permanent: true, direction: "center", className: "gup-label", interactive: false})
                .setLatLng([p.label_lat, p.label_lon]).setContent(p.nom).addTo({{ this._parent.get_name() }}));
        });
        // The map may be drawn in a frame that is still hidden, then shown: labels are placed again.
        function placeLabels() { labels.forEach(function (t) { t.update(); }); }
        new ResizeObserver(placeLabels).observe({{ this._parent.get_name() }}.getContainer());
        {{ this._parent.get_name() }}.on("resize zoomend moveend", placeLabels);
    {% endmacro %}""")

    def __init__(self, layer: folium.GeoJson):
        super().__init__()
        self._name = "PermanentLabels"
        self.layer = layer


class FocusWithoutScroll(MacroElement):
    """Leaflet focuses the map on a tap, for its keyboard controls. In a frame partly below the fold the browser
    then scrolls the page between the touch and the click, and the point lands tens of pixels away from the
    finger. The keyboard handler is set again with a focus that does not scroll."""

    _template = Template("""{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.keyboard.disable();
        L.Map.Keyboard.prototype._onMouseDown = function () {
            if (!this._focused) { this._map._container.focus({preventScroll: true}); }
        };
        {{ this._parent.get_name() }}.keyboard.enable();
    {% endmacro %}""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "FocusWithoutScroll"


class WhereIAm(MacroElement):
    """The phone's own position as a blue dot, followed as one walks (the browser asks first; nothing is sent
    anywhere: the editor taps the map where the problem is, next to the dot). Plain Leaflet, no plugin from a CDN."""

    _template = Template("""{% macro script(this, kwargs) %}
        if (navigator.geolocation) {
            var here = null;
            navigator.geolocation.watchPosition(function (p) {
                var at = [p.coords.latitude, p.coords.longitude];
                if (here === null) {
                    here = L.circleMarker(at, {radius: 8, color: "#fff", weight: 2, fillColor: "#1d70b8",
                                              fillOpacity: 1, interactive: false}).addTo({{ this._parent.get_name() }});
                    {{ this._parent.get_name() }}.setView(at, 18);
                } else { here.setLatLng(at); }
            }, function () {}, {enableHighAccuracy: true, maximumAge: 10000});
        }
    {% endmacro %}""")

    def __init__(self) -> None:
        super().__init__()
        self._name = "WhereIAm"


def walk_map(territory: Territory, *, marker: tuple[float, float] | None,
             leaflet: tuple[str, str] | None = None) -> folium.Map:
    """The map of a « diagnostic en marchant »: the quartiers, the phone's position, the point last tapped."""
    fmap = quartiers_map(territory, marker=marker, leaflet=leaflet)
    WhereIAm().add_to(fmap)
    return fmap


def display_geometry(quartier: Quartier) -> dict[str, Any]:
    geometry: dict[str, Any] = mapping(shapely.simplify(quartier.geometry, DISPLAY_TOLERANCE_DEG, preserve_topology=True))
    return geometry


def quartiers_map(territory: Territory, *, selected: str | None = None,
                  marker: tuple[float, float] | None = None, fill: dict[str, str] | None = None,
                  leaflet: tuple[str, str] | None = None, labels: dict[str, str] | None = None) -> folium.Map:
    """The commune outline and its quartiers, each labelled (by default with its local name); a marker (lon, lat)."""
    focus = [q.geometry for q in territory.quartiers if q.code == selected] or [q.geometry for q in territory.quartiers]
    minx, miny, maxx, maxy = shapely.union_all(focus).bounds
    fmap = folium.Map(tiles=None)
    js, css = leaflet or leaflet_assets()  # served URLs in the app (cached by browsers), inlined elsewhere
    fmap.default_js = [("leaflet", js)]  # only Leaflet itself: no jQuery, Bootstrap or icon fonts from CDNs
    fmap.default_css = [("leaflet_css", css)]
    root = fmap.get_root()
    assert isinstance(root, Figure)  # a map's root is always its HTML page
    root.header.add_child(folium.Element(LABEL_CSS))
    folium.TileLayer(OSM_TILES, attr=f"{OSM_ATTRIBUTION} | {DATA_ATTRIBUTION}",
                     name="OpenStreetMap", max_zoom=19).add_to(fmap)
    folium.GeoJson(
        mapping(shapely.boundary(territory.commune_geometry)),
        name=escape(territory.commune_nom),
        style_function=lambda _: {"color": "#555", "weight": 2, "dashArray": "6 4", "fill": False},
        interactive=False,
    ).add_to(fmap)
    features = []
    for quartier in territory.quartiers:
        color = SELECTED_COLOR if quartier.code == selected else COLOR
        style = ({"color": "#1f2d3d", "weight": 1.5, "fillColor": fill.get(quartier.code, NO_DATA), "fillOpacity": 0.85}
                 if fill is not None else {"color": color, "weight": 2, "fillColor": color, "fillOpacity": 0.25})
        # The tooltip inserts properties as HTML: the name is escaped here, once.
        label = (labels or {}).get(quartier.code, quartier.nom_local)
        inside = quartier.geometry.representative_point()
        features.append({"type": "Feature", "geometry": display_geometry(quartier),
                         "properties": {"code": quartier.code, "nom": escape(label), "style": style,
                                        "label_lon": inside.x, "label_lat": inside.y}})
    # One layer for all quartiers: every folium element costs a template compilation on each answer.
    layer = folium.GeoJson({"type": "FeatureCollection", "features": features},
                           style_function=lambda feature: feature["properties"]["style"])
    layer.add_to(fmap)
    PermanentLabels(layer).add_to(fmap)
    FocusWithoutScroll().add_to(fmap)
    if marker is not None:
        folium.CircleMarker([marker[1], marker[0]], radius=9, color="#111", weight=3, fill=True,
                            fill_color=SELECTED_COLOR, fill_opacity=0.9, tooltip=_("Votre point")).add_to(fmap)
    fmap.fit_bounds([[miny - FOCUS_MARGIN_DEG, minx - FOCUS_MARGIN_DEG], [maxy + FOCUS_MARGIN_DEG, maxx + FOCUS_MARGIN_DEG]])
    return fmap


# --- choropleths: planners' maps, coloured by a value per quartier -----------------------------

PALETTE = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")  # light = low; colour-blind safe
NO_DATA = "#bdbdbd"
def level_legend(title: str) -> Legend:
    return Legend(title, tuple((level.colour, _(level.label)) for level in Level))


def level_style(level: Level) -> str:
    """The CSS declarations of a matrix cell: weak cells stand out, in the colours of the map's legend."""
    if not level.is_weak:
        return ""
    ink = "; color: #fff; font-weight: bold" if level is Level.GAP else ""  # white on red keeps AA contrast
    return f"background-color: {level.colour}{ink}"


@dataclass(frozen=True)
class Legend:
    title: str
    bins: tuple[tuple[str, str], ...]
    """(colour, label) pairs, low to high, then 'no data' when some quartier lacks a value."""


def classify(values: dict[str, float | None], *, title: str, unit: str = "") -> tuple[dict[str, str], Legend]:
    """A colour per quartier: one class per distinct value when few (counts), else equal-width bins."""
    known = sorted({v for v in values.values() if v is not None})
    if len(known) <= len(PALETTE):
        steps = [(v, v) for v in known]
    else:
        low, high = known[0], known[-1]
        width = (high - low) / len(PALETTE)
        steps = [(low + i * width, low + (i + 1) * width) for i in range(len(PALETTE))]
    k = len(steps)
    palette = [PALETTE[round(i * (len(PALETTE) - 1) / (k - 1))] for i in range(k)] if k > 1 else [PALETTE[2]]

    def colour(value: float | None) -> str:
        if value is None:
            return NO_DATA
        index = next((i for i, (_, hi) in enumerate(steps) if value <= hi), len(steps) - 1)
        return palette[index]

    suffix = f" {unit}" if unit else ""
    labels = tuple((palette[i], _fmt(lo) + suffix if lo == hi else f"{_fmt(lo)} – {_fmt(hi)}{suffix}")
                   for i, (lo, hi) in enumerate(steps))
    if any(v is None for v in values.values()):
        labels += ((NO_DATA, _("non disponible")),)
    return {code: colour(v) for code, v in values.items()}, Legend(title, labels)


def _fmt(value: float) -> str:
    return number(value) if abs(value) >= 100 or float(value).is_integer() else number(value, 1)


def legend_html(legend: Legend) -> str:
    items = "".join(f'<li><span style="background:{c}"></span>{escape(label)}</li>' for c, label in legend.bins)
    return (f'<div class="gup-legend"><strong>{escape(legend.title)}</strong><ul>{items}</ul></div>')


Pin = tuple[float, float, str]
"""A point on a map (lon, lat) and what it is, in words."""
PIN_COLOR = "#d4351c"


def choropleth_map(territory: Territory, colours: dict[str, str], tooltips: dict[str, str],
                   leaflet: tuple[str, str] | None = None, points: Sequence[Pin] = ()) -> folium.Map:
    """The quartiers filled by `colours`, each with its tooltip; same base map as the resident's; `points` (the
    problems reported, say) as a layer of their own, each with its words."""
    labels = {q.code: tooltips.get(q.code, q.nom_local) for q in territory.quartiers}
    fmap = quartiers_map(territory, fill=colours, leaflet=leaflet, labels=labels)
    if points:
        layer = folium.FeatureGroup(name="Problèmes signalés")
        for lon, lat, words in points:
            folium.CircleMarker([lat, lon], radius=6, color="#1f2d3d", weight=1, fill=True, fill_color=PIN_COLOR,
                                fill_opacity=0.9, tooltip=escape(words)).add_to(layer)
        layer.add_to(fmap)
    return fmap



def svg_map(territory: Territory, colours: dict[str, str], *, width: int = 640, points: Sequence[Pin] = (),
            focus: str | None = None) -> str:
    """A static map for print: no tiles, no script; lon/lat scaled so that shapes keep their proportions; framed on
    the quartier `focus` when given (its neighbours cut at the frame)."""
    framed = [q.geometry for q in territory.quartiers if q.code == focus] or [q.geometry for q in territory.quartiers]
    minx, miny, maxx, maxy = shapely.union_all(framed).bounds
    pad = FOCUS_MARGIN_DEG
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    kx = math.cos(math.radians((miny + maxy) / 2))
    scale = width / ((maxx - minx) * kx)
    height = round((maxy - miny) * scale)

    def path(geometry: shapely.Geometry) -> str:
        rings = []
        for polygon in shapely.get_parts(geometry):
            for ring in (polygon.exterior, *polygon.interiors):
                points = " ".join(f"{(x - minx) * kx * scale:.1f},{(maxy - y) * scale:.1f}" for x, y in ring.coords)
                rings.append(f"M{points}Z")
        return " ".join(rings)

    shapes, labels = [], []
    for q in territory.quartiers:
        shapes.append(f'<path d="{path(q.geometry)}" fill="{colours.get(q.code, NO_DATA)}" stroke="#1f2d3d" '
                      f'stroke-width="1" fill-rule="evenodd"><title>{escape(q.nom_local)}</title></path>')
        p = q.geometry.representative_point()
        labels.append(f'<text x="{(p.x - minx) * kx * scale:.1f}" y="{(maxy - p.y) * scale:.1f}" '
                      f'text-anchor="middle" font-size="11" paint-order="stroke" stroke="#fff" stroke-width="3">'
                      f"{escape(q.nom_local)}</text>")
    pins = [f'<circle cx="{(x - minx) * kx * scale:.1f}" cy="{(maxy - y) * scale:.1f}" r="7" fill="{PIN_COLOR}" '
            f'stroke="#fff" stroke-width="1.5"><title>{escape(words)}</title></circle>'
            for x, y, words in points if minx <= x <= maxx and miny <= y <= maxy]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape("Carte des quartiers prioritaires de " + territory.commune_nom)}">'
            f'{"".join(shapes)}{"".join(labels)}{"".join(pins)}</svg>')
