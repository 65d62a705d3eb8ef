"""Whole CSV files of coordinates at the speed of the machine: Arrow reads blocks of whole records as text, the index
classifies a block at once, the added columns are taken from one small table per answer, and the block is written
back as CSV bytes, all without a Python loop per row.

The row-by-row path of `batch.py` stays the reference. A block holding anything the columnar path cannot vouch
for (a blank, short or ragged row, a stray quote, coordinates or cells that are not plain decimals) goes, whole
or row by row, through the reference's own functions, so the bytes out are the reference's.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo.files import FORMULA_TRIGGERS, safe_cell
from geo.territory.locate import Locator, Outcome

BLOCK_BYTES = 4 << 20  # measured by bench/batch.py: faster than 8 MiB, and 40 MiB lighter
#: A block that finds no record boundary within this many bytes (a stray quote makes every newline look quoted)
#: hands the rest of the file to the reference reader.
MAX_BLOCK_BYTES = 64 << 20
#: What Python's float() reads exactly as Arrow's cast does: plain ASCII decimals, after ',' became '.'.
PLAIN_NUMBER = r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"
SIGNED_NUMBER = r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"
TRIGGERS = pa.array(FORMULA_TRIGGERS, pa.string())


def _quoting_characters() -> str:
    """The characters that make the csv module quote a cell (delimiters aside), asked of the module itself."""
    found = []
    for code in range(128):
        out = io.StringIO()
        csv.writer(out, delimiter="\x1f" if code != 0x1F else "\x1e", lineterminator="\n").writerow([f"a{chr(code)}b"])
        if out.getvalue().startswith('"'):
            found.append(chr(code))
    return "".join(found)


QUOTING = _quoting_characters()


@dataclass(frozen=True)
class Uncut:
    """What is left of a file when no record boundary could be found (a stray quote makes every newline look
    quoted): the bytes read so far and the chunks still to come, for the reference reader to stream."""

    head: bytes
    chunks: Iterator[bytes]

    def stream(self) -> IO[str]:
        return io.TextIOWrapper(io.BufferedReader(ChunkStream(itertools.chain([self.head], self.chunks))),
                                encoding="utf-8", newline="")


class ChunkStream(io.RawIOBase):
    """Chunks of bytes as a readable stream."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = iter(chunks)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            self._pending = next(self._chunks, b"")
            if not self._pending:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def record_blocks(chunks: Iterable[bytes]) -> Iterator[bytes | Uncut]:
    """Chunks regrouped into blocks that end on a record boundary: a newline with an even number of quotes before
    it. The last block may lack its final newline; one that cannot be cut within MAX_BLOCK_BYTES is a Uncut."""
    chunks = iter(chunks)
    carry = b""
    for data in chunks:
        buffer = carry + data
        cut = last_boundary(buffer)
        if cut == 0 and len(buffer) >= MAX_BLOCK_BYTES:
            yield Uncut(buffer, chunks)
            return
        carry = buffer[cut:]
        if cut:
            yield buffer[:cut]
    if carry:
        yield carry


def first_boundary(block: bytes) -> int:
    """Just after the first record (the header's), or the block's length when it is the only one."""
    end, before, start = block.find(b"\n"), 0, 0
    while end >= 0:
        before += block.count(b'"', start, end)
        if before % 2 == 0:
            return end + 1
        start, end = end, block.find(b"\n", end + 1)
    return len(block)


def last_boundary(buffer: bytes) -> int:
    """Just after the last newline outside quotes (0 when there is none); the buffer starts outside quotes.
    Walking back, each newline's parity comes from the quotes after it: every byte is counted once."""
    quotes = buffer.count(b'"')
    end, after, limit = buffer.rfind(b"\n"), 0, len(buffer)
    while end >= 0:
        after += buffer.count(b'"', end, limit)
        if (quotes - after) % 2 == 0:
            return end + 1
        limit, end = end, buffer.rfind(b"\n", 0, end)
    return 0


@dataclass(frozen=True)
class Reference:
    """The row-by-row path, which the columnar one must equal: its answers, its parser, its rows."""

    locator: Locator
    cells: Callable[[Outcome], list[str]]
    """The added cells of an answer, the reason aside."""
    parse: Callable[[str, str, float], tuple[float, str]]
    """A coordinate's text, its name and limit → (value or nan, reason)."""
    rows: Callable[[list[list[str]]], list[list[str]]]
    """Rows as read by the csv module → rows as written out."""
    status: int
    reason: int
    """Where the status and the reason stand among the added columns."""

    def table(self) -> list[pa.Array]:
        """The added cells of every answer a block may get, one column each, in the order of answer_indices: one
        row per quartier, then outside the quartiers in each commune, outside the territory, unusable coordinates."""
        rows = [[str(safe_cell(c)) for c in self.cells(place)] for place in self.locator.answers()]
        return [pa.array(column, pa.string()) for column in zip(*rows, strict=True)]


@dataclass(frozen=True)
class BlockResult:
    text: bytes
    statuses: Counter[str]
    rows: int


class ColumnarLocator:
    """Blocks of a CSV of coordinates (UTF-8, whole records, no header) to blocks of the located CSV (UTF-8)."""

    def __init__(self, reference: Reference, width: int, delimiter: str, lon: int, lat: int):
        self.reference = reference
        self.width = width
        self.delimiter = delimiter
        self.lon, self.lat = lon, lat
        self.status = reference.status
        escaped = re.escape(delimiter)
        self._stray = re.compile(rf'[^{escaped}\n"]"[^{escaped}\r\n"]'.encode())
        self._quoting = f"[{re.escape(delimiter + QUOTING)}]"
        table = [self._quoted(column) for column in reference.table()]
        self._statuses = table[self.status].to_pylist()
        #: Per answer, its written cells before the reason and after it (with the line's end): two takes a block.
        self._before = pc.binary_join_element_wise(*table[:reference.reason], delimiter)
        self._after = pc.binary_join_element_wise(
            pc.binary_join_element_wise(*table[reference.reason:], delimiter), "\n", "")

    def block(self, block: bytes, chunk_rows: int) -> Iterator[BlockResult]:
        """The block located in pieces of at most `chunk_rows` rows (`--chunk-size`), each written as it is done."""
        quoted = b'"' in block  # without a quote, no cell holds a separator, a quote or a newline
        table = self._parse(block, quoted)
        if table is None:
            rows = list(csv.reader(io.StringIO(block.decode("utf-8"), newline=""), delimiter=self.delimiter))
            for start in range(0, len(rows), chunk_rows):
                yield self.by_rows(rows[start:start + chunk_rows])
            return
        for start in range(0, table.num_rows, chunk_rows):
            yield self._columnar(table.slice(start, chunk_rows), quoted)

    def _parse(self, block: bytes, quoted: bool) -> pa.Table | None:
        """The block's cells as text, or None when a row may not be one the csv module reads the same way: a stray
        quote, a lone carriage return, a NUL, or a row of another width (a blank line included)."""
        lone_return = b"\r" in block and block.count(b"\r") != block.count(b"\r\n")
        if (quoted and self._stray.search(block)) or lone_return or b"\x00" in block:
            return None
        invalid: list[object] = []

        def reject(row: object) -> str:
            invalid.append(row)
            return "skip"

        names = [f"c{i}" for i in range(self.width)]
        try:
            table = pacsv.read_csv(
                io.BytesIO(block),
                read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=len(block) + 1),
                parse_options=pacsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=True,
                                                 ignore_empty_lines=False, invalid_row_handler=reject),
                convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False))
        except pa.ArrowInvalid:
            return None
        return None if invalid else table

    def by_rows(self, rows: list[list[str]]) -> BlockResult:
        """The reference's way, for rows (as the csv module read them) the columnar path cannot vouch for."""
        located = self.reference.rows(rows)
        return BlockResult(self.written(located), Counter(row[self.width + self.status] for row in located),
                           len(located))

    def written(self, rows: list[list[str]]) -> bytes:
        """Rows as the reference writes them: every cell made safe, QUOTE_MINIMAL, '\\n' after each."""
        out = io.StringIO()
        csv.writer(out, delimiter=self.delimiter, lineterminator="\n").writerows(
            [safe_cell(c) for c in row] for row in rows)
        return out.getvalue().encode("utf-8")

    def _columnar(self, table: pa.Table, quoted: bool) -> BlockResult:
        """Rows every cell of which the columnar path reads as the csv module does: located and written at once."""
        cells = [table.column(i).combine_chunks() for i in range(self.width)]
        lons, lon_why = self._coordinates(cells[self.lon], "longitude", 180)  # reasons quote the cells as typed
        lats, lat_why = self._coordinates(cells[self.lat], "latitude", 90)
        cells = [self._safe(c) for c in cells]
        indices = self.reference.locator.answer_indices(lons, lats)
        answers = pa.array(indices)
        reasons = _reasons(len(indices), lon_why, lat_why)
        written = [self._quoted(c) for c in cells] if quoted else cells
        lines = pc.binary_join_element_wise(*written, self._before.take(answers),
                                            pa.scalar("") if reasons is None else self._quoted(reasons),
                                            self._after.take(answers), self.delimiter)
        counts = np.bincount(indices, minlength=len(self._statuses))
        statuses: Counter[str] = Counter()
        for status, count in zip(self._statuses, counts.tolist(), strict=True):
            if count:
                statuses[status] += count
        return BlockResult(_joined(lines), statuses, len(indices))

    def _coordinates(self, texts: pa.Array, name: str, limit: float) -> tuple[np.ndarray, dict[int, str]]:
        """Values of a coordinate column (nan where unusable) and each unusable row's reason, by position: plain
        decimals are cast by Arrow, anything else is read by the reference's own parser."""
        try:  # the common case: every cell a number Arrow reads, as Python's float() reads it
            values = np.asarray(pc.cast(texts, pa.float64()))
            if np.all(np.abs(values) <= limit):
                return values, {}
        except pa.ArrowInvalid:
            pass
        replaced = pc.replace_substring(texts, ",", ".")
        plain = np.asarray(pc.match_substring_regex(replaced, PLAIN_NUMBER))
        values = np.asarray(pc.cast(pc.if_else(pa.array(plain), replaced, "nan"), pa.float64()))
        values = np.where(np.abs(values) <= limit, values, np.nan)
        reasons: dict[int, str] = {}
        for i in np.flatnonzero(~plain | np.isnan(values)):
            values[i], why = self.reference.parse(texts[int(i)].as_py(), name, limit)
            if why:
                reasons[int(i)] = why
        return values, reasons

    def _safe(self, column: pa.Array) -> pa.Array:
        """safe_cell for a whole column: numbers pass, texts a spreadsheet would run get their apostrophe."""
        triggered = pc.is_in(pc.utf8_slice_codeunits(column, 0, 1), value_set=TRIGGERS)
        if not pc.any(triggered).as_py():
            return column
        number = pc.match_substring_regex(pc.replace_substring(column, ",", "."), SIGNED_NUMBER)
        doubtful = np.flatnonzero(np.asarray(pc.and_(triggered, pc.invert(number))))
        if not len(doubtful):
            return column
        values = column.to_numpy(zero_copy_only=False).copy()
        values[doubtful] = [safe_cell(v) for v in values[doubtful]]
        return pa.array(values, pa.string())

    def _quoted(self, column: pa.Array) -> pa.Array:
        """A column as the csv module writes its cells: quoted, inner quotes doubled, when the module would."""
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(column, '"', '""'), '"', "")
        return pc.if_else(pc.match_substring_regex(column, self._quoting), quoted, column)


def _joined(text: pa.Array) -> bytes:
    """The lines of a block, end to end, straight from Arrow's buffers."""
    offsets_buffer, data = text.buffers()[1:3]
    assert offsets_buffer is not None and data is not None
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[text.offset: text.offset + len(text) + 1]
    return memoryview(data)[int(offsets[0]): int(offsets[-1])].tobytes()


def _reasons(count: int, lon_why: dict[int, str], lat_why: dict[int, str]) -> pa.Array | None:
    """The reason column of a block (None when every row is fine, the common case)."""
    if not lon_why and not lat_why:
        return None
    reasons = [""] * count
    for i in sorted(lon_why.keys() | lat_why.keys()):
        reasons[i] = str(safe_cell(" ; ".join(r for r in (lon_why.get(i, ""), lat_why.get(i, "")) if r)))
    return pa.array(reasons, pa.string())
