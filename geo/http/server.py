"""One process, one address: `python -m geo serve` runs the Streamlit pages and the API's app (`/simple`, `/v1/…`,
`/docs`, `/healthz`) in one uvicorn server, through Streamlit's own ASGI entry point (`st.App`, built in
`ui/server.py`: the core never imports Streamlit).

Whom to believe: a request's client is the peer that connected, unless that peer is one of GUP_TRUSTED_PROXIES;
then, and only then, uvicorn reads `X-Forwarded-For` (the rightmost address no trusted proxy added).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from geo import config
from geo.errors import InputError

#: What the API's app answers beside the pages; every other path is Streamlit's.
API_PREFIXES = ("/simple", "/v1", "/open311", "/docs", "/openapi.json", "/healthz")
#: The ASGI application of `serve`, imported by uvicorn from the project's root.
SERVER_APP = "ui.server:app"


class Prefixed(BaseRoute):
    """Requests under one of `prefixes` go to `app` with their path untouched (a Mount would strip the prefix, and
    the API's routes are written with their full paths, as `serve-api` serves them)."""

    def __init__(self, prefixes: tuple[str, ...], app: ASGIApp):
        self.prefixes, self.app = prefixes, app

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        path = scope.get("path", "")
        if scope["type"] == "http" and any(path == p or path.startswith(f"{p}/") for p in self.prefixes):
            return Match.FULL, {}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def trusted_proxies(text: str | None = None) -> list[str]:
    """GUP_TRUSTED_PROXIES as addresses or networks, each checked (a typo never silently trusts nobody, or all)."""
    entries = (config.get("GUP_TRUSTED_PROXIES") if text is None else text).replace(",", " ").split()
    trusted = []
    for entry in entries:
        try:
            trusted.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError as exc:
            raise InputError(f"GUP_TRUSTED_PROXIES : « {entry} » n'est ni une adresse IP ni un réseau (attendu : "
                             "127.0.0.1, 10.0.0.0/8 ou ::1, séparés par des virgules).") from exc
    return trusted


def uvicorn_options(host: str, port: int) -> dict[str, Any]:
    """How both servers listen: X-Forwarded-For read from the trusted proxies only, no banner, errors logged."""
    trusted = trusted_proxies()
    return {"host": host, "port": port, "proxy_headers": bool(trusted),
            "forwarded_allow_ips": ",".join(trusted) if trusted else "", "server_header": False,
            "log_level": "warning", "access_log": False}


def run(app: ASGIApp | str, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(app, app_dir=str(config.PROJECT_ROOT), **uvicorn_options(host, port))
