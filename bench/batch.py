"""Benchmark: `locate-csv` end to end against the plain geopandas pipeline, in the same run, on generated points.

Run: python bench/batch.py [--points 1000000 5000000] [--addresses 10000]. Prints figures and ratios, never
pass/fail. For each size: a file of random points around Carcassonne (fixed seed); then, each in its own process
(so that peak memory is its own):
- `ours`: `python -m geo locate-csv` as a partner runs it;
- `geopandas`: `pandas.read_csv` → `points_from_xy` → `sjoin(predicate="within")` → `to_csv`, ten lines;
- `dask`: `locate-csv --engine dask` (first size only: a local cluster of 2 workers).
Each line gives the work's time (after the libraries' imports, with the data loading: the quartiers and, for
ours, the directory), the whole process's, rows/s, peak memory
(`ru_maxrss`), and whether the quartier answers are identical to ours. With --addresses, a file of real addresses
of the offline index is geocoded through the tests' real addok server (Debian's redis-server needed).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: Each pipeline runs in a child that prints one JSON line: work seconds and peak resident memory.
OURS = """
import json, resource, sys, time
import geo.formats.batch, geo.formats.data  # the libraries, as the geopandas child imports geopandas before its clock
from geo.cli.main import main
start = time.perf_counter()
code = main(["locate-csv", sys.argv[1], "-o", sys.argv[2], *sys.argv[3:]])
print(json.dumps({"work_s": time.perf_counter() - start, "code": code,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
GEOPANDAS = """
import json, resource, sys, time
import geopandas as gpd, pandas as pd
start = time.perf_counter()
quartiers = gpd.read_file(sys.argv[3])[["code", "geometry"]]
frame = pd.read_csv(sys.argv[1])
points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.longitude, frame.latitude), crs=4326)
joined = gpd.sjoin(points, quartiers, how="left", predicate="within")
joined = joined[~joined.index.duplicated()].drop(columns=["geometry", "index_right"])
joined.rename(columns={"code": "quartier_code"}).to_csv(sys.argv[2], index=False)
print(json.dumps({"work_s": time.perf_counter() - start, "code": 0,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def make_points(path: Path, count: int, seed: int = 2026) -> None:
    """Random points over Carcassonne and its surroundings (most outside the quartiers, as in a real file), in
    blocks so that generating 5 M rows stays light; six decimals, as partners' files have them."""
    rng = np.random.default_rng(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write("id,longitude,latitude\n")
        for start in range(0, count, 500_000):
            n = min(500_000, count - start)
            lons, lats = rng.uniform(2.30, 2.40, n), rng.uniform(43.18, 43.24, n)
            out.write("".join(f"{start + i},{x:.6f},{y:.6f}\n" for i, (x, y) in enumerate(zip(lons, lats, strict=True))))


def run(script: str, *args: str) -> dict[str, float]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["process_s"] = time.perf_counter() - start
    return figures


def quartier_answers(path: Path, column: str = "quartier_code") -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [row[column] or "" for row in csv.DictReader(handle)]


def line(name: str, rows: int, figures: dict[str, float], identical: bool | None, baseline: float | None) -> str:
    ratio = f" ratio_vs_geopandas={baseline / figures['work_s']:.1f}" if baseline else ""
    same = "" if identical is None else f" identical={'true' if identical else 'false'}"
    return (f"{name} rows={rows} work_s={figures['work_s']:.2f} process_s={figures['process_s']:.2f} "
            f"rows_per_s={rows / figures['work_s']:,.0f} peak_mib={figures['peak_mib']:.0f}{ratio}{same}")


def measure(rows: int, folder: Path, with_dask: bool) -> None:
    from geo import config

    source = folder / f"points-{rows}.csv"
    make_points(source, rows)
    ours_out, theirs_out, dask_out = folder / "ours.csv", folder / "geopandas.csv", folder / "dask.csv"
    quartiers = str(config.data_dir() / "quartiers.geojson")
    theirs = run(GEOPANDAS, str(source), str(theirs_out), quartiers)
    ours = run(OURS, str(source), str(ours_out))
    answers = quartier_answers(ours_out)
    identical = answers == quartier_answers(theirs_out)
    print(line("geopandas", rows, theirs, None, None))
    print(line("ours", rows, ours, identical, theirs["work_s"]))
    if with_dask:
        dask = run(OURS, str(source), str(dask_out), "--engine", "dask")
        print(line("dask", rows, dask, dask_out.read_bytes() == ours_out.read_bytes(), theirs["work_s"]))
    inside = sum(1 for a in answers if a)
    print(f"rows={rows} inside_a_quartier={inside} ({inside / rows:.1%})")
    for path in (source, ours_out, theirs_out, dask_out):
        path.unlink(missing_ok=True)


def addresses(count: int, folder: Path) -> None:
    """`count` rows of the tests' addresses (cycled), geocoded by a real addok through locate-csv."""
    from tests.addok_server import FIXTURE, addok_server, missing_tools

    reason = missing_tools()
    if reason:
        print(f"addresses not measured: {reason}")
        return
    with FIXTURE.open(encoding="utf-8") as handle:
        known = [f"{r['numero']} {r['rep']} {r['nom_voie']}".replace("  ", " ")
                 for r in csv.DictReader(handle, delimiter=";")]
    source = folder / "adresses.csv"
    with source.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["adresse", "code_postal", "commune"])
        writer.writerows([known[i % len(known)], "11000", "Carcassonne"] for i in range(count))
    (folder / "addok").mkdir()
    with addok_server(folder / "addok") as url:
        os.environ.update(GUP_GEOCODER="addok", GUP_ADDOK_URL=url)
        figures = run(OURS, str(source), str(folder / "adresses-out.csv"))
    found = sum(1 for a in quartier_answers(folder / "adresses-out.csv", "adresse_trouvee") if a)
    print(line("addresses", count, figures, None, None) + f" found={found}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--addresses", type=int, default=0, help="adresses à géocoder par le vrai addok (0 : non)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        for i, rows in enumerate(args.points):
            measure(rows, Path(tmp), with_dask=i == 0)
        if args.addresses:
            addresses(args.addresses, Path(tmp))


if __name__ == "__main__":
    main()
