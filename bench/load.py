"""Load test: 50 simulated residents on the resident page, each opening it then choosing a quartier.

Run: python bench/load.py [--residents 50] [--seconds 60] [--think 5]. A resident reads for about
`--think` seconds (uniformly 0.5× to 1.5×) after each step, as a person does; `--think 0` hammers.
Starts the app on 127.0.0.1, speaks
Streamlit's own websocket protocol (the protobuf messages its front end sends), and prints requests,
errors and latency percentiles. Bounded in count and time; stops the server it started.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.servers import free_port as _free_port  # noqa: E402

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


def percentiles(values: list[float]) -> str:
    if not values:
        return "—"
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000  # noqa: E731
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {pick(0.95):.0f} ms, p99 {pick(0.99):.0f} ms"


async def main(residents: int, seconds: float, think: float) -> None:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                await asyncio.sleep(0.3)
        stats: dict[str, list] = {"open": [], "locate": [], "errors": []}
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(resident(url, stats, deadline, think) for _ in range(residents)))
        requests = len(stats["open"]) + len(stats["locate"])
        print(f"{residents} concurrent residents for {seconds:.0f} s on 127.0.0.1 ({os.cpu_count()} cores), "
              f"reading ~{think:g} s after each step")
        print(f"requests: {requests} (page opens {len(stats['open'])}, locates {len(stats['locate'])}); "
              f"errors: {len(stats['errors'])}" + (f" — first: {stats['errors'][0]}" if stats["errors"] else ""))
        print(f"open the page: {percentiles(stats['open'])}")
        print(f"locate step: {percentiles(stats['locate'])}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=5)
    args = parser.parse_args()
    random.seed(2026)
    asyncio.run(main(args.residents, args.seconds, args.think))
