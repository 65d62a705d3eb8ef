"""The one assembly point: the configured deployment's directory, its problems, its outbox and its Open311 keys, with
the service's messages wired in once. Every face (the command line, the API, the pages, the server) asks here
instead of assembling them itself.
"""

from __future__ import annotations

from geo.io.apikeys import ApiKeys
from geo.io.data import Directory
from geo.io.editing import Editing
from geo.io.outbox import Outbox
from geo.io.problems import Problems
from geo.io.reminders import Round
from geo.render.mail import LETTERS


def directory() -> Directory:
    """The configured directory (GUP_DATA_DIR, GUP_COMMUNE, GUP_DATABASE_URL), built once per process."""
    return Directory.configured()


def editing() -> Editing:
    return directory().editing(LETTERS)


def problems() -> Problems:
    return directory().problems(LETTERS)


def outbox() -> Outbox:
    return Outbox(directory().store)


def daily_round() -> Round:
    """The daily round's freshness reminders, summaries and digest (send-reminders)."""
    return Round(directory().store, LETTERS)


def api_keys() -> ApiKeys:
    return ApiKeys(directory().store)
