"""The application of `python -m geo serve`: the Streamlit pages and, on the same address, the API's app.

Built here, on the face's floor, because it is a Streamlit object (`st.App`); geo.http.server says what it serves
and how it listens.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from streamlit import config as streamlit_config

from geo import config, services
from geo.directory.permissions import sign_in_refusal
from geo.http.api import create_app
from geo.http.server import API_PREFIXES, Prefixed
from geo.mail.outbox import mail_status
from ui import resources


@asynccontextmanager
async def _started(_app: st.App) -> AsyncIterator[None]:
    """Said once at start-up, where an operator reads it: sign-in that the settings do not allow, and how e-mail
    goes. The outbox's outbox_sender sends for this process until it stops."""
    if (auth := resources.sign_in_settings()) is not None and (refusal := sign_in_refusal(auth)):
        print(refusal, file=sys.stderr, flush=True)
    print(mail_status(), file=sys.stderr, flush=True)
    outbox_sender = services.directory().outbox_sender
    outbox_sender.start()
    outbox_sender.wake()  # what waited while the service was down goes now
    try:
        yield
    finally:
        outbox_sender.stop()


if secrets_file := config.get("GUP_SECRETS_FILE"):  # this file only, instead of .streamlit/secrets.toml
    streamlit_config.set_option("secrets.files", [secrets_file])
app = st.App(config.PROJECT_ROOT / "app.py", routes=[Prefixed(API_PREFIXES, create_app())], lifespan=_started)
