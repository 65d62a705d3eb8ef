"""A real PostgreSQL from Debian's `postgresql` package, started by the tests on 127.0.0.1 and stopped by them.

`initdb` refuses to run as root: as root, the cluster belongs to the `postgres` user and every server command
runs through `runuser`. Each test gets its own database, so tests never see each other's rows.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.servers import free_port, wait_until

_names = itertools.count()


def binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PostgresServer:
    def __init__(self, port: int):
        self.port = port

    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        name = f"annuaire_{os.getpid()}_{next(_names)}"
        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _answers(port: int) -> bool:
    try:
        psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL absent : installez le paquet Debian « postgresql » (.ci/run le fait)")
    root = Path(tempfile.mkdtemp(prefix="gup-pg-"))
    data, log_path = root / "cluster", root / "server.log"
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    port = free_port()
    subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                              "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    log = open(log_path, "w+b")  # noqa: SIM115 - read back when the server fails to start
    server = subprocess.Popen(_as_owner([str(bin_dir / "postgres"), "-D", str(data), "-h", "127.0.0.1",
                                         "-p", str(port), "-k", str(root), "-c", "fsync=off"]),
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: _answers(port), "PostgreSQL", process=server, log=log)
        yield PostgresServer(port)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(root, ignore_errors=True)
