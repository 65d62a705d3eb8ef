"""The Dask engine gives the default engine's output, byte for byte, on the real labelled parcels."""

from __future__ import annotations

import pytest

from geo import config
from geo.formats.batch import locate_csv
from geo.formats.dask_engine import locate_csv_dask


@pytest.fixture
def cluster():
    from distributed import LocalCluster

    local = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
    yield local
    local.close()


def test_same_output_as_the_default_engine(cluster, locator, sources_dir, tmp_path):
    source = sources_dir / "parcelles_dvf_qpv_occitanie.csv"
    locate_csv(locator, source, tmp_path / "default.csv")
    report = locate_csv_dask(source, tmp_path / "dask.csv", data_dir=config.data_dir(), commune=config.commune(),
                             scheduler=cluster.scheduler_address, blocksize=100_000)  # several partitions
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "default.csv").read_bytes()
    assert report.rows == 10_064 and report.by_status["dans_quartier"] == 496


def test_same_output_with_formula_cells_and_decimal_commas(cluster, locator, tmp_path):
    source = tmp_path / "points.csv"
    source.write_text("nom;longitude;latitude\n=cmd();2,3636;43,2065\n@x;-1.5;43.2\nok;2.35664;43.22668\n",
                      encoding="utf-8")
    locate_csv(locator, source, tmp_path / "default.csv")
    locate_csv_dask(source, tmp_path / "dask.csv", data_dir=config.data_dir(), commune=config.commune(),
                    scheduler=cluster.scheduler_address)
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "default.csv").read_bytes()
    assert "'=cmd()" in (tmp_path / "dask.csv").read_text(encoding="utf-8-sig")


def test_same_output_on_a_windows_1252_semicolon_file_with_ragged_rows(cluster, locator, tmp_path):
    """As Excel saves a French file: Windows-1252, ';', a decimal comma, a row with a cell too many, a short row."""
    source = tmp_path / "points.csv"
    source.write_bytes("nom;longitude;latitude\r\nSaint-Jacques é;2,3636;43,2065\r\nde trop;2.35664;43.22668;reste\r\n"
                       "court;2.35664\r\nGrazaillès;2.3348;43.2171\r\n".encode("cp1252"))
    default = locate_csv(locator, source, tmp_path / "default.csv")
    report = locate_csv_dask(source, tmp_path / "dask.csv", data_dir=config.data_dir(), commune=config.commune(),
                             scheduler=cluster.scheduler_address, blocksize=40)  # one or two lines per partition
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "default.csv").read_bytes()
    assert report == default and report.rows == 4
    text = (tmp_path / "dask.csv").read_text(encoding="utf-8-sig")
    assert "Saint-Jacques é" in text and "Grazaillès" in text  # accents read as Windows-1252, written in UTF-8
    assert "cellules en trop par rapport à l'en-tête : reste" in text and "latitude vide" in text
