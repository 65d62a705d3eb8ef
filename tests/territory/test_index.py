"""The grid index answers exactly what shapely's `covers` answers, on vertices and edges too."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.territory.index import OUTSIDE, QuartierIndex


def reference(geometries, lons, lats) -> np.ndarray:
    """The lowest-numbered polygon that covers each point, straight from shapely."""
    answer = np.full(len(lons), OUTSIDE)
    for k in reversed(range(len(geometries))):
        answer[shapely.intersects_xy(geometries[k], lons, lats)] = k
    return answer


@pytest.fixture(scope="module")
def carcassonne(dataset):
    geometries = [q.geometry for q in dataset.territory.quartiers]
    return geometries, QuartierIndex(geometries), QuartierIndex(geometries, coarse_deg=0.003, fine=8)


def vertex_points(geometries, rng, n):
    coords = np.concatenate([shapely.get_coordinates(g) for g in geometries])
    return coords[rng.integers(0, len(coords), n)]


def edge_points(geometries, rng, n):
    """Points along edges: t·a + (1 − t)·b, often exactly representable when t is a power of two."""
    rings = [np.asarray(r.coords) for g in geometries for p in shapely.get_parts(g)
             for r in (p.exterior, *p.interiors)]
    out = []
    for _ in range(n):
        ring = rings[rng.integers(len(rings))]
        i = rng.integers(len(ring) - 1)
        t = rng.choice([0.5, 0.25, 0.125, rng.random()])
        out.append(ring[i] * t + ring[i + 1] * (1 - t))
    return np.array(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_fast_path_equals_shapely_covers(carcassonne, seed):
    geometries, index, coarse_index = carcassonne
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = shapely.total_bounds(geometries)
    uniform = np.column_stack([rng.uniform(minx - 0.01, maxx + 0.01, 300), rng.uniform(miny - 0.01, maxy + 0.01, 300)])
    far = np.array([[minx - 5, miny], [maxx + 5, maxy], [np.nan, miny], [minx, np.inf]])
    points = np.concatenate([uniform, vertex_points(geometries, rng, 50), edge_points(geometries, rng, 50), far])
    expected = reference(geometries, points[:, 0], points[:, 1])
    for idx in (index, coarse_index):  # two grid resolutions, so that cell edges fall in different places
        assert (idx.lookup(points[:, 0], points[:, 1]) == expected).all()
        assert [idx.lookup_one(x, y) for x, y in points] == list(expected)


def test_every_vertex_counts_as_inside(carcassonne):
    geometries, index, _ = carcassonne
    for k, geometry in enumerate(geometries):
        coords = shapely.get_coordinates(geometry)
        assert (index.lookup(coords[:, 0], coords[:, 1]) == k).all()


def test_touching_and_overlapping_polygons_go_to_the_exact_test():
    a = shapely.box(0, 0, 1, 1)
    b = shapely.box(1, 0, 2, 1)          # shares an edge with a
    c = shapely.box(0.5, 0.5, 1.5, 1.5)  # overlaps both
    index = QuartierIndex([a, b, c], coarse_deg=0.25, fine=4)
    lons = np.array([0.25, 1.0, 1.75, 0.75, 1.25, 1.4, 3.0])
    lats = np.array([0.25, 0.25, 0.25, 0.75, 0.75, 1.4, 3.0])
    assert list(index.lookup(lons, lats)) == list(reference([a, b, c], lons, lats)) == [0, 0, 1, 0, 1, 2, -1]
