"""Benchmark: a resident's answer read from the directory store against today's in-memory answer from files.

Run: python bench/directory.py [--answers N] [--url SQLALCHEMY_URL]. Without --url, a fresh SQLite store in a
temporary folder. An answer is what the resident page computes: the quartier's structures, whether each is open
now, and their cards. Three ways, in the same run:
- files: the dataset loaded once from the CSV, in memory (the service before the store);
- store: the store as the pages use it (its revision read at most once a second per process);
- store, revision on every answer: the worst case, one revision query per answer.
Prints figures and ratios, never pass/fail; the goal is store ≤ 1.2 × files. The last line is
`answers=N files_us=… store_us=… store_every_us=… ratio=… ratio_every=…`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo import config
from geo.directory import listings
from geo.directory.listings import Directory
from geo.formats.data import load_dataset
from geo.render.present import structure_card_html
from geo.territory import hours
from geo.territory.locate import Locator

QUARTIERS = ("QP011002", "QP011003", "QP011004", "QP011005", "QP011006")


def answer(locator: Callable[[], Locator], code: str) -> int:
    found = locator()
    moment = hours.now()
    shown = found.for_quartier(code).structures
    return sum(len(structure_card_html(s, found.dataset.services, availability=hours.availability(s, moment), at=moment))
               for s in shown)


def per_answer_us(locator: Callable[[], Locator], answers: int, rounds: int = 5) -> float:
    """Microseconds per answer, the best of several rounds (the least disturbed by the machine)."""
    best = []
    for _ in range(rounds):
        start = time.perf_counter()
        for i in range(answers):
            answer(locator, QUARTIERS[i % len(QUARTIERS)])
        best.append((time.perf_counter() - start) / answers * 1e6)
    return min(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=2000)
    parser.add_argument("--url", default=None, help="SQLAlchemy URL of an existing store (default: a new SQLite)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gup-bench-"))
    try:
        url = args.url or f"sqlite:///{folder / 'annuaire.sqlite3'}"
        in_memory = Locator(load_dataset(config.data_dir()))
        directory = Directory(config.data_dir(), config.commune(), url)
        directory.locator()  # seeded and loaded once, as at a page's first visit
        files_us = per_answer_us(lambda: in_memory, args.answers)
        store_us = per_answer_us(directory.locator, args.answers)
        listings.REVISION_SECONDS = 0.0  # the worst case: every answer reads the revision
        every_us = per_answer_us(directory.locator, args.answers)
        revision_us = statistics.median(_timed(directory.store.revision) for _ in range(200)) * 1e6
        print(f"store: {directory.store.shown_url}")
        print(f"files (in memory)        : {files_us:8.1f} µs per answer")
        print(f"store (as pages use it)  : {store_us:8.1f} µs per answer   ratio {store_us / files_us:.2f}×")
        print(f"store (revision always)  : {every_us:8.1f} µs per answer   ratio {every_us / files_us:.2f}×")
        print(f"one revision query       : {revision_us:8.1f} µs (median of 200)")
        print(f"answers={args.answers} files_us={files_us:.1f} store_us={store_us:.1f} store_every_us={every_us:.1f} "
              f"ratio={store_us / files_us:.2f} ratio_every={every_us / files_us:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
