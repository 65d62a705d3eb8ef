"""The same batch locate on Dask: partitions of the file located in parallel on a cluster.

A local cluster by default (the machine's cores), or an existing Dask cluster by its scheduler
address. Each worker builds the locator once from the same data folder and commune. Partitions
are written in their order, so the output file is the one the default engine writes.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pandas as pd

from geo.domain.locate import Locator
from geo.errors import InputError
from geo.io.batch import ADDED_COLUMNS, LAT, LON, Answers, BatchReport, check_header
from geo.io.data import load_dataset
from geo.io.files import atomic_writer, safe_cell, sniff_delimiter


@functools.cache
def _locator(data_dir: str, commune: str) -> Locator:
    return Locator(load_dataset(Path(data_dir), commune))


def _locate_partition(frame: pd.DataFrame, data_dir: str, commune: str) -> pd.DataFrame:
    answers = Answers(_locator(data_dir, commune))
    added = answers.columns(frame[LON].tolist(), frame[LAT].tolist(), [[]] * len(frame))
    located = frame.assign(**{name: [row[i] for row in added] for i, name in enumerate(ADDED_COLUMNS)})
    return located.map(safe_cell)  # as the default engine writes them: no cell a spreadsheet would run


def locate_csv_dask(source: Path, target: Path, *, data_dir: Path, commune: str, scheduler: str | None = None,
                    blocksize: str | int = "32MB", workers: int = 2) -> BatchReport:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    try:
        with source.open(encoding="utf-8-sig", newline="") as f:
            first_line = f.readline()
    except FileNotFoundError as exc:
        raise InputError(f"Fichier introuvable : {source}") from exc
    delimiter = sniff_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    check_header(source.name, header)
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            frame = dd.read_csv(str(source), sep=delimiter, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                blocksize=blocksize)
            meta = frame._meta.assign(**dict.fromkeys(ADDED_COLUMNS, ""))
            located = frame.map_partitions(_locate_partition, str(data_dir), commune, meta=meta)
            futures = client.compute(located.to_delayed())
            counts: dict[str, int] = {}
            with atomic_writer(target, encoding="utf-8-sig") as out:  # the default engine's BOM, for Excel
                csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow([*header, *ADDED_COLUMNS])
                for future in futures:  # in file order, while the others are still being computed
                    part = future.result()
                    part.to_csv(out, header=False, index=False, sep=delimiter, lineterminator="\n")
                    for status, count in part["statut"].value_counts().items():
                        counts[status] = counts.get(status, 0) + int(count)
    except pd.errors.ParserError as exc:
        raise InputError(f"{source.name} : ligne mal formée pour le moteur Dask ({exc}) ; "
                         "utilisez le moteur par défaut, qui la signale sans s'arrêter.") from exc
    finally:
        if cluster is not None:
            cluster.close()
    return BatchReport(sum(counts.values()), counts)
