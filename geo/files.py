"""Writing files so that an interrupted write never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from geo.errors import InputError


def sniff_delimiter(first_line: str) -> str:
    """';' when the header has more of them than ',' (French spreadsheets), else ','."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise a text a spreadsheet would run as a formula (OWASP CSV injection) with a leading apostrophe.

    Numbers, negative ones included, pass unchanged: they are data, not formulas.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_TRIGGERS):
        return value
    try:
        float(value.replace(",", "."))
    except ValueError:
        return "'" + value
    return value


@contextmanager
def atomic_writer(path: Path, *, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = "") -> Iterator[IO[Any]]:
    """A file handle on a temporary file beside `path`, renamed into place only if the block succeeds.

    The rename is atomic on one filesystem, so readers see the old file or the new one, never a mix.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"Impossible d'écrire {path} : {exc.strerror or exc}.") from exc
    try:
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the file from a server running as another user
        binary = "b" in mode
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else newline) as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, data: str | bytes, *, encoding: str = "utf-8") -> None:
    """Write a whole file atomically (see atomic_writer)."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    with atomic_writer(path, mode="wb") as out:
        out.write(payload)
