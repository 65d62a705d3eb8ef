"""The one assembly point: the configured deployment's directory, its problems, its outbox and its Open311 keys, with
the service's messages wired in once. Every face (the command line, the API, the pages, the server) asks here
instead of assembling them itself.
"""

from __future__ import annotations

import functools
from pathlib import Path

from geo import config
from geo.directory.editing import Editing
from geo.directory.letters import DirectoryMessagesInFrench
from geo.directory.listings import Directory
from geo.directory.reminders import DailyReminders
from geo.mail.outbox import Outbox
from geo.problems.contacts import PanelOf, load_panel
from geo.problems.keys import ApiKeys
from geo.problems.letters import ProblemMessagesInFrench
from geo.problems.panel import Panel
from geo.problems.store import Problems


class AllMessages(DirectoryMessagesInFrench, ProblemMessagesInFrench):
    """Every message the service writes."""


MESSAGES = AllMessages()


def directory() -> Directory:
    """The configured directory (GUP_DATA_DIR, GUP_COMMUNE, GUP_DATABASE_URL), built once per process."""
    return Directory.configured()


def editing() -> Editing:
    return directory().editing(MESSAGES)


def panel() -> Panel:
    """The GUP panel of the directory's current dataset (gup_contacts.csv, gup_themes.csv of GUP_DATA_DIR)."""
    return _panels(config.data_dir()).current(directory().dataset())


def problems() -> Problems:
    """The configured directory's GUP problem reports."""
    return problems_of(directory(), panel())


def problems_of(found: Directory, known_panel: Panel | None = None) -> Problems:
    """A directory's GUP problem reports, routed with the panel of its current dataset (read from its data folder
    unless given); their mail wakes the process's outbox_sender once committed."""
    locator = found.locator()
    routing = known_panel or load_panel(found.data_dir, locator.dataset)
    return Problems(found.store, locator, routing, MESSAGES, queued=found.outbox_sender.wake)


def outbox() -> Outbox:
    return Outbox(directory().store)


def daily_round() -> DailyReminders:
    """The daily round's freshness reminders, summaries and digest (send-reminders)."""
    return DailyReminders(directory().store, MESSAGES)


def api_keys() -> ApiKeys:
    return ApiKeys(directory().store)


@functools.cache
def _panels(data_dir: Path) -> PanelOf:
    return PanelOf(data_dir)
