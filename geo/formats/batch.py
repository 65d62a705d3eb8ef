"""Whole files of points: read in chunks, locate each chunk in one vectorized pass, write as we go.

Memory stays bounded whatever the file's size. A row with unusable coordinates gets `statut=erreur`
and a reason; it never stops the run. The output is written atomically.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from geo import config
from geo.errors import InputError
from geo.files import atomic_writer, safe_cell, sniff_delimiter
from geo.formats.columnar import (
    BLOCK_BYTES,
    BlockResult,
    ColumnarLocator,
    Reference,
    Uncut,
    first_boundary,
    record_blocks,
)
from geo.geocode.base import LOW_SCORE, Geocoder
from geo.territory.generations import CODE_FIELDS, GENERATIONS
from geo.territory.locate import Locator, Outcome, Status, structures_serving

LON, LAT = "longitude", "latitude"
ADDRESS, POSTCODE, CITY = "adresse", "code_postal", "commune"
#: quartier_code is the answering generation's; both generations' codes follow (a merge's 2015 codes joined by +).
ADDED_COLUMNS = ("quartier_code", "quartier_nom", "statut", "structures", "raison", *CODE_FIELDS.values())
GEOCODING_COLUMNS = ("adresse_trouvee", "score_geocodage")
#: Added after every column of the first versions (geocoding's included): the commune of the territory.
PLACE_COLUMNS = ("commune_code",)


def added_header(*, by_address: bool) -> list[str]:
    """The columns a located file adds after its own, in their contractual order."""
    return [*ADDED_COLUMNS, *(GEOCODING_COLUMNS if by_address else ()), *PLACE_COLUMNS]
CHUNK_ROWS = config.BATCH_CHUNK_ROWS
STATUS = ADDED_COLUMNS.index("statut")
REASON = ADDED_COLUMNS.index("raison")
RAGGED = "cellules en trop par rapport à l'en-tête"


@dataclass(frozen=True)
class BatchReport:
    rows: int
    by_status: dict[str, int]

    def summary(self) -> str:
        parts = ", ".join(f"{status} : {count}" for status, count in sorted(self.by_status.items()))
        return f"{self.rows} lignes traitées ({parts})."


def parse_coordinate(text: str, name: str, limit: float) -> tuple[float, str]:
    """(value, '') or (nan, reason in French). A decimal comma is accepted, as French spreadsheets write it."""
    cleaned = (text or "").strip().replace(",", ".")
    if not cleaned:
        return math.nan, f"{name} vide"
    try:
        value = float(cleaned)
    except ValueError:
        return math.nan, f"{name} illisible : « {text} »"
    if not math.isfinite(value) or abs(value) > limit:
        return math.nan, f"{name} hors limites : « {text} »"
    return value, ""


def check_header(name: str, header: list[str], *, addresses_allowed: bool = False) -> bool:
    """Whether the file gives addresses (True) or coordinates (False); a clear error when it gives neither."""
    if not header:
        raise InputError(f"{name} : fichier vide.")
    by_address = addresses_allowed and ADDRESS in header and not (LON in header and LAT in header)
    missing = [] if by_address else [c for c in (LON, LAT) if c not in header]
    if missing:
        also = " ou une colonne adresse" if addresses_allowed else ""
        raise InputError(f"{name} : colonne(s) absente(s) : {', '.join(missing)}{also} "
                         f"(colonnes trouvées : {', '.join(header)}).")
    clash = [c for c in added_header(by_address=by_address) if c in header]
    if clash:
        raise InputError(f"{name} : le fichier a déjà une colonne {', '.join(clash)} ; renommez-la.")
    return by_address


class Answers:
    """The added columns for rows of coordinates; the few distinct answers are computed once each."""

    def __init__(self, locator: Locator):
        self.locator = locator
        self._outcomes = locator.answers()
        self._serving: dict[tuple[str, str | None, str | None], list[str]] = {}

    def columns(self, lon_texts: list[str], lat_texts: list[str], extra: list[list[str]],
                notes: list[str] | None = None) -> list[list[str]]:
        """Added columns per row; `extra` holds a row's cells beyond the header (kept in the reason, not lost);
        `notes` replaces the coordinate reasons (what geocoding said of each row)."""
        lons = [parse_coordinate(t, LON, 180) for t in lon_texts]
        lats = [parse_coordinate(t, LAT, 90) for t in lat_texts]
        if notes is not None:
            lons = [(v, note) for (v, _), note in zip(lons, notes, strict=True)]
            lats = [(v, "") for v, _ in lats]
        indices = self.locator.answer_indices(np.array([v for v, _ in lons]), np.array([v for v, _ in lats]))
        out = []
        for (_, lon_why), (_, lat_why), index, more in zip(lons, lats, indices, extra, strict=True):
            reason = f"{RAGGED} : {';'.join(more)}" if more else " ; ".join(r for r in (lon_why, lat_why) if r)
            cells = self.cells(self._outcomes[-1] if more else self._outcomes[index])
            out.append([*cells[:REASON], reason, *cells[REASON:]])
        return out

    def cells(self, outcome: Outcome) -> list[str]:
        """The added cells of one answer, the reason aside: quartier code and name, status, structures, both codes,
        the commune."""
        if outcome.key not in self._serving:
            quartier, commune = outcome.quartier, outcome.commune
            found = () if outcome.statut is Status.ERREUR else structures_serving(
                self.locator.dataset, outcome.statut, quartier, commune)
            old, new = ((quartier.code_in(g) or "") if quartier else "" for g in GENERATIONS)
            self._serving[outcome.key] = [quartier.code if quartier else "", quartier.nom_local if quartier else "",
                                          outcome.statut.value, ";".join(s.id for s in found), old, new,
                                          commune.code if commune else ""]
        return self._serving[outcome.key]


def _chunks(rows: Iterable[list[str]], size: int) -> Iterable[list[list[str]]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _geocoded(geocoder: Geocoder, cells: list[list[str]],
              header: list[str]) -> tuple[list[str], list[str], list[list[str]], list[str]]:
    """Coordinates for rows of addresses, the columns saying what was found, and a reason where it is doubtful."""
    parts = [header.index(c) for c in (ADDRESS, POSTCODE, CITY) if c in header]
    queries = [" ".join(row[i] for i in parts).strip() for row in cells]
    found = geocoder.batch(queries)
    lons: list[str] = []
    lats: list[str] = []
    added: list[list[str]] = []
    notes: list[str] = []
    for query, result in zip(queries, found, strict=True):
        if result is None:
            lons.append("")
            lats.append("")
            added.append(["", ""])
            notes.append("adresse vide" if not query else "adresse introuvable")
            continue
        lons.append(repr(result.lon))
        lats.append(repr(result.lat))
        added.append([result.label, f"{result.score:.2f}"])
        notes.append("" if result.score >= LOW_SCORE else
                     f"adresse incertaine (score {result.score:.2f}) : vérifiez-la".replace(".", ",", 1))
    return lons, lats, added, notes


def located_rows(answers: Answers, header: list[str], rows: list[list[str]],
                 geocoder: Geocoder | None = None) -> list[list[str]]:
    """Each row as written out: its cells (a short row padded, cells beyond the header dropped and named in the
    reason, the row marked as an error), then the answer columns. Both engines write exactly these rows."""
    width = len(header)
    cells = [row + [""] * (width - len(row)) for row in rows]
    if geocoder is not None:
        lons, lats, geocoded, notes = _geocoded(geocoder, cells, header)
    else:
        lons, lats = [c[header.index(LON)] for c in cells], [c[header.index(LAT)] for c in cells]
        geocoded, notes = [[] for _ in cells], None
    added = answers.columns(lons, lats, [row[width:] for row in rows], notes)
    place = len(PLACE_COLUMNS)
    return [row[:width] + extra[:-place] + more + extra[-place:] for row, extra, more in zip(cells, added, geocoded,
                                                                                               strict=True)]


@dataclass
class Table:
    """A file of rows as it came: its header, its rows (lazily), and how to write it back."""

    name: str
    header: list[str]
    rows: Iterator[list[str]]
    delimiter: str = ","
    kind: str = "csv"
    handle: IO[Any] | None = None
    encoding: str = "utf-8-sig"
    """How a CSV's bytes are read (found once, by reading the whole file)."""

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()


def file_encoding(source: Path) -> str:
    """The encoding of a CSV on disk, read through once in blocks (bounded memory)."""
    with source.open("rb") as raw:
        return _encoding(iter(lambda: raw.read(1 << 20), b""))


def _encoding(chunks: Iterable[bytes]) -> str:
    """UTF-8 (with or without BOM) when every byte decodes as such, else Windows-1252 as Excel saves it."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _xlsx_rows(stream: IO[bytes], name: str) -> tuple[list[str], Iterator[list[str]]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(stream, read_only=True, data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise InputError(f"{name} : classeur XLSX illisible ({exc.__class__.__name__}).") from exc
    values = ([_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
    header = next(values, [])
    while header and header[-1] == "":
        header.pop()
    return header, (row for row in values if any(row))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as raw:
            return raw.read(4096)
    except FileNotFoundError as exc:
        raise InputError(f"Fichier introuvable : {path}") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} est un dossier, pas un fichier CSV.") from exc


def read_table(source: Path | bytes, name: str | None = None) -> Table:
    """A CSV (',' or ';', UTF-8 with or without BOM, or Windows-1252) or an XLSX (by its name), as a Table."""
    name = name or (source.name if isinstance(source, Path) else "fichier")
    head = source[:4096] if isinstance(source, bytes) else _head(source)
    if name.lower().endswith(".xlsx"):
        stream = io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")
        header, rows = _xlsx_rows(stream, name)
        return Table(name, header, iter(rows), ";", "xlsx", stream)
    if b"\x00" in head:
        raise InputError(f"{name} : ce n'est pas un fichier CSV (contenu binaire) ; enregistrez-le au format "
                         "« CSV UTF-8 » ou envoyez un classeur .xlsx.")
    text: IO[str]
    if isinstance(source, bytes):
        encoding = _encoding([source])
        text = io.StringIO(source.decode(encoding), newline="")
    else:
        encoding = file_encoding(source)
        text = source.open(encoding=encoding, newline="")
    first_line = text.readline()
    text.seek(0)
    delimiter = sniff_delimiter(first_line)
    reader = csv.reader(text, delimiter=delimiter)
    return Table(name, next(reader, []), reader, delimiter, handle=text, encoding=encoding)


@contextmanager
def table_writer(target: Path | IO[bytes], kind: str, delimiter: str) -> Iterator[Callable[[list[str]], None]]:
    """Rows written as CSV in UTF-8 with BOM (Excel then shows accents right) or as XLSX; every cell made safe."""
    if kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Résultats")
        yield lambda row: sheet.append([safe_cell(c) for c in row])
        if isinstance(target, Path):
            with atomic_writer(target, mode="wb") as out:
                book.save(out)
        else:
            book.save(target)
        return
    if isinstance(target, Path):
        with atomic_writer(target, encoding="utf-8-sig") as out:
            writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
            yield lambda row: writer.writerow([safe_cell(c) for c in row])
    else:
        out = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        yield lambda row: writer.writerow([safe_cell(c) for c in row])
        out.flush()
        out.detach()


def locate_table(locator: Locator, table: Table, write: Callable[[list[str]], None], *, chunk_rows: int = CHUNK_ROWS,
                 progress: Callable[[int], None] | None = None, geocoder: Callable[[], Geocoder] | None = None,
                 max_rows: int | None = None) -> BatchReport:
    """The answer columns added to every row of `table`, in chunks; `progress` receives rows done per chunk.

    A file of addresses (an `adresse` column, optionally `code_postal` and `commune`) is geocoded in
    batches by the geocoder that `geocoder()` returns; it also gets `adresse_trouvee` and `score_geocodage`.
    """
    header = table.header
    by_address = check_header(table.name, header, addresses_allowed=geocoder is not None)
    width = len(header)
    service = geocoder() if by_address and geocoder else None
    answers = Answers(locator)
    counts: Counter[str] = Counter()
    write([*header, *added_header(by_address=by_address)])
    try:
        for chunk in _chunks(table.rows, chunk_rows):
            if max_rows is not None and sum(counts.values()) + len(chunk) > max_rows:
                raise InputError(f"{table.name} : plus de {max_rows:,} lignes ; découpez le fichier ou utilisez "
                                 "« python -m geo locate-csv ».".replace(",", "\u202f"))
            for row in located_rows(answers, header, chunk, service):
                write(row)
                counts[row[width + STATUS]] += 1
            if progress:
                progress(len(chunk))
    except UnicodeDecodeError as exc:
        raise InputError(f"{table.name} : encodage illisible.") from exc
    return BatchReport(sum(counts.values()), dict(counts))


def locate_csv(locator: Locator, source: Path, target: Path, *, chunk_rows: int = CHUNK_ROWS,
               progress: Callable[[int], None] | None = None,
               geocoder: Callable[[], Geocoder] | None = None) -> BatchReport:
    """A file on disk to a file on disk, streamed: the output is XLSX when its name says so, else CSV. A CSV of
    coordinates to a CSV goes the columnar way, with the same bytes out."""
    table = read_table(source)
    kind = "xlsx" if target.name.lower().endswith(".xlsx") else "csv"
    try:
        if _columnar_fits(table, kind, geocoder):
            with source.open("rb") as raw, atomic_writer(target, mode="wb", encoding=None, newline=None) as out:
                return locate_columnar(locator, table, raw, table.encoding, out.write, chunk_rows=chunk_rows,
                                       progress=progress)
        with table_writer(target, kind, table.delimiter) as write:
            return locate_table(locator, table, write, chunk_rows=chunk_rows, progress=progress, geocoder=geocoder)
    finally:
        table.close()


def _columnar_fits(table: Table, kind: str, geocoder: Callable[[], Geocoder] | None) -> bool:
    """CSV in, CSV out, coordinates: what the columnar path does (addresses and spreadsheets go row by row)."""
    return table.kind == kind == "csv" and not check_header(table.name, table.header,
                                                            addresses_allowed=geocoder is not None)


def reference(locator: Locator, header: list[str]) -> Reference:
    answers = Answers(locator)
    return Reference(locator, answers.cells, parse_coordinate, lambda rows: located_rows(answers, header, rows),
                     STATUS, REASON)


def columnar_locator(locator: Locator, header: list[str], delimiter: str) -> ColumnarLocator:
    return ColumnarLocator(reference(locator, header), len(header), delimiter, header.index(LON), header.index(LAT))


def locate_columnar(locator: Locator, table: Table, raw: IO[bytes], encoding: str, write: Callable[[bytes], object], *,
                    chunk_rows: int = CHUNK_ROWS, progress: Callable[[int], None] | None = None,
                    max_rows: int | None = None) -> BatchReport:
    """The rows of a CSV of coordinates (`raw`, its bytes from the start; `table`, its header as read) located in
    blocks of whole records and written as they are done: the row-by-row path's bytes, at Arrow's speed."""
    engine = columnar_locator(locator, table.header, table.delimiter)
    write(codecs.BOM_UTF8 + engine.written([[*table.header, *added_header(by_address=False)]]))
    counts: Counter[str] = Counter()
    try:
        for result in _located_blocks(engine, _utf8_chunks(raw, encoding), chunk_rows):
            if max_rows is not None and counts.total() + result.rows > max_rows:
                raise InputError(f"{table.name} : plus de {max_rows:,} lignes ; découpez le fichier ou utilisez "
                                 "« python -m geo locate-csv ».".replace(",", "\u202f"))
            write(result.text)
            counts += result.statuses
            if progress:
                progress(result.rows)
    except UnicodeDecodeError as exc:
        raise InputError(f"{table.name} : encodage illisible.") from exc
    return BatchReport(counts.total(), dict(counts))


def _utf8_chunks(raw: IO[bytes], encoding: str) -> Iterator[bytes]:
    """The file's bytes as UTF-8 without its BOM, in blocks: Windows-1252 (one byte a character) decoded as read."""
    chunks = iter(lambda: raw.read(BLOCK_BYTES), b"")
    first = next(chunks, b"")
    if encoding == "cp1252":
        yield from (chunk.decode("cp1252").encode("utf-8") for chunk in itertools.chain([first], chunks))
        return
    yield first.removeprefix(codecs.BOM_UTF8)
    yield from chunks


def _located_blocks(engine: ColumnarLocator, chunks: Iterator[bytes], chunk_rows: int) -> Iterator[BlockResult]:
    """Each block after the header record (already read by `read_table`), located; a Uncut, by the reference, read
    as one stream."""
    for index, part in enumerate(record_blocks(chunks)):
        if isinstance(part, Uncut):
            reader = csv.reader(part.stream(), delimiter=engine.delimiter)
            if index == 0:
                next(reader, None)
            yield from (engine.by_rows(rows) for rows in _chunks(reader, chunk_rows))
            return
        yield from engine.block(part[first_boundary(part):] if index == 0 else part, chunk_rows)


MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_ROWS = 200_000


def locate_upload(locator: Locator, name: str, payload: bytes, *, progress: Callable[[int], None] | None = None,
                  geocoder: Callable[[], Geocoder] | None = None) -> tuple[bytes, str, BatchReport]:
    """An uploaded file, processed in memory and kept nowhere: the result's bytes, its file name, the report."""
    if not name.lower().endswith((".csv", ".txt", ".xlsx")):
        raise InputError(f"{name} : type de fichier non pris en charge (CSV ou XLSX attendu).")
    if len(payload) > MAX_UPLOAD_BYTES:
        raise InputError(f"{name} : fichier trop gros ({len(payload) // (1024 * 1024)} Mo ; 20 Mo au plus).")
    if not payload.strip():
        raise InputError(f"{name} : fichier vide.")
    table = read_table(payload, name)
    out = io.BytesIO()
    if _columnar_fits(table, table.kind, geocoder):
        report = locate_columnar(locator, table, io.BytesIO(payload), table.encoding, out.write,
                                 progress=progress, max_rows=MAX_UPLOAD_ROWS)
    else:
        with table_writer(out, table.kind, table.delimiter) as write:
            report = locate_table(locator, table, write, progress=progress, geocoder=geocoder,
                                  max_rows=MAX_UPLOAD_ROWS)
    stem, _, extension = name.rpartition(".")
    return out.getvalue(), f"{stem or name}-quartiers.{extension if table.kind == 'csv' else 'xlsx'}", report
