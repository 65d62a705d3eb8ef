"""Load test, as deployed: `python -m geo serve` alone, and behind Debian's nginx (deploy/nginx.conf.template).

Run: python bench/load.py [--residents 50] [--seconds 60] [--think 5] [--light-clients 400] [--light-requests 5].
Two loads, each measured directly and through nginx, side by side:
- the light page: `--light-clients` simultaneous clients, each asking `/simple` for a quartier `--light-requests`
  times in a row (the target: p95 under 1 s with 400);
- the resident page: `--residents` simulated residents, each opening it then choosing a quartier, speaking
  Streamlit's own websocket protocol (the protobuf messages its front end sends); a resident reads for about
  `--think` seconds (uniformly 0.5× to 1.5×) after each step, as a person does; `--think 0` hammers.
Prints requests, errors and latency percentiles, and the proxy's cost as a ratio. Bounded in count and time;
stops the servers it started.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.nginx_server import running_nginx  # noqa: E402
from tests.servers import running_service  # noqa: E402

QUARTIER_CODES = ["QP011002", "QP011003", "QP011004", "QP011005", "QP011006"]

QUARTIERS = ["La Conte-Ozanam-Sainte-Marie", "Le Viguier-Saint-Jacques", "Bastide-Pont-Vieux", "Fleming-La Reille",
             "Grazailles"]


async def run_script(ws, back: BackMsg) -> tuple[float, list[ForwardMsg]]:
    """Send one rerun and read until the script has finished; the time and the messages it produced."""
    start = time.perf_counter()
    await ws.send(back.SerializeToString())
    messages = []
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=30))
        messages.append(msg)
        if msg.WhichOneof("type") == "script_finished":
            return time.perf_counter() - start, messages


def find_selectbox(messages: list[ForwardMsg], label: str) -> str:
    for msg in messages:
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            if element.WhichOneof("type") == "selectbox" and element.selectbox.label == label:
                return element.selectbox.id
    raise LookupError(label)


def answered(messages: list[ForwardMsg]) -> bool:
    return any(m.WhichOneof("type") == "delta" and "tel:+33" in str(m.delta.new_element.markdown.body)
               for m in messages)


async def resident(url: str, stats: dict[str, list], deadline: float, think: float) -> None:
    await asyncio.sleep(random.uniform(0, think))  # residents do not all arrive in the same second
    while time.monotonic() < deadline:
        try:
            async with websockets.connect(f"{url.replace('http', 'ws')}/_stcore/stream", subprotocols=["streamlit"],
                                          max_size=None) as ws:
                first = BackMsg()
                first.rerun_script.query_string = ""
                opened, messages = await run_script(ws, first)
                stats["open"].append(opened)
                await asyncio.sleep(random.uniform(0.5, 1.5) * think)
                choose = BackMsg()
                choose.rerun_script.query_string = ""
                state = WidgetState(id=find_selectbox(messages, "Votre quartier"), string_value=random.choice(QUARTIERS))
                choose.rerun_script.widget_states.widgets.append(state)
                located, messages = await run_script(ws, choose)
                stats["locate"].append(located)
                if not answered(messages):
                    stats["errors"].append("no tel: link in the answer")
            await asyncio.sleep(random.uniform(0.5, 1.5) * think)
        except Exception as exc:  # a load test counts failures, it does not stop at the first
            stats["errors"].append(f"{exc.__class__.__name__}: {exc}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def percentiles(values: list[float]) -> str:
    if not values:
        return "—"
    return (f"p50 {statistics.median(values) * 1000:.0f} ms, p95 {percentile(values, 0.95) * 1000:.0f} ms, "
            f"p99 {percentile(values, 0.99) * 1000:.0f} ms")


async def light_client(url: str, requests: int, latencies: list[float], errors: list[str]) -> None:
    """One phone asking the light page `requests` times on one kept-alive connection. Plain HTTP/1.1 over asyncio
    streams: a client library would spend more of the machine's two cores than the server it measures."""
    host, port = url.removeprefix("http://").split(":")
    try:
        reader, writer = await asyncio.open_connection(host, int(port))
    except OSError as exc:
        errors.append(f"{exc.__class__.__name__}: {exc}")
        return
    try:
        for _ in range(requests):
            start = time.perf_counter()
            writer.write(f"GET /simple?quartier={random.choice(QUARTIER_CODES)} HTTP/1.1\r\nHost: {host}\r\n"
                         "Accept-Encoding: gzip\r\n\r\n".encode())
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=30)
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            if not head.startswith(b"HTTP/1.1 200"):
                errors.append(head.split(b"\r\n")[0].decode())
    except (TimeoutError, OSError, asyncio.IncompleteReadError, AttributeError) as exc:
        errors.append(f"{exc.__class__.__name__}: {exc}")
    finally:
        writer.close()


async def light_load(url: str, clients: int, requests: int) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    await asyncio.gather(*(light_client(url, requests, latencies, errors) for _ in range(clients)))
    return latencies, errors


async def page_load(url: str, residents: int, seconds: float, think: float) -> dict[str, list]:
    stats: dict[str, list] = {"open": [], "locate": [], "errors": []}
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(resident(url, stats, deadline, think) for _ in range(residents)))
    return stats


def proxy_cost(latencies: dict[str, list[float]]) -> float:
    """The p95 through nginx as a ratio of the direct one, measured in the same run."""
    return percentile(latencies["nginx"], 0.95) / percentile(latencies["direct"], 0.95)


async def measure(where: dict[str, str], args: argparse.Namespace) -> None:
    print(f"{os.cpu_count()} cores; one `geo serve` process; nginx {where['nginx']} in front of it")
    light: dict[str, list[float]] = {}
    for name, url in where.items():
        latencies, errors = await light_load(url, args.light_clients, args.light_requests)
        light[name] = latencies
        print(f"/simple, {args.light_clients} simultaneous clients × {args.light_requests} ({name}): "
              f"{len(latencies)} answers, errors {len(errors)}" + (f" — first: {errors[0]}" if errors else "")
              + f"; {percentiles(latencies)}" + (" — over the 1 s target" if percentile(latencies, 0.95) >= 1 else ""))
    print(f"/simple p95 through nginx / direct: {proxy_cost(light):.2f}×")
    page: dict[str, list[float]] = {}
    for name, url in where.items():
        stats = await page_load(url, args.residents, args.seconds, args.think)
        page[name] = stats["locate"]
        print(f"resident page, {args.residents} residents for {args.seconds:.0f} s reading ~{args.think:g} s ({name}): "
              f"page opens {len(stats['open'])}, locates {len(stats['locate'])}, errors {len(stats['errors'])}"
              + (f" — first: {stats['errors'][0]}" if stats["errors"] else ""))
        print(f"  open the page: {percentiles(stats['open'])}; locate step: {percentiles(stats['locate'])}")
    print(f"resident page locate p95 through nginx / direct: {proxy_cost(page):.2f}×")


def main(args: argparse.Namespace) -> None:
    with running_service(GUP_TRUSTED_PROXIES="127.0.0.1", GUP_GEOCODER="offline") as direct, \
            running_nginx([direct.removeprefix("http://")]) as proxied:
        asyncio.run(measure({"direct": direct, "nginx": proxied}, args))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=5)
    parser.add_argument("--light-clients", type=int, default=400)
    parser.add_argument("--light-requests", type=int, default=5)
    random.seed(2026)
    main(parser.parse_args())
