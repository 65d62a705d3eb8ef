"""The standalone map: one file, under 500 KB, nothing loaded from another site but tiles, data as text."""

from __future__ import annotations

import dataclasses
import re

from geo.render.standalone import standalone_map_html


def test_size_and_self_containment(dataset):
    html = standalone_map_html(dataset)
    assert len(html.encode("utf-8")) < 500_000
    assert not re.search(r"<script[^>]+src=", html) and not re.search(r"<link[^>]+stylesheet", html)
    assert "Leaflet 1.9.4" in html and "ANCT" in html and "OpenStreetMap" in html
    for quartier in dataset.territory.quartiers:
        assert quartier.nom_local in html
    assert 'href="tel:+33468711432"' in html  # the list under the map, usable without tiles or scripts


def test_data_never_becomes_markup(dataset):
    evil = dataclasses.replace(dataset.structures[0], nom="<img src=x onerror=alert(1)></script><script>alert(2)")
    html = standalone_map_html(dataclasses.replace(dataset, structures=(evil, *dataset.structures[1:])))
    assert "<img src=x" not in html and "</script><script>alert(2)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # in the list, as text
