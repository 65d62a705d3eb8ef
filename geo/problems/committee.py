"""The GUP committee's exports for a quartier and a period: an XLSX workbook (the reports, per month, the partners'
delays) and an A4 page to print, with the published photos. In French, to be shared as they are; never who
reported a problem, descriptions masked, common areas without a point.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from geo.errors import InputError
from geo.files import safe_cell
from geo.problems.rules import STATUS_WORDS, Filed, counts_by_month, median_days_to_resolution, partner_names
from geo.problems.store import PhotoState, Problem, Problems
from geo.render.present import PRINT_CSS

COLUMNS = ("N°", "Reçu le", "Quartier", "Catégorie", "État", "Résolu le", "Habitants concernés", "Partenaires",
           "Description")


@dataclass(frozen=True)
class Period:
    quartier: str | None
    """The quartier's name (None: every quartier)."""
    since: date | None
    until: date | None

    def __str__(self) -> str:
        where = self.quartier or "tous les quartiers"
        since = f"du {self.since:%d/%m/%Y}" if self.since else "depuis le début"
        until = f"au {self.until:%d/%m/%Y}" if self.until else "à aujourd'hui"
        return f"{where}, {since} {until}"


def _row(item: Problem, partners: dict[str, str]) -> list[object]:
    return [item.id, f"{item.created_at:%d/%m/%Y}", item.quartier_name or "hors quartier", item.label,
            STATUS_WORDS[item.status], f"{item.closed_at:%d/%m/%Y}" if item.closed_at else "", item.supporters,
            ", ".join(partners.get(p, p) for p in item.partners), item.public_description]


def committee_xlsx(items: list[Problem], filed: list[Filed], period: Period, partners: dict[str, str]) -> bytes:
    """Three sheets: the reports, the counts per quartier × theme × month, and each partner's median delay."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Signalements"
    sheet.append([f"Problèmes signalés (GUP) : {period}"])
    sheet.append(list(COLUMNS))
    for item in items:
        sheet.append([safe_cell(c) if isinstance(c, str) else c for c in _row(item, partners)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    months = book.create_sheet("Par mois")
    months.append(["Quartier", "Thème", "Mois", "Signalements"])
    names = {i.quartier: i.quartier_name for i in items}
    for (quartier, theme, month), n in sorted(counts_by_month(filed).items(), key=lambda kv: (kv[0][2], str(kv[0][0]))):
        months.append([safe_cell(names.get(quartier) or "hors quartier"), safe_cell(theme), month, n])
    delays = book.create_sheet("Délais")
    delays.append(["Partenaire", "Délai médian jusqu'à « résolu » (jours)", "Signalements résolus"])
    for partner, (days, n) in median_days_to_resolution(filed).items():
        delays.append([safe_cell(partners.get(partner, partner)), round(days, 1), n])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def committee_html(items: list[Problem], filed: list[Filed], period: Period, partners: dict[str, str],
                   photo: Callable[[int], bytes | None]) -> str:
    """One A4 report to print: the counts, the partners' delays, then each report with its published photo."""
    counts = "".join(f"<tr><td>{escape(theme)}</td><td>{month}</td><td>{n}</td></tr>"
                     for (_, theme, month), n in sorted(counts_by_month(filed).items(), key=lambda kv: kv[0][2]))
    delays = "".join(f"<tr><td>{escape(partners.get(p, p))}</td><td>{days:.1f}</td><td>{n}</td></tr>"
                     for p, (days, n) in median_days_to_resolution(filed).items())
    cards = []
    for item in items:
        row = _row(item, partners)
        shown = photo(item.id) if item.photo is PhotoState.PUBLIC else None
        image = (f'<img alt="Photo du signalement n° {item.id}" src="data:image/jpeg;base64,'
                 f'{base64.b64encode(shown).decode("ascii")}">' if shown else "")
        facts = "".join(f"<dt>{escape(h)}</dt><dd>{escape(str(v))}</dd>" for h, v in zip(COLUMNS[1:], row[1:],
                                                                                          strict=True) if v != "")
        cards.append(f'<section class="probleme"><h3>N° {item.id} — {escape(item.label)}</h3><dl>{facts}</dl>'
                     f"{image}</section>")
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Problèmes signalés (GUP) — {escape(str(period))}</title>
<style>{PRINT_CSS}
.probleme {{ break-inside: avoid; border-top: 1px solid #ccd; padding: 2mm 0; }}
.probleme dl {{ display: grid; grid-template-columns: 35mm 1fr; margin: 0; }}
.probleme dt {{ font-weight: bold; }} .probleme dd {{ margin: 0; }}
.probleme img {{ max-width: 80mm; max-height: 60mm; margin-top: 2mm; }}</style></head><body>
<h1>Problèmes signalés (GUP) : {escape(str(period))}</h1>
<small>{len(items)} signalement(s). Jamais qui les a faits ; descriptions masquées (numéros, adresses
électroniques) ; photos publiées seulement.</small>
<h2>Par thème et par mois</h2><table><thead><tr><th>Thème</th><th>Mois</th><th>Signalements</th></tr></thead>
<tbody>{counts or '<tr><td colspan="3">Aucun signalement.</td></tr>'}</tbody></table>
<h2>Délai médian jusqu'à « résolu », par partenaire</h2>
<table><thead><tr><th>Partenaire</th><th>Jours</th><th>Résolus</th></tr></thead>
<tbody>{delays or '<tr><td colspan="3">Aucun signalement résolu.</td></tr>'}</tbody></table>
<h2>Les signalements</h2>{"".join(cards)}
</body></html>"""


def committee_file(register: Problems, quartier: str | None, since: date | None, until: date | None, fmt: str) -> bytes:
    """The committee's XLSX or A4 page for a quartier (all when None) and a period; an unknown quartier is said,
    never answered with an empty report."""
    quartiers = register.locator.dataset.territory
    if quartier is not None and quartiers.quartier(quartier) is None:
        known = ", ".join(q.code for q in quartiers.quartiers)
        raise InputError(f"Quartier inconnu : « {quartier} » (quartiers : {known}).")
    items = register.for_committee(quartier=quartier, since=since, until=until)
    filed = register.committee(quartier=quartier, since=since, until=until)
    period = Period(register.quartier_names.get(quartier) if quartier else None, since, until)
    partners = partner_names(register.panel)
    if fmt == "xlsx":
        return committee_xlsx(items, filed, period, partners)
    return committee_html(items, filed, period, partners, register.photo).encode("utf-8")
