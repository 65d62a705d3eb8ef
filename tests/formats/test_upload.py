"""Files people really have: ',' or ';', UTF-8 with or without BOM, Windows-1252 from Excel, XLSX."""

from __future__ import annotations

import csv
import io
import time

import openpyxl
import pytest

from geo.errors import InputError
from geo.formats.batch import MAX_UPLOAD_BYTES, locate_csv, locate_upload
from tests.conftest import CITE

ROWS = [("José", CITE[0], CITE[1]), ("Zoé", 2.35664, 43.22668)]


def as_csv(delimiter: str, encoding: str, decimal: str = ".") -> bytes:
    lines = [delimiter.join(("nom", "longitude", "latitude"))]
    lines += [delimiter.join((n, str(x).replace(".", decimal), str(y).replace(".", decimal))) for n, x, y in ROWS]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def read_result(payload: bytes, delimiter: str) -> list[dict[str, str]]:
    assert payload.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel shows the accents right
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8-sig")), delimiter=delimiter))


@pytest.mark.parametrize(("delimiter", "encoding", "decimal"), [
    (",", "utf-8", "."), (",", "utf-8-sig", "."), (";", "utf-8-sig", ","), (";", "cp1252", ","), (";", "cp1252", "."),
])
def test_every_csv_people_have(locator, delimiter, encoding, decimal):
    payload, name, report = locate_upload(locator, "liste.csv", as_csv(delimiter, encoding, decimal))
    rows = read_result(payload, delimiter)
    assert name == "liste-quartiers.csv" and report.rows == 2
    assert [r["nom"] for r in rows] == ["José", "Zoé"]
    assert [r["statut"] for r in rows] == ["hors_quartier", "dans_quartier"] and rows[1]["quartier_nom"] == "Grazailles"


def test_xlsx_in_xlsx_out(locator):
    book = openpyxl.Workbook()
    book.active.append(["nom", "longitude", "latitude"])
    for row in ROWS:
        book.active.append(list(row))
    source = io.BytesIO()
    book.save(source)
    payload, name, _ = locate_upload(locator, "liste.xlsx", source.getvalue())
    sheet = openpyxl.load_workbook(io.BytesIO(payload)).active
    values = list(sheet.iter_rows(values_only=True))
    assert name == "liste-quartiers.xlsx" and values[0][:4] == ("nom", "longitude", "latitude", "quartier_code")
    assert values[2][3] == "QP011006" and values[1][0] == "José"


def test_excel_round_trip_windows_1252_with_semicolons(locator, tmp_path):
    """The done-when of the partners' issue: a CSV exported from Excel comes back with the new columns."""
    source = tmp_path / "export-excel.csv"
    source.write_bytes(as_csv(";", "cp1252", ","))
    locate_csv(locator, source, tmp_path / "resultat.csv")
    rows = read_result((tmp_path / "resultat.csv").read_bytes(), ";")
    assert rows[0]["nom"] == "José" and rows[0]["longitude"] == "2,3636" and rows[1]["quartier_code"] == "QP011006"


def test_formula_cells_are_neutralised_in_the_output(locator):
    payload = b"nom,longitude,latitude\n=HYPERLINK(\"http://x\"),2.3636,43.2065\n@SUM(A1),-1.5,43.2\n"
    rows = read_result(locate_upload(locator, "f.csv", payload)[0], ",")
    assert rows[0]["nom"] == "'=HYPERLINK(\"http://x\")" and rows[1]["nom"] == "'@SUM(A1)"
    assert rows[1]["longitude"] == "-1.5"  # a negative number is data, not a formula


@pytest.mark.parametrize(("name", "payload", "message"), [
    ("liste.pdf", b"%PDF-1.4", "type de fichier non pris en charge"),
    ("liste.csv", b"", "fichier vide"),
    ("liste.csv", b"x" * (MAX_UPLOAD_BYTES + 1), "fichier trop gros"),
    ("liste.csv", b"nom,ville\nA,B\n", "colonne(s) absente(s) : longitude, latitude"),
    ("liste.xlsx", b"PK\x03\x04 not really a workbook", "classeur XLSX illisible"),
    ("liste.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "ce n'est pas un fichier CSV"),
])
def test_unusable_uploads_are_refused_with_a_reason(locator, name, payload, message):
    with pytest.raises(InputError) as caught:
        locate_upload(locator, name, payload)
    assert message in str(caught.value)


def test_ragged_upload_rows_are_kept(locator):
    rows = read_result(locate_upload(locator, "r.csv", b"longitude,latitude\n2.3636,43.2065,extra\n")[0], ",")
    assert rows[0]["statut"] == "erreur" and rows[0]["raison"].endswith(": extra")


def test_a_100000_row_file_completes(locator, tmp_path):
    lines = ["id;longitude;latitude"] + [f"{i};{2.30 + (i % 1000) * 0.0001:.4f};{43.20 + (i // 1000) * 0.0003:.4f}"
                                         for i in range(100_000)]
    source = tmp_path / "cent-mille.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.perf_counter()
    _payload, _, report = locate_upload(locator, source.name, source.read_bytes())
    elapsed = time.perf_counter() - start
    assert report.rows == 100_000 and sum(report.by_status.values()) == 100_000
    print(f"\n100 000 lignes en {elapsed:.1f} s")
