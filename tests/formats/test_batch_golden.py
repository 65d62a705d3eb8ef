"""The columnar locate-csv writes the bytes the row-by-row one wrote: golden files frozen before the change
(tests/golden/batch/*.attendu.csv, written by `locate-csv` as it was), read back by every path."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

import hypothesis
import pytest
from hypothesis import strategies as st

from geo import config
from geo.formats import columnar
from geo.formats.batch import columnar_locator, locate_csv, locate_table, locate_upload, read_table, table_writer

GOLDEN = Path(__file__).parents[1] / "golden" / "batch"
INPUTS = sorted(p for p in GOLDEN.glob("*.csv") if not p.name.endswith(".attendu.csv"))


def expected(source: Path) -> bytes:
    return source.with_name(source.name.removesuffix(".csv") + ".attendu.csv").read_bytes()


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
def test_locate_csv_writes_the_golden_bytes(locator, source, tmp_path):
    target = tmp_path / "out.csv"
    locate_csv(locator, source, target)
    assert target.read_bytes() == expected(source)


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
@pytest.mark.parametrize("block_bytes", [1, 7, 64])
def test_any_block_size_gives_the_same_bytes(locator, source, tmp_path, monkeypatch, block_bytes):
    """Blocks cut anywhere (even inside a quoted cell or a multi-byte character) are regrouped on whole records."""
    monkeypatch.setattr("geo.formats.batch.BLOCK_BYTES", block_bytes)
    target = tmp_path / "out.csv"
    locate_csv(locator, source, target)
    assert target.read_bytes() == expected(source)


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
def test_the_reference_path_still_writes_them(locator, source):
    """The row-by-row path, which the columnar one falls back to, is the golden files' author."""
    table = read_table(source)
    out = io.BytesIO()
    with table_writer(out, "csv", table.delimiter) as write:
        locate_table(locator, table, write)
    table.close()
    assert out.getvalue() == expected(source)


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.stem)
def test_the_page_upload_gives_the_same_bytes(locator, source):
    payload, name, _report = locate_upload(locator, source.name, source.read_bytes())
    assert payload == expected(source) and name == f"{source.stem}-quartiers.csv"


@pytest.mark.parametrize("name", ["virgules.csv", "entetes-doubles.csv", "points-virgules-cp1252.csv"])
def test_regular_blocks_take_the_columnar_path(locator, name, tmp_path, monkeypatch):
    """Quoted cells, formulas, Windows-1252, decimal commas: no row-by-row reading (that would be a stub)."""
    def refused(*args):
        raise AssertionError("lu ligne à ligne")

    monkeypatch.setattr(columnar.ColumnarLocator, "by_rows", refused)
    locate_csv(locator, GOLDEN / name, tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == expected(GOLDEN / name)


def test_a_stray_quote_hands_the_rest_to_the_reference(locator, tmp_path, monkeypatch):
    """A quote inside an unquoted cell makes every later newline look quoted: past MAX_BLOCK_BYTES, the rest of
    the file is read row by row, with the same bytes out."""
    monkeypatch.setattr(columnar, "MAX_BLOCK_BYTES", 256)
    monkeypatch.setattr("geo.formats.batch.BLOCK_BYTES", 32)
    lines = ["nom,longitude,latitude", 'un " seul,2.3636,43.2065'] + [f"r{i},2.3636,43.2065" for i in range(40)]
    source = tmp_path / "guillemet.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target, reference = tmp_path / "out.csv", io.BytesIO()
    locate_csv(locator, source, target)
    table = read_table(source)
    with table_writer(reference, "csv", table.delimiter) as write:
        report = locate_table(locator, table, write)
    table.close()
    assert target.read_bytes() == reference.getvalue() and report.rows == 41


@pytest.mark.slow
def test_the_command_line_writes_the_golden_bytes(tmp_path):
    source = GOLDEN / "virgules.csv"
    target = tmp_path / "out.csv"
    result = subprocess.run([sys.executable, "-m", "geo", "locate-csv", str(source), "-o", str(target)],
                            capture_output=True, text=True, cwd=config.PROJECT_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() == expected(source)
    assert "12 lignes traitées (dans_quartier : 9, hors_commune : 2, hors_quartier : 1)." in result.stderr


CELL = st.text(alphabet=st.sampled_from(list('ab é€0123456789.,;-+=@"\t\r\n')), max_size=6)
COORDINATE = st.one_of(st.sampled_from(["2.3636", "43.2065", "2,3516", "-1.5", "1e1", "+2.3", " 2.3", "nan", ""]),
                       st.floats(-200, 200).map(repr), CELL)


@hypothesis.settings(max_examples=300, derandomize=True, deadline=None,
                     suppress_health_check=[hypothesis.HealthCheck.too_slow])
@hypothesis.given(delimiter=st.sampled_from([",", ";"]), rows=st.lists(
    st.tuples(CELL, COORDINATE, COORDINATE, CELL), min_size=1, max_size=8), raw=st.booleans(),
    ending=st.sampled_from(["\n", "\r\n", ""]))
@pytest.mark.slow
def test_a_block_is_the_reference_s_whatever_its_bytes(locator, delimiter, rows, raw, ending):
    """Any block of whole records, well or badly quoted: the columnar path writes what the reference writes
    (or hands the block to it)."""
    engine = columnar_locator(locator, ["nom", "longitude", "latitude", "note"], delimiter)
    if raw:  # cells as typed, quotes and separators loose: often malformed
        text = ending.join(delimiter.join(row) for row in rows) + ending
    else:
        out = io.StringIO()
        csv.writer(out, delimiter=delimiter, lineterminator=ending or "\n").writerows(rows)
        text = out.getvalue()
    block = text.encode()
    hypothesis.assume(not ending or columnar.last_boundary(block) == len(block))  # only the last block may not end
    ours = list(engine.block(block, chunk_rows=3))
    theirs = engine.by_rows(list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    assert b"".join(r.text for r in ours) == theirs.text and sum(r.rows for r in ours) == theirs.rows
    assert sum((r.statuses for r in ours), Counter()) == theirs.statuses


@pytest.mark.slow
def test_locate_csv_loads_no_map_library(tmp_path):
    """The command a partner scripts starts light: folium (the map) is for pages and reports, not for files."""
    script = ("import sys; from geo.cli.main import main; "
              f"main(['locate-csv', {str(GOLDEN / 'virgules.csv')!r}, '-o', {str(tmp_path / 'o.csv')!r}]); "
              "print(sorted(m for m in ('folium', 'branca', 'streamlit') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=config.PROJECT_ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
