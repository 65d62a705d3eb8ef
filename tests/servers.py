"""Real servers started by the tests on 127.0.0.1: a free port, and waiting until a server answers.

Waits are bounded by time, never by a count of tries, and end in an error that says what did not start: a server
that is merely slow on a busy CI machine is waited for, one that is not there fails its tests at once and clearly.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

START_SECONDS = 90.0  # two loaded cores, cold imports of geopandas or addok: far more than on a desk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(ready: Callable[[], bool], what: str, *, process: subprocess.Popen[bytes] | None = None,
               log: IO[bytes] | None = None, seconds: float = START_SECONDS) -> None:
    """Until `ready()` is true (an OSError counts as not yet); the server's log ends the error when it gave up."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if ready():
                return
        except OSError:
            pass
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            tail = ""
            if log is not None:
                log.seek(0)
                tail = log.read().decode(errors="replace")[-4000:]
            raise RuntimeError(f"{what} ne répond pas : {tail}")
        time.sleep(0.2)


@contextmanager
def running_server(command: list[str], health: str, what: str, *, port: int,
                   env: dict[str, str], stop_seconds: float = 10, log_path: str | None = None) -> Iterator[str]:
    """`command` (a server of this project listening on `port` of 127.0.0.1) until `health` answers 200, stopped on
    exit. Its log goes to a file (`log_path`, for a test that reads it), never to a pipe nobody reads: once a
    pipe's 64 KiB buffer is full (warnings, incidents, one per rerun), the server blocks on its next log line and
    every later test times out."""
    from geo import config

    with open(log_path, "w+b") if log_path else tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, cwd=config.PROJECT_ROOT, env={**os.environ, **env}, stdout=log,
                                  stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until(lambda: urllib.request.urlopen(f"{url}{health}", timeout=2).status == 200, what,
                       process=server, log=log)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=stop_seconds)


@contextmanager
def running_api(**env: str) -> Iterator[str]:
    """`python -m geo serve-api` on a free port (the JSON API and the light page), stopped on exit."""
    port = free_port()
    with running_server([sys.executable, "-m", "geo", "serve-api", "--port", str(port)], "/docs", "serve-api",
                        port=port, env=env) as url:
        yield url


def post_from(source: str, url: str, form: dict[str, str], headers: dict[str, str] | None = None) -> tuple[int, str]:
    """A form posted by a client bound to the loopback address `source` (all of 127.0.0.0/8 is this machine), as
    distinct residents behind distinct addresses would: the status and the page."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30, source_address=(source, 0))
    try:
        connection.request("POST", parts.path, body=urllib.parse.urlencode(form),
                           headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


@contextmanager
def running_service(**env: str) -> Iterator[str]:
    """`python -m geo serve` (every face on one address) on a free port, stopped on exit."""
    port = free_port()
    with running_server([sys.executable, "-m", "geo", "serve", "--port", str(port)], "/healthz", "geo serve",
                        port=port, env=env, stop_seconds=20) as url:
        yield url
