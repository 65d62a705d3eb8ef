"""The same batch locate on Dask: partitions of the file located in parallel on a cluster.

A local cluster by default (the machine's cores), or an existing Dask cluster by its scheduler
address. Each worker builds the locator once from the same data folder and commune. Partitions
are written in their order, so the output file is the one the default engine writes.
"""

from __future__ import annotations

import codecs
import csv
import functools
from collections import Counter
from pathlib import Path

from geo.errors import InputError
from geo.files import atomic_writer, sniff_delimiter
from geo.formats.batch import CHUNK_ROWS, BatchReport, added_header, check_header, columnar_locator, file_encoding
from geo.formats.columnar import BlockResult, ColumnarLocator
from geo.formats.data import load_dataset
from geo.territory.locate import Locator


@functools.cache
def _locator(data_dir: str, commune: str) -> Locator:
    return Locator(load_dataset(Path(data_dir), commune))


@functools.cache
def _engine(header: tuple[str, ...], delimiter: str, data_dir: str, commune: str) -> ColumnarLocator:
    return columnar_locator(_locator(data_dir, commune), list(header), delimiter)


def _locate_lines(lines: list[str], header: list[str], delimiter: str, skip: int, data_dir: str,
                  commune: str) -> list[BlockResult]:
    """One partition (whole lines of the file), located by the default engine's block code."""
    engine = _engine(tuple(header), delimiter, data_dir, commune)
    return list(engine.block("".join(lines[skip:]).encode("utf-8"), CHUNK_ROWS))


def locate_csv_dask(source: Path, target: Path, *, data_dir: Path, commune: str, scheduler: str | None = None,
                    blocksize: str | int = "32MB", workers: int = 2) -> BatchReport:
    """The default engine's reading (UTF-8 with or without BOM or Windows-1252, ',' or ';', short and ragged rows
    kept with their reason) and its writer, with the partitions located in parallel and written in file order."""
    import dask.bag as db
    from dask.delayed import delayed
    from distributed import Client, LocalCluster

    try:
        encoding = file_encoding(source)
        with source.open(encoding=encoding, newline="") as f:
            first_line = f.readline()
    except FileNotFoundError as exc:
        raise InputError(f"Fichier introuvable : {source}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{source} est un dossier, pas un fichier CSV.") from exc
    delimiter = sniff_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    check_header(source.name, header)
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            parts = db.read_text(str(source), blocksize=blocksize, encoding=encoding, linedelimiter="\n").to_delayed()
            futures = client.compute([delayed(_locate_lines)(part, header, delimiter, 1 if i == 0 else 0,
                                                             str(data_dir), commune) for i, part in enumerate(parts)])
            counts: Counter[str] = Counter()
            engine = _engine(tuple(header), delimiter, str(data_dir), commune)
            with atomic_writer(target, mode="wb", encoding=None, newline=None) as out:  # the default engine's bytes
                out.write(codecs.BOM_UTF8 + engine.written([[*header, *added_header(by_address=False)]]))
                for future in futures:  # in file order, while the others are still being computed
                    for result in future.result():
                        out.write(result.text)
                        counts += result.statuses
    finally:
        if cluster is not None:
            cluster.close()
    return BatchReport(sum(counts.values()), dict(counts))
