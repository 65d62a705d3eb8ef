"""The coverage matrix: for each quartier and each kind of help, which structures answer."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from geo.data import Dataset, Quartier, Service, Structure

CSV_FIELDS = ("quartier_code", "quartier_nom", "service", "service_libelle", "nombre_structures", "structures")


@dataclass(frozen=True)
class CoverageCell:
    quartier: Quartier
    service: Service
    structures: tuple[Structure, ...]

    @property
    def count(self) -> int:
        return len(self.structures)


def coverage_cells(dataset: Dataset) -> list[CoverageCell]:
    """Quartier-major, in the order of the territory and of the taxonomy."""
    return [
        CoverageCell(q, svc, tuple(s for s in dataset.structures if s.covers(q.code) and svc.key in s.services))
        for q in dataset.territory.quartiers
        for svc in dataset.services
    ]


def count_matrix(cells: list[CoverageCell]) -> dict[str, dict[str, int]]:
    """{quartier code: {service key: number of structures}}."""
    matrix: dict[str, dict[str, int]] = {}
    for cell in cells:
        matrix.setdefault(cell.quartier.code, {})[cell.service.key] = cell.count
    return matrix


def _record(cell: CoverageCell) -> dict[str, object]:
    return {
        "quartier_code": cell.quartier.code,
        "quartier_nom": cell.quartier.nom_local,
        "service": cell.service.key,
        "service_libelle": cell.service.label,
        "nombre_structures": cell.count,
        "structures": [s.id for s in cell.structures],
    }


def coverage_json(cells: list[CoverageCell]) -> str:
    return json.dumps([_record(c) for c in cells], ensure_ascii=False, indent=2)


def coverage_csv(cells: list[CoverageCell]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for cell in cells:
        record = _record(cell)
        writer.writerow({**record, "structures": ";".join(record["structures"])})  # type: ignore[arg-type]
    return out.getvalue()
