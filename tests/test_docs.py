"""The README is a landing page; the documentation site in docs/ builds with warnings as errors, its references are
written from the code (every setting, every command, every route), every command has an example, and the
architecture page lists every module of the house in its room, and nothing else."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo import config
from geo.cli.main import parser
from geo.planning import EXPORTS
from geo.services import MESSAGES

ROOT = config.PROJECT_ROOT
DOCS = ROOT / "docs"
PAGES = ("habitants-et-partenaires", "coordination", "hebergement", "ligne-de-commande", "developpement")


def architecture_section() -> str:
    text = (DOCS / "developpement.md").read_text(encoding="utf-8")
    return text.split("\n## Architecture\n", 1)[1].split("\n## ", 1)[0]


def commands() -> list[str]:
    found = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    return sorted(found)


def test_the_readme_is_a_landing_page_that_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) < 150
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in first_block.splitlines()] == [["make", "run"], ["make", "test"]]
    for target in re.findall(r"\]\((docs/[^)#]+)", readme) + re.findall(r'src="(docs/[^"]+)"', readme):
        assert (ROOT / target).is_file(), target


def test_every_command_has_an_example_in_the_guides() -> None:
    guides = "".join((DOCS / f"{page}.md").read_text(encoding="utf-8") for page in PAGES)
    assert [c for c in commands() if not re.search(rf"python -m geo {re.escape(c)}\b", guides)] == []


@pytest.mark.slow
def test_the_site_builds_without_a_warning_and_its_references_come_from_the_code(tmp_path: Path) -> None:
    """Sphinx with -W: a broken internal link, a missing page or a bad block fails here."""
    built = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(DOCS), str(tmp_path)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    settings = (DOCS / "reference" / "reglages.md").read_text(encoding="utf-8")
    for setting in config.SETTINGS:
        row = next((line for line in settings.splitlines() if line.startswith(f"| `{setting.name}`")), None)
        assert row is not None and (f"`{setting.default}`" if setting.default else "(vide)") in row, setting.name
    reference = (tmp_path / "reference" / "commandes.html").read_text(encoding="utf-8")
    assert [c for c in commands() if f">{c}<" not in reference] == []
    exports = (DOCS / "reference" / "exports.md").read_text(encoding="utf-8")
    assert [e.key for e in EXPORTS if f"| `{e.key}` |" not in exports] == []
    mail = (DOCS / "reference" / "courriels.md").read_text(encoding="utf-8")
    kinds = [name for name in dir(MESSAGES) if not name.startswith("_")]
    assert mail.count("<details>") == len(kinds) == 12 and "https://mediation.example.org/gerer?" in mail
    routes = (DOCS / "reference" / "routes.md").read_text(encoding="utf-8")
    assert "`POST /open311/v2/requests.json`" in routes and "`GET /v1/locate`" in routes


def test_the_architecture_section_lists_every_module_of_the_tree():
    listed = set(re.findall(r"`((?:geo|ui)/[\w/]+\.(?:py|css)|app\.py)`", architecture_section()))
    tree = {str(p.relative_to(ROOT)) for folder in ("geo", "ui") for p in (ROOT / folder).rglob("*")
            if p.suffix in (".py", ".css") and "__pycache__" not in p.parts and "migrations" not in p.parts
            and (p.name != "__init__.py" or p.parent.name in ("geo", "geocode", "planning"))} | {"app.py"}
    assert sorted(tree - listed) == [], "absents de docs/developpement.md"
    assert sorted(listed - tree) == [], "dans la page mais pas dans l'arborescence"


def test_each_package_of_the_core_lists_only_its_own_modules():
    bullets = {b.split("`")[1]: b for b in architecture_section().split("\n- ")[1:] if b.startswith("**`geo/")}
    packages = {f"geo/{p.name}/" for p in (ROOT / "geo").iterdir() if (p / "__init__.py").is_file()}
    assert set(bullets) == packages
    for package, bullet in bullets.items():
        modules = re.findall(r"`(geo/[\w/]+\.(?:py|css))`", bullet)
        assert modules and all(m.startswith(package) for m in modules), (package, modules)
