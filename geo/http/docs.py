"""/docs: the API's Swagger UI, served by the service itself from the pinned assets of fastapi-offline.

Nothing is loaded from a CDN: the page works offline, and no third party's script runs on the origin that also
serves /gerer.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/docs"
ASSETS_PATH = f"{DOCS_PATH}/assets"
ASSETS = Path(fastapi_offline.__file__).with_name("static")


def add_docs(app: FastAPI) -> None:
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} — API",
                                   swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS_PATH}/favicon.png")
        page.headers["X-Content-Type-Options"] = "nosniff"
        return page
