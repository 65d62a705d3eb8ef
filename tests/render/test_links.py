"""One way from a link to an answer: the same shared links through the core, the Streamlit resident page and the
light page `/simple`, which must all say the same thing."""

from __future__ import annotations

import html
import re
import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo import config
from geo.problems.contacts import load_panel
from geo.territory import hours
from tests.conftest import CITE

APP = str(config.PROJECT_ROOT / "app.py")
NOT_FOUND = "99 impasse qui n'existe pas"

LINKS = [  # the link, then the headline every face must show (None: no answer yet) and a notice it must give
    ({"quartier": "QP011006"}, "Vous êtes dans le quartier Grazailles.", None),
    ({"quartier": "QN01106M"}, "Vous êtes dans le quartier Grazailles.", None),  # the 2024 code of the same quartier
    ({"adresse": NOT_FOUND, "quartier": "QP011006"}, "Vous êtes dans le quartier Grazailles.",
     f"adresse introuvable « {NOT_FOUND} »"),  # the finding: Streamlit showed nothing, /simple the quartier
    ({"adresse": "12 rue fictive jules sauzede"}, "Vous êtes dans le quartier La Conte-Ozanam-Sainte-Marie.", None),
    ({"lon": str(CITE[0]), "lat": str(CITE[1])},
     "Vous êtes à Carcassonne, en dehors des quartiers prioritaires. Le plus proche est Bastide-Pont-Vieux, à 630 m.",
     None),
    ({"lon": "abc", "lat": "43.2", "quartier": "QP011004"}, "Vous êtes dans le quartier Bastide-Pont-Vieux.",
     "point illisible"),
    ({"quartier": "QP999"}, None, "quartier inconnu « QP999 »"),
]


@pytest.fixture(scope="module")
def with_addresses(tmp_path_factory):
    """A data folder with the offline address index of the tests' fictive addresses."""
    from geo.geocode import build_offline_index
    from tests.addok_server import FIXTURE

    data = tmp_path_factory.mktemp("liens") / "data"
    shutil.copytree(config.data_dir(), data)
    build_offline_index(FIXTURE, "11069", data)
    return data


def headline(page: str) -> str | None:
    found = re.search(r'<div class="gup-answer( gup-none)?" role="status"[^>]*>.*?<strong>(.*?)</strong>', page, re.S)
    return html.unescape(found[2]) if found else None


def called(page: str) -> list[str]:
    return re.findall(r'<a class="gup-call" href="(tel:\+33[^"]+)"', page)


@pytest.mark.parametrize(("params", "expected", "notice"), LINKS, ids=lambda v: str(v)[:40])
def test_the_same_link_gives_the_same_answer_on_every_face(monkeypatch, with_addresses, params, expected, notice):
    from geo.directory.listings import default_locator
    from geo.geocode import configured_address_search
    from geo.http.simple import page_html
    from geo.render.links import answer_link

    monkeypatch.setenv("GUP_DATA_DIR", str(with_addresses))
    st.cache_resource.clear()
    locator = default_locator()
    core = answer_link(params, locator, configured_address_search)
    light = page_html(params, locator, load_panel(with_addresses, locator.dataset), at=hours.now())
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    streamlit = "\n".join(m.value for m in at.markdown)

    assert headline(light) == headline(streamlit) == expected
    assert called(light) == called(streamlit)  # the same structures, in the same order
    assert (core.answer is None) == (expected is None)
    if notice is not None:
        assert any(notice in text for text in core.ignored)
        assert notice in html.unescape(light)
        assert any(notice in c.value.replace("\\", "") for c in at.caption)
