"""The application of `python -m geo serve`: the Streamlit pages and, on the same address, the API's app.

Built here, on the face's floor, because it is a Streamlit object (`st.App`); geo.faces.serve says what it serves
and how it listens.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from streamlit import config as streamlit_config

from geo import config
from geo.domain.permissions import sign_in_refusal
from geo.faces.api import create_app
from geo.faces.serve import API_PREFIXES, Prefixed
from web import resources


@asynccontextmanager
async def _started(_app: st.App) -> AsyncIterator[None]:
    """Said once at start-up, where an operator reads it: sign-in that the settings do not allow."""
    if (auth := resources.sign_in_settings()) is not None and (refusal := sign_in_refusal(auth)):
        print(refusal, file=sys.stderr, flush=True)
    yield


if secrets_file := config.get("GUP_SECRETS_FILE"):  # this file only, instead of .streamlit/secrets.toml
    streamlit_config.set_option("secrets.files", [secrets_file])
app = st.App(config.PROJECT_ROOT / "app.py", routes=[Prefixed(API_PREFIXES, create_app())], lifespan=_started)
