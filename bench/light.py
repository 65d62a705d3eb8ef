"""Benchmark: the light page (/simple) beside the Streamlit resident page, in the same run.

Run: python bench/light.py [--answers N] [--load-seconds S]. Debian's Chromium opens both pages at 390 × 844 on
Lighthouse's mobile profile (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, CPU slowed 4×, through the DevTools
protocol), cold (empty cache) and warm (second visit), and times the first visible `tel:` link. Then: bytes
transferred, requests, third-party requests; the server time of an answer (in process, p95); and a load of
residents on the light page (the same 50 residents as bench/load.py, then more until p95 passes 1 s).
Prints figures and ratios, never pass/fail. Budgets: answer page < 30 KiB compressed, first tel: < 2 s cold and
< 1 s warm, server time < 20 ms p95.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.e2e.conftest import running_app  # noqa: E402
from tests.servers import running_api  # noqa: E402

QUARTIER = "QP011006"
PROFILE = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def first_tel(browser, url: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Cold then warm visit of one page, throttled: seconds to the first visible tel: link, bytes, requests."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", PROFILE)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    figures: dict[str, float] = {}
    seen = {"bytes": 0.0, "requests": 0, "third": 0}  # counted from the DevTools protocol's own events
    local = ("http://127.0.0.1", "ws://127.0.0.1", "data:")
    cdp.on("Network.loadingFinished", lambda e: seen.__setitem__("bytes", seen["bytes"] + e["encodedDataLength"]))
    cdp.on("Network.requestWillBeSent", lambda e: seen.update(
        requests=seen["requests"] + 1, third=seen["third"] + (not e["request"]["url"].startswith(local))))
    for visit in ("cold", "warm"):
        seen.update(bytes=0.0, requests=0, third=0)
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.locator('a[href^="tel:"]').first.wait_for(state="visible", timeout=120_000)
        figures[f"{visit}_s"] = time.perf_counter() - start
        page.wait_for_timeout(1500)  # what the page still loads after the answer counts as its weight
        figures[f"{visit}_kib"], figures[f"{visit}_requests"] = seen["bytes"] / 1024, seen["requests"]
        figures[f"{visit}_third_party"] = seen["third"]
    context.close()
    return figures


def server_ms(answers: int) -> list[float]:
    """Milliseconds to build one light answer in process (the server's own work, no network)."""
    from geo.directory.listings import default_locator
    from geo.http.api import _panel_of
    from geo.http.simple import page_html
    from geo.territory import hours

    times = []
    for i in range(answers):
        start = time.perf_counter()
        locator = default_locator()
        page_html({"quartier": QUARTIER, "lang": ("fr", "ar", "en", "es")[i % 4]}, locator, _panel_of(locator),
                  at=hours.now())
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def residents(url: str, count: int, seconds: float, think: float) -> tuple[int, float, int]:
    """`count` residents asking for an answer, reading `think` seconds between answers: (answers, p95 s, errors)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def one(n: int) -> None:
        time.sleep(think * n / max(count, 1))  # arrivals spread over a reading time
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{url}/simple?quartier={QUARTIER}", timeout=30) as response:
                    ok = b'href="tel:' in response.read()
            except OSError:
                ok = False
            with lock:
                latencies.append(time.perf_counter() - start)
                errors[0] += not ok
            time.sleep(think)

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        list(pool.map(one, range(count)))
    return len(latencies), p95(latencies) if latencies else float("nan"), errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--load-seconds", type=float, default=30)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with running_app() as app_url, running_api() as api_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        light = first_tel(browser, f"{api_url}/simple?quartier={QUARTIER}")
        heavy = first_tel(browser, f"{app_url}/?quartier={QUARTIER}")
        browser.close()
        print("Lighthouse mobile profile (1.6 Mbit/s, 150 ms, CPU 4×), 390 × 844, first visible tel: link")
        for label, key, unit in (("cold", "cold_s", "s"), ("warm", "warm_s", "s"), ("cold weight", "cold_kib", "KiB"),
                                 ("warm weight", "warm_kib", "KiB"), ("cold requests", "cold_requests", ""),
                                 ("third-party requests", "cold_third_party", "")):
            ratio = heavy[key] / light[key] if light[key] else float("inf")
            print(f"  {label:22}: /simple {light[key]:8.2f} {unit:3} | Streamlit {heavy[key]:8.2f} {unit:3} | "
                  f"Streamlit / simple {ratio:6.1f}×")
        times = server_ms(args.answers)
        print(f"server time of a light answer: median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms "
              f"({args.answers} answers, in process)")
        answers, slow, errors = residents(api_url, 50, args.load_seconds, 5.0)
        print(f"50 residents reading 5 s: {answers} answers in {args.load_seconds:.0f} s, p95 {slow * 1000:.0f} ms, "
              f"errors {errors}")
        most = 0
        for count in (25, 50, 100, 200, 400):
            answers, slow, errors = residents(api_url, count, args.load_seconds / 3, 0.0)
            rate = answers / (args.load_seconds / 3)
            print(f"{count:4} clients without pause: {rate:7.0f} answers/s, p95 {slow * 1000:6.0f} ms, errors {errors}")
            if slow >= 1.0 or errors:
                break
            most = count
        print(f"cold_s={light['cold_s']:.2f} warm_s={light['warm_s']:.2f} cold_kib={light['cold_kib']:.1f} "
              f"streamlit_cold_s={heavy['cold_s']:.2f} streamlit_warm_s={heavy['warm_s']:.2f} "
              f"ratio_cold={heavy['cold_s'] / light['cold_s']:.1f} server_p95_ms={p95(times):.1f} "
              f"clients_under_1s={most}")


if __name__ == "__main__":
    main()
