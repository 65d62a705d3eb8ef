"""The folium map: labelled quartiers, attributions, no CDN, escaped names."""

from __future__ import annotations

import dataclasses
import re

from geo.render.mapview import quartiers_map


def render(territory, **kwargs) -> str:
    return quartiers_map(territory, **kwargs).get_root().render()


def test_map_labels_each_quartier_with_its_local_name(dataset):
    html = render(dataset.territory)
    for quartier in dataset.territory.quartiers:
        assert quartier.nom_local in html
    assert "OpenStreetMap" in html and "ANCT" in html


def test_map_loads_leaflet_from_the_package_not_a_cdn(dataset):
    fmap = quartiers_map(dataset.territory)
    links = [url for _, url in fmap.default_js + fmap.default_css]
    assert links and all(url.startswith("data:") for url in links)


def test_names_from_data_are_escaped(dataset):
    territory = dataset.territory
    evil = dataclasses.replace(territory.quartiers[0], nom_local="<img src=x onerror=alert(1)>")
    html = render(dataclasses.replace(territory, quartiers=(evil, *territory.quartiers[1:])))
    assert "<img src=x" not in html
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in html  # escaped, then JSON-encoded in the layer


def test_marker_and_selection(dataset):
    html = render(dataset.territory, selected="QP011006", marker=(2.35, 43.22))
    assert re.search(r"L\.circleMarker\(\s*\[43\.22, 2\.35\]", html)  # Leaflet's own API, at the point
    assert "#d1495b" in html


def test_classify_counts_and_ranges():
    from geo.render.mapview import NO_DATA, classify

    colours, legend = classify({"a": 0, "b": 1, "c": None}, title="t")
    assert colours["c"] == NO_DATA and colours["a"] != colours["b"]
    assert [label for _, label in legend.bins] == ["0", "1", "non disponible"]
    colours, legend = classify({str(i): float(i * 10) for i in range(10)}, title="t", unit="%")
    assert len(legend.bins) == 5 and legend.bins[0][1] == "0 – 18 %" and colours["0"] != colours["9"]


def test_svg_map_for_print_escapes_names(dataset):
    from geo.render.mapview import svg_map

    territory = dataset.territory
    evil = dataclasses.replace(territory.quartiers[0], nom_local="<script>x</script>")
    svg = svg_map(dataclasses.replace(territory, quartiers=(evil, *territory.quartiers[1:])), {})
    assert svg.startswith("<svg") and svg.count("<path") == 5 and "<script>" not in svg


def test_choropleth_fills_each_quartier(dataset):
    from geo.render.mapview import choropleth_map

    colours = {q.code: "#123456" for q in dataset.territory.quartiers}
    html = choropleth_map(dataset.territory, colours, {"QP011006": "Grazailles : 1"}).get_root().render()
    assert html.count("#123456") >= 5 and "Grazailles : 1" in html


def test_pins_show_on_the_static_and_the_planner_s_map(dataset):
    from geo.render.mapview import choropleth_map, svg_map

    pins = [(2.356639, 43.22668, "n° 1 — Encombrants <déposés>"), (1.4442, 43.6047, "loin")]
    svg = svg_map(dataset.territory, {}, points=pins)
    assert svg.count("<circle") == 1 and "<title>n° 1 — Encombrants &lt;déposés&gt;</title>" in svg
    html = choropleth_map(dataset.territory, {}, {}, points=pins[:1]).get_root().render()
    assert "L.circleMarker(" in html and "Encombrants &lt;déposés&gt;" in html and "<déposés>" not in html
