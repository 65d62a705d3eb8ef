"""The GUP panel's two files, gup_contacts.csv and gup_themes.csv, read and validated against the dataset (a
contact may be one of its structures), and kept while the dataset stays the same."""

from __future__ import annotations

from pathlib import Path

from geo.formats.data import validated_rows
from geo.problems.panel import CONTACTS_FILE, THEMES_FILE, Contact, Panel, Topic
from geo.territory.model import Dataset


def load_panel(data_dir: Path, dataset: Dataset) -> Panel:
    contacts = validated_rows(data_dir / CONTACTS_FILE, Contact, ("id", "nom", "telephone", "source"), "id",
                          {"structures": {s.id for s in dataset.structures}})
    by_id = {row.id: row for row in contacts}
    topics = validated_rows(data_dir / THEMES_FILE, Topic, ("theme", "cle", "libelle", "contacts", "pourquoi"),
                        "cle", {"contacts": by_id})
    return Panel(by_id, tuple(topics))


class PanelOf:
    """The panel of the directory's current dataset, read and validated again only when the dataset changed (a
    problem report, a page and an answer all route with it)."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self._panel: tuple[Dataset, Panel] | None = None

    def current(self, dataset: Dataset) -> Panel:
        if self._panel is None or self._panel[0] is not dataset:
            self._panel = (dataset, load_panel(self.data_dir, dataset))
        return self._panel[1]
