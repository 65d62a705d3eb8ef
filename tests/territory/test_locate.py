"""Point → quartier → structures: inside, on a boundary, between quartiers, outside the commune."""

from __future__ import annotations

import csv
import itertools
import json
import math
import shutil
import warnings
from datetime import datetime

import hypothesis
import numpy as np
import pytest
import shapely
from hypothesis import strategies as st

from geo import config
from geo.errors import InputError
from geo.formats.data import load_dataset
from geo.sources.build import build_data
from geo.territory.hours import PARIS
from geo.territory.locate import NO_NEAREST_REASON, Locator, Status
from tests.conftest import CITE, TOULOUSE

BROCHURE_COVERAGE = {  # the brochure's table, structure ids per quartier
    "QP011002": {"cs-roseraie", "abp", "regie-quartier", "mediaction", "cas-carcassonne"},
    "QP011003": {"cs-montsarrat", "regie-quartier", "mediaction", "cas-carcassonne"},
    "QP011004": {"evs-bastide", "abp", "mediaction", "cas-carcassonne"},
    "QP011005": {"cs-max-savy", "regie-quartier", "mediaction", "cas-carcassonne"},
    "QP011006": {"cs-max-savy", "regie-quartier", "mediaction", "cas-carcassonne"},
}


@pytest.mark.parametrize("code", sorted(BROCHURE_COVERAGE))
def test_a_point_inside_each_quartier(dataset, locator, code):
    inside = dataset.territory.quartier(code).geometry.representative_point()
    answer = locator.locate(inside.x, inside.y)
    assert answer.statut is Status.DANS_QUARTIER and answer.quartier.code == code
    assert {s.id for s in answer.structures} == BROCHURE_COVERAGE[code]
    assert answer.nearest is None


def test_answer_groups_structures_by_kind_of_help(locator, dataset):
    grazailles = dataset.territory.quartier("QP011006").geometry.representative_point()
    answer = locator.locate(grazailles.x, grazailles.y)
    assert answer.by_service["education"] == ("cs-max-savy",)
    assert answer.by_service["mediation"] == ("cs-max-savy", "regie-quartier", "mediaction")
    assert list(answer.by_service) == [s.key for s in dataset.services]
    assert [s.id for s in answer.structures_for("education")] == ["cs-max-savy"]


def boundary_points(polygon: shapely.Polygon) -> tuple[tuple[float, float], tuple[float, float]]:
    """A vertex, and an edge midpoint that shapely itself places on the boundary (not inside)."""
    coords = np.asarray(polygon.exterior.coords)
    vertex = tuple(coords[0])
    for a, b in itertools.pairwise(coords):
        mid = shapely.Point((a + b) / 2)
        if shapely.intersects(polygon, mid) and not shapely.contains(polygon, mid):
            return vertex, (mid.x, mid.y)
    raise AssertionError("no edge midpoint exactly on the boundary")


def test_a_point_on_the_boundary_counts_as_inside(dataset, locator):
    grazailles = dataset.territory.quartier("QP011006")
    polygon = max(shapely.get_parts(grazailles.geometry), key=lambda p: p.area)
    for lon, lat in boundary_points(polygon):
        assert not shapely.contains_xy(grazailles.geometry, lon, lat)  # really on the edge
        assert locator.locate(lon, lat).quartier.code == "QP011006"
        _, codes = locator.locate_many([lon], [lat])
        assert codes[0] == "QP011006"


def test_outside_the_quartiers_in_the_commune_gives_city_wide_services_and_nearest(locator):
    answer = locator.locate(*CITE)
    assert answer.statut is Status.HORS_QUARTIER and answer.quartier is None
    assert [s.id for s in answer.structures] == ["cas-carcassonne"]
    assert answer.nearest is not None and 300 < answer.nearest.distance_m < 5000
    assert answer.to_dict()["quartier_le_plus_proche"]["code"] == answer.nearest.quartier.code


def test_nearest_distance_is_in_metres(locator, dataset):
    """0.01° of latitude (≈ 1,112 m) north of the northernmost vertex of all quartiers."""
    tops = {q.code: max(shapely.get_coordinates(q.geometry), key=lambda c: c[1]) for q in dataset.territory.quartiers}
    code, top = max(tops.items(), key=lambda item: item[1][1])
    answer = locator.locate(top[0], top[1] + 0.01)
    assert answer.nearest.quartier.code == code
    assert answer.nearest.distance_m == pytest.approx(1112, rel=0.01)


def test_outside_the_commune(locator):
    answer = locator.locate(*TOULOUSE)
    assert answer.statut is Status.HORS_COMMUNE and answer.structures == ()
    assert answer.to_dict()["statut"] == "hors_commune"


@pytest.mark.parametrize(("lon", "lat", "message"), [
    (math.nan, 43.2, "Longitude invalide"),
    (2.35, math.inf, "Latitude invalide"),
    (200.0, 43.2, "Longitude hors limites : 200.0"),
    (2.35, -91.0, "Latitude hors limites : -91.0"),
])
def test_impossible_coordinates_are_refused(locator, lon, lat, message):
    with pytest.raises(InputError, match=message):
        locator.locate(lon, lat)


def test_batch_equals_one_by_one(locator, dataset):
    rng = np.random.default_rng(7)
    minx, miny, maxx, maxy = dataset.territory.commune_geometry.bounds
    lons = np.concatenate([rng.uniform(minx - 0.02, maxx + 0.02, 400), [np.nan, 500.0]])
    lats = np.concatenate([rng.uniform(miny - 0.02, maxy + 0.02, 400), [43.2, 43.2]])
    statuses, codes = locator.locate_many(lons, lats)
    for lon, lat, status, code in zip(lons[:400], lats[:400], statuses, codes, strict=False):
        answer = locator.locate(lon, lat)
        assert (answer.statut.value, answer.quartier.code if answer.quartier else None) == (status, code)
    assert list(statuses[-2:]) == ["erreur", "erreur"] and set(statuses[:400]) == {
        "dans_quartier", "hors_quartier", "hors_commune"}


def test_for_quartier_answers_like_a_point_inside(locator, dataset):
    inside = dataset.territory.quartier("QP011003").geometry.representative_point()
    assert locator.for_quartier("QP011003").structures == locator.locate(inside.x, inside.y).structures
    with pytest.raises(InputError, match="Quartier inconnu : « QP999 »"):
        locator.for_quartier("QP999")


def test_every_labelled_carcassonne_parcel_is_in_its_quartier(locator, sources_dir):
    """Real data: the DVF parcels labelled by a third party with the QPV they lie in."""
    with (sources_dir / "parcelles_dvf_qpv_occitanie.csv").open(encoding="utf-8") as f:
        parcels = [r for r in csv.DictReader(f) if r["code_commune"] == "11069"]
    assert len(parcels) == 496
    statuses, codes = locator.locate_many([float(r["longitude"]) for r in parcels],
                                          [float(r["latitude"]) for r in parcels])
    wrong = [(r["id_parcelle"], r["code_qp"], c) for r, c in zip(parcels, codes, strict=True) if c != r["code_qp"]]
    assert wrong == []
    assert set(statuses) == {"dans_quartier"}


def test_another_commune_works_with_no_code_change(tmp_path, sources_dir):
    data = tmp_path / "narbonne"
    data.mkdir()
    for name in ("services.csv", "sources.toml"):
        shutil.copy(config.data_dir() / name, data / name)
    build_data(commune="11262", data_dir=data, sources_dir=sources_dir)
    (data / "structures.csv").write_text(
        "id,nom,groupe,presence,quartiers,services,telephone\n"
        "cs-test,Centre social d'essai,Association,lieu_accueil,QP011008,accueil,04 68 00 00 00\n", encoding="utf-8")
    with (sources_dir / "parcelles_dvf_qpv_occitanie.csv").open(encoding="utf-8") as f:
        parcel = next(r for r in csv.DictReader(f) if r["code_qp"] == "QP011008")
    locator = Locator(load_dataset(data, commune="11262"))
    answer = locator.locate(float(parcel["longitude"]), float(parcel["latitude"]))
    assert (answer.commune_nom, answer.quartier.code, [s.id for s in answer.structures]) == (
        "Narbonne", "QP011008", ["cs-test"])



#: The poles and the antimeridian, where a projection gives infinity or an index meets its edge.
EARTH_EDGES = [(-180, -90), (0, -90), (180, 90), (0, 90), (-180, 0), (180, 0), (180, -90), (-180, 90)]


def every_point_on_earth(test):
    """Any finite point on Earth, the poles and the antimeridian always among them; the same points every run."""
    for point in EARTH_EDGES:
        test = hypothesis.example(*point)(test)
    return hypothesis.settings(max_examples=400, derandomize=True, deadline=None)(
        hypothesis.given(lon=st.floats(-180, 180), lat=st.floats(-90, 90))(test))


@every_point_on_earth
def test_every_point_on_earth_gets_an_answer_as_strict_json(locator, lon, lat):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a library's RuntimeWarning is a failure here
        answer = locator.locate(lon, lat)
        text = json.dumps(answer.to_dict(datetime(2026, 11, 24, 21, tzinfo=PARIS)), allow_nan=False)
    nearest = json.loads(text)["quartier_le_plus_proche"]
    if answer.statut is Status.DANS_QUARTIER:
        assert nearest is None and answer.no_nearest_reason is None
    else:  # a finite distance, or none with the reason said
        assert (nearest is None) == (answer.no_nearest_reason is not None)
        assert nearest is None or 0 <= nearest["distance_m"] < 2_000_000


@every_point_on_earth
def test_every_point_on_earth_in_a_batch(locator, lon, lat):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        status, codes = locator.locate_many([lon], [lat])
    one = locator.locate(lon, lat)
    assert (status[0], codes[0]) == (str(one.statut), one.quartier.code if one.quartier else None)


@pytest.mark.parametrize(("lon", "lat"), EARTH_EDGES)
def test_far_from_france_no_nearest_quartier_but_the_reason(locator, lon, lat):
    answer = locator.locate(lon, lat).to_dict()
    assert answer["statut"] == "hors_commune" and answer["quartier_le_plus_proche"] is None
    assert answer["quartier_le_plus_proche_absent"] == NO_NEAREST_REASON


def test_in_france_the_nearest_quartier_is_still_given(locator):
    answer = locator.locate(*TOULOUSE).to_dict()
    assert answer["quartier_le_plus_proche"]["distance_m"] > 50_000
    assert answer["quartier_le_plus_proche_absent"] is None
