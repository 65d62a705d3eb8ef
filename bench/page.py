"""Benchmark: the resident page's weight in a browser, and the server time from a tap to the answer.

Run: python bench/page.py [--taps 100]. Needs Debian's chromium for the weight; prints figures only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.servers import running_service  # noqa: E402


def page_weight() -> None:
    from playwright.sync_api import sync_playwright

    with running_service() as url, sync_playwright() as p:  # the service as `make run` serves it
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        http: dict[str, int] = {}
        frames: list[int] = []
        page.on("response", lambda r: http.__setitem__(r.url, len(r.body()) if r.ok else 0))
        page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(len(payload))))
        page.goto(f"{url}/", wait_until="networkidle")
        page.locator("iframe[src*='streamlit_folium']").wait_for()
        page.wait_for_timeout(3000)
        first = sum(frames)
        component = sum(size for address, size in http.items() if "streamlit_folium" in address)
        app_code = sum(size for address, size in http.items() if "/static/" in address)
        print(f"first load: {sum(http.values()) / 1024:.0f} KiB over HTTP (Streamlit's own code {app_code / 1024:.0f}"
              f" KiB, map component {component / 1024:.0f} KiB, cached by the browser afterwards)")
        print(f"data sent to the page on load (websocket; Leaflet itself is a static file the browser caches): "
              f"{first / 1024:.0f} KiB")
        browser.close()


def tap_to_answer(taps: int) -> None:
    """Server time of the rerun a tap triggers (AppTest runs the page script in this process)."""
    from streamlit.testing.v1 import AppTest

    from geo.directory.listings import configured_dataset

    territory = configured_dataset().territory
    rng = np.random.default_rng(5)
    minx, miny, maxx, maxy = territory.commune_geometry.bounds
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    times = []
    for _ in range(taps):
        at.session_state["point"] = (rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"tap → answer, server time over {taps} taps: median {statistics.median(times):.0f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1]:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--taps", type=int, default=100)
    args = parser.parse_args()
    if CHROMIUM.exists():
        page_weight()
    else:
        print("page weight: not measured (no chromium)")
    tap_to_answer(args.taps)
