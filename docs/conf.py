"""Sphinx + MyST: the service's documentation by audience, with its references written from the code at build time
(the settings from geo/config.py, the commands from the command line's own parser, the routes from the API's
OpenAPI), so that none can drift from what the service does. `make docs` builds it with warnings as errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

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
    from geo.http.api import create_app

    spec = create_app().openapi()
    rows = "\n".join(f"| `{method.upper()} {path}` | {_cell(operation.get('summary', ''))} |"
                     for path, methods in spec["paths"].items() for method, operation in methods.items())
    return ("# Routes de l'API et d'Open311\n\nÉcrites depuis le schéma OpenAPI du service (`/openapi.json`, "
            "que montre aussi `/docs`).\n\n| route | ce qu'elle fait |\n| --- | --- |\n" + rows + "\n")


def exports_page() -> str:
    from geo.planning import EXPORTS

    rows = "\n".join(f"| `{e.key}` | {_cell(e.label)} | {', '.join(f'`{name}`' for name, _mime in e.files)} |"
                      for e in EXPORTS)
    return ("# Exports de la couverture\n\nÉcrits depuis le registre des exports (`geo/planning/__init__.py`), que "
            "lisent aussi `python -m geo export --format` et la page « Planifier ».\n\n"
            "| `--format` | bouton de la page | fichiers |\n| --- | --- | --- |\n" + rows + "\n")


def _sample_messages() -> list[tuple[str, Any]]:
    """One message of each kind, written by the service's own code from fictitious facts."""
    from datetime import date, datetime

    from geo.directory.editing import Proposal, Report, Role
    from geo.directory.reminders import Digest, DueListing
    from geo.problems.rules import Status
    from geo.problems.store import Event, PhotoState, Problem
    from geo.services import MESSAGES
    from geo.territory.notices import Notice, NoticeKind

    at, day = datetime(2026, 12, 7, 9, 30), date(2026, 12, 7)
    name, editor, admin = "Maison de l'Essai", "accueil@essai.example.org", "coordination@essai.example.org"
    report = Report(1, "essai", "numero_faux", "Le numéro sonne dans le vide le mardi matin.", at, "ouvert", None, "")
    proposal = Proposal(1, "essai", "quartiers", "QP011004", "QP011005", editor, "appel du 2 décembre", at,
                        "approuvee", admin, "Vu avec l'équipe.", 3)
    due = DueListing("essai", name, "04 68 00 00 00", (("telephone", date(2026, 5, 7)), ("horaires", None)))
    notice = Notice(1, "essai", NoticeKind.FERMETURE, day, date(2026, 12, 11), "Fermé pour inventaire.")
    problem = Problem(12, "encombrants", "Encombrants déposés", "QP011004", "Quartier de l'Essai", (2.35, 43.21),
                      True, "1 rue de l'Essai", "Un canapé devant l'entrée du n° 1.", Status.TRANSMITTED,
                      ("Bailleur de l'Essai",), 3, False, PhotoState.NONE, at, at, None)
    return [
        ("Invitation (rôle donné)", MESSAGES.invitation(Role(editor, "essai", admin), name, editor)),
        ("Signalement d'une erreur sur une fiche", MESSAGES.report(report, name, editor)),
        ("Résumé du jour des signalements", MESSAGES.reports_of_the_day([(report, name)], day, editor)),
        ("Proposition de couverture", MESSAGES.proposal(proposal, name, admin)),
        ("Décision sur une proposition", MESSAGES.decision(proposal, name, editor)),
        ("Rappel de fraîcheur", MESSAGES.reminder(due, 1, day, editor)),
        ("Fiche sans réponse", MESSAGES.unanswered(due, day, [editor], admin)),
        ("Synthèse du lundi", MESSAGES.digest(Digest(day, ((name, 1),), ((name, proposal),), (due,),
                                                    ((name, notice),), ("Autre structure de l'Essai",)), admin)),
        ("Problème transmis à un partenaire", MESSAGES.problem_to_partner(problem, "Bailleur de l'Essai", editor)),
        ("Problème vu par la coordination", MESSAGES.problem_to_coordination(problem, [], admin)),
        ("Suite donnée à l'habitant", MESSAGES.problem_to_reporter(
            problem, Event(Status.IN_PROGRESS, "Passage prévu jeudi.", admin, at), "habitante@essai.example.org")),
        ("Problème sans nouvelles", MESSAGES.problem_without_news(problem, admin)),
    ]


def mail_page() -> str:
    os.environ.setdefault("GUP_PUBLIC_URL", "https://mediation.example.org")  # the links as a deployment writes them
    blocks = [f"<details><summary>{title}</summary>\n\n```text\nÀ : {message.recipient}\nObjet : {message.subject}\n"
              f"{message.text}```\n\n</details>\n" for title, message in _sample_messages()]
    return ("# Les courriels du service\n\nUn message de chaque sorte, écrit à la construction de cette page par le "
            "code même du service (`geo/directory/letters.py`, `geo/problems/letters.py`) à partir de faits "
            "fictifs. Chacun a aussi une version HTML avec le même texte et le même lien.\n\n" + "\n".join(blocks))


def _write(name: str, text: str) -> None:
    """Written only when it changed: a build never dirties the tree for nothing."""
    path = DOCS / "reference" / name
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


_write("reglages.md", settings_page())
_write("routes.md", routes_page())
_write("exports.md", exports_page())
_write("courriels.md", mail_page())
