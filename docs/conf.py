"""Sphinx + MyST: the service's documentation by audience, with its references written from the code at build time
(the settings from geo/config.py, the commands from the command line's own parser, the routes from the API's
OpenAPI), so that none can drift from what the service does. `make docs` builds it with warnings as errors."""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))

from geo import config  # noqa: E402  (the project's root is on the path only from here)

project = "Carte de la médiation — GUP Carcassonne"
language = "fr"
extensions = ["myst_parser", "sphinxarg.ext"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_heading_anchors = 3
html_theme = "alabaster"
html_title = project
# No warning is suppressed: with -W, a broken internal link or an unknown block fails the build.


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def settings_page() -> str:
    rows = "\n".join(f"| `{s.name}` | {f'`{s.default}`' if s.default else '(vide)'} | {_cell(s.meaning)} |"
                     for s in config.SETTINGS)
    return ("# Réglages\n\nChaque variable d'environnement que lit le service, sa valeur par défaut et son rôle, "
            "écrits depuis `geo/config.py` à la construction de cette page. Une variable vide ou absente prend sa "
            "valeur par défaut.\n\n| variable | défaut | rôle |\n| --- | --- | --- |\n" + rows + "\n")


def routes_page() -> str:
    from geo.faces.api import create_app

    spec = create_app().openapi()
    rows = "\n".join(f"| `{method.upper()} {path}` | {_cell(operation.get('summary', ''))} |"
                     for path, methods in spec["paths"].items() for method, operation in methods.items())
    return ("# Routes de l'API et d'Open311\n\nÉcrites depuis le schéma OpenAPI du service (`/openapi.json`, "
            "que montre aussi `/docs`).\n\n| route | ce qu'elle fait |\n| --- | --- |\n" + rows + "\n")


def _write(name: str, text: str) -> None:
    """Written only when it changed: a build never dirties the tree for nothing."""
    path = DOCS / "reference" / name
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


_write("reglages.md", settings_page())
_write("routes.md", routes_page())
