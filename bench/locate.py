"""Benchmark: the grid index against geopandas.sjoin, on all QPVs of the source file, per generation.

Run: python bench/locate.py [--points N] [--contours-2024 FILE]. Prints figures and ratios, never pass/fail: one
`generation=G … ratio_vs_sjoin=… identical=…` line per generation whose contours are at hand (2015 from the mirror;
2024 from the mirror or FILE: the official ZIP as downloaded, or its national GeoJSON), the same points for both; the
last line is `points=N sjoin_s=… ours_s=… ratio_vs_sjoin=… identical=true|false` for 2015.
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo import config
from geo.directory.listings import default_locator
from geo.errors import SourceError
from geo.sources.build import read_catalog
from geo.sources.read import Received, mirror_file, read_contours_2024
from geo.territory.index import QuartierIndex


def load_quartiers(path: Path) -> list[shapely.Geometry]:
    frame = gpd.read_file(path).to_crs(4326)
    return valid(frame.geometry)


def valid(geometries: gpd.GeoSeries) -> list[shapely.Geometry]:
    return [g if g.is_valid else shapely.make_valid(g) for g in geometries]


def contours_2024(path: Path | None, sources: Path) -> Path | None:
    """FILE, else the mirror's 2024 contours under any name the build accepts; None when there are none."""
    try:
        return path or mirror_file(read_catalog(config.data_dir())["qpv_2024"], sources)
    except SourceError:
        return None


def compare(geometries: list[shapely.Geometry], lons: np.ndarray, lats: np.ndarray, runs: int,
            generation: str) -> tuple[float, float, bool, QuartierIndex]:
    """sjoin (with the boundary rule) against the grid index on the same points: times and whether they agree."""
    build_s, index = best_of(1, lambda: QuartierIndex(geometries))
    print(f"[{generation}] {len(geometries)} quartiers; index build: {build_s:.2f} s, "
          f"{index.cells.nbytes / 1e6:.1f} MB of cells")
    quartiers = gpd.GeoDataFrame({"position": np.arange(len(geometries))}, geometry=geometries, crs=4326)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs=4326)
    sjoin_s, within = best_of(runs, lambda: sjoin_answer(points, quartiers))
    ours_s, ours = best_of(runs, lambda: index.lookup(lons, lats))
    expected = with_boundaries(within, geometries, lons, lats)
    identical = bool((ours == expected).all())
    print(f"[{generation}] inside a quartier: {(expected >= 0).mean():.1%}; on a boundary only: "
          f"{(expected != within).sum()} points")
    print(f"[{generation}] sjoin: {sjoin_s:.3f} s ({len(lons) / sjoin_s / 1e6:.2f} M points/s); "
          f"ours: {ours_s:.3f} s ({len(lons) / ours_s / 1e6:.2f} M points/s)")
    print(f"generation={generation} points={len(lons)} sjoin_s={sjoin_s:.3f} ours_s={ours_s:.3f} "
          f"ratio_vs_sjoin={sjoin_s / ours_s:.1f} identical={'true' if identical else 'false'}")
    return sjoin_s, ours_s, identical, index


def make_points(geometries: list[shapely.Geometry], sources: Path, n: int, seed: int = 2026) -> tuple[np.ndarray, ...]:
    """Half uniform over the QPVs' bounding boxes, half real parcel centres jittered by up to ~50 m."""
    rng = np.random.default_rng(seed)
    bounds = shapely.bounds(geometries)
    k = rng.integers(0, len(geometries), n // 2)
    uniform_x, uniform_y = rng.uniform(bounds[k, 0], bounds[k, 2]), rng.uniform(bounds[k, 1], bounds[k, 3])
    with (sources / "parcelles_dvf_qpv_occitanie.csv").open(encoding="utf-8") as f:
        parcels = np.array([(float(r["longitude"]), float(r["latitude"])) for r in csv.DictReader(f)])
    pick = parcels[rng.integers(0, len(parcels), n - n // 2)]
    jitter = rng.uniform(-0.0006, 0.0006, pick.shape)
    lons = np.concatenate([uniform_x, pick[:, 0] + jitter[:, 0]])
    lats = np.concatenate([uniform_y, pick[:, 1] + jitter[:, 1]])
    return lons, lats


def best_of(runs: int, action):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return min(times), result


def sjoin_answer(points: gpd.GeoDataFrame, quartiers: gpd.GeoDataFrame) -> np.ndarray:
    joined = gpd.sjoin(points, quartiers, predicate="within", how="left")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["position"].fillna(-1).astype(np.int64).to_numpy()


def with_boundaries(answer: np.ndarray, geometries, lons, lats) -> np.ndarray:
    """The Foundation's rule on top of `within`: a point on a quartier's boundary counts as inside."""
    answer = answer.copy()
    for k, geometry in enumerate(geometries):
        todo = np.flatnonzero(answer < 0)
        answer[todo[shapely.intersects_xy(geometry, lons[todo], lats[todo])]] = k
    return answer


def latencies_us(action, xs, ys) -> list[float]:
    samples = []
    for x, y in zip(xs, ys, strict=True):
        start = time.perf_counter_ns()
        action(x, y)
        samples.append((time.perf_counter_ns() - start) / 1000)
    return sorted(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--contours-2024", type=Path, default=None, metavar="FILE",
                        help="contours 2024, archive ZIP officielle ou GeoJSON (défaut : ceux du miroir, s'il en a)")
    args = parser.parse_args()
    sources = config.sources_dir()
    geometries = load_quartiers(sources / "qpv_occitanie_2015.geojson")
    lons, lats = make_points(geometries, sources, args.points)
    print(f"points={args.points} machine: {resource.getpagesize()}-byte pages, python {sys.version.split()[0]}")

    sjoin_s, ours_s, identical, index = compare(geometries, lons, lats, args.runs, "2015")
    newer = contours_2024(args.contours_2024, sources)
    if newer is not None:
        compare(valid(read_contours_2024(Received.of_file(newer))[0].geometry), lons, lats, args.runs, "2024")
    else:
        print(f"generation=2024 not measured: no contours in {sources} (see « Générations de quartiers » in the README)")

    sample = slice(0, 20_000)
    one = latencies_us(index.lookup_one, lons[sample].tolist(), lats[sample].tolist())
    print(f"single point (index): median {statistics.median(one):.1f} µs, p99 {one[int(len(one) * 0.99)]:.1f} µs")
    try:
        locator = default_locator()
        cx, cy = locator.dataset.territory.commune_geometry.representative_point().coords[0]
        xs = (cx + np.random.default_rng(1).uniform(-0.02, 0.02, 5000)).tolist()
        ys = (cy + np.random.default_rng(2).uniform(-0.02, 0.02, 5000)).tolist()
        full = latencies_us(locator.locate, xs, ys)
        print(f"single point (full answer with structures, {locator.dataset.territory.commune_nom}): "
              f"median {statistics.median(full):.1f} µs, p99 {full[int(len(full) * 0.99)]:.1f} µs")
    except Exception as exc:  # the deployment's data may not be built: the index figures still stand
        print(f"single point (full answer): not measured ({exc.__class__.__name__})")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(f"points={args.points} sjoin_s={sjoin_s:.3f} ours_s={ours_s:.3f} "
          f"ratio_vs_sjoin={sjoin_s / ours_s:.1f} identical={'true' if identical else 'false'}")


if __name__ == "__main__":
    main()
