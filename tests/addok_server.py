"""A real addok server for the tests: Debian's redis-server and addok from PyPI, on 127.0.0.1 only."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.servers import free_port, wait_until

FIXTURE = Path(__file__).parent / "fixtures" / "adresses-11-fictives.csv"
ADDOK_CONFIG = """
REDIS = {{"host": "127.0.0.1", "port": {port}, "indexes": {{"db": 0}}, "documents": {{"db": 1}}}}
QUERY_PROCESSORS_PYPATHS = ["addok.helpers.text.check_query_length", "addok_france.extract_address",
                            "addok_france.clean_query", "addok_france.remove_leading_zeros"]
SEARCH_RESULT_PROCESSORS_PYPATHS = ["addok.helpers.results.match_housenumber", "addok_france.make_labels",
                                    "addok.helpers.results.score_by_importance",
                                    "addok.helpers.results.score_by_autocomplete_distance",
                                    "addok.helpers.results.score_by_ngram_distance",
                                    "addok.helpers.results.score_by_geo_distance"]
REVERSE_RESULT_PROCESSORS_PYPATHS = ["addok.helpers.results.load_closer", "addok_france.make_labels",
                                     "addok.helpers.results.score_by_geo_distance"]
PROCESSORS_PYPATHS = ["addok.helpers.text.tokenize", "addok.helpers.text.normalize", "addok_france.glue_ordinal",
                      "addok_france.fold_ordinal", "addok_france.flag_housenumber", "addok.helpers.text.synonymize",
                      "addok_fr.phonemicize"]
"""


def ban_to_addok(source: Path, target: Path) -> None:
    """BAN rows (one per address) → addok documents (one per street, with its house numbers)."""
    streets: dict[str, dict] = {}
    with source.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter=";"):
            street = streets.setdefault(row["id_fantoir"], {
                "id": row["id_fantoir"], "type": "street", "name": row["nom_voie"], "postcode": row["code_postal"],
                "citycode": row["code_insee"], "city": row["nom_commune"], "lat": float(row["lat"]),
                "lon": float(row["lon"]), "importance": 0.5, "housenumbers": {}})
            number = f"{row['numero']} {row['rep']}".strip()
            street["housenumbers"][number] = {"lat": float(row["lat"]), "lon": float(row["lon"]), "id": row["id"]}
    target.write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in streets.values()), encoding="utf-8")


def missing_tools() -> str | None:
    if shutil.which("redis-server") is None:
        return "redis-server absent : installez-le (apt-get install redis-server) ; .ci/run le fait"
    if not (Path(sys.executable).parent / "addok").exists():
        return "addok absent du virtualenv : make test installe requirements-dev.txt"
    return None


def _redis_ready(port: int) -> bool:
    try:
        return bool(Redis(port=port, socket_connect_timeout=1).ping())
    except RedisConnectionError:
        return False


@contextmanager
def addok_server(workdir: Path) -> Iterator[str]:
    redis_port, http_port = free_port(), free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(workdir)], stdout=subprocess.DEVNULL)
    addok = Path(sys.executable).parent / "addok"
    config = workdir / "addok.conf"
    config.write_text(ADDOK_CONFIG.format(port=redis_port), encoding="utf-8")
    server = None
    try:
        wait_until(lambda: _redis_ready(redis_port), "redis-server", process=redis)
        ban_to_addok(FIXTURE, workdir / "docs.json")
        for command in (["batch", str(workdir / "docs.json")], ["ngrams"]):
            subprocess.run([str(addok), "--config", str(config), *command], check=True, capture_output=True, timeout=120)
        server = subprocess.Popen([str(addok), "--config", str(config), "serve", "--host", "127.0.0.1",
                                   "--port", str(http_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{http_port}"
        # Ready means answering a search: a test that typed into a server still starting would see the geocoder
        # fall back and pause the remote service, and fail for a reason that has nothing to do with it.
        wait_until(lambda: urllib.request.urlopen(f"{url}/search?q=fictive", timeout=2).status == 200, "addok serve",
                   process=server)
        yield url
    finally:
        for process in (server, redis):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
