"""The house by domain: each feature in one package, layered inside, the packages in one order without a circle.

`territory` is the pure lookup core. Below the features: `geocode`, `db` (engine, tables, migrations), `render`
(what several domains show) and `formats` (data files, batch files). The features: `sources`, `mail`,
`directory`, `problems`, `planning`, and `hosting` (backups, restores, health) over them. The faces: `http` and
`cli`, and the Streamlit pages in ui/. The top modules (`config`, `errors`, `i18n`, `limits`, `files`) are open to
all; `services` is the one assembly point the faces ask. geo/ is usable from Python and the CLI without Streamlit.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo import config

ROOT = config.PROJECT_ROOT
CORE = ROOT / "geo"
UI = ROOT / "ui"
TOP = ("config", "errors", "i18n", "limits", "files", "services")
#: What each package may import from the others (the top modules are open to all): an order, hence no circle.
ALLOWED: dict[str, set[str]] = {
    "territory": set(),
    "geocode": set(),
    "db": {"territory"},
    "render": {"territory", "geocode"},
    "formats": {"territory", "geocode", "db"},
    "sources": {"territory", "formats"},
    "mail": {"territory", "db", "render"},
    "directory": {"territory", "db", "formats", "mail"},
    "problems": {"territory", "db", "formats", "geocode", "mail", "render", "directory"},
    "planning": {"territory", "db", "render", "directory", "problems"},
    "hosting": {"territory", "db", "formats", "mail", "directory", "problems"},
    "http": {"territory", "geocode", "db", "render", "formats", "directory", "problems", "planning", "hosting"},
    "cli": {"territory", "geocode", "db", "render", "formats", "sources", "mail", "directory", "problems", "planning",
            "hosting", "http"},
}
PACKAGES = tuple(ALLOWED)
FACES = ("http", "cli")
#: The rules of each domain: what may be decided, with no database, no rendering and no file of the deployment.
RULES = ("geo.limits", "geo.territory", "geo.directory.permissions", "geo.directory.corrections", "geo.mail.rules",
         "geo.problems.rules", "geo.problems.panel")
NOT_IN_RULES = ("sqlalchemy", "alembic", "folium", "geo.db", "geo.render", "geo.formats", "geo.http", "geo.cli",
                "geo.services")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


#: Alembic's scripts are run by Alembic inside a migration, never imported.
MIGRATIONS = CORE / "db" / "migrations"
MODULES = sorted(module_name(p) for p in CORE.rglob("*.py") if p.stem != "__main__" and MIGRATIONS not in p.parents)


def imported(path: Path) -> list[str]:
    """Every module a file imports, absolute names (the code base uses no relative imports)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            names += [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
    return names


def package_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "geo" and parts[1] in PACKAGES else None


def test_every_module_lives_in_a_package_or_at_the_top():
    top = {m for m in MODULES if m.count(".") == 1}
    assert top == {*(f"geo.{t}" for t in TOP), *(f"geo.{p}" for p in PACKAGES)}


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_only_the_packages_beneath(package):
    offenders = []
    for path in (CORE / package).rglob("*.py"):
        for name in imported(path):
            other = package_of(name)
            if other and other != package and other not in ALLOWED[package]:
                offenders.append(f"{path.relative_to(CORE)} → {name}")
    assert offenders == []


def test_the_order_of_the_packages_has_no_circle():
    """Each package may only lean on packages listed before it."""
    for index, package in enumerate(PACKAGES):
        assert ALLOWED[package] <= set(PACKAGES[:index]), package


def test_the_rules_of_each_domain_import_no_database_no_rendering_and_no_face():
    rules = [p for p in CORE.rglob("*.py") if MIGRATIONS not in p.parents
             and any(module_name(p) == r or module_name(p).startswith(f"{r}.") for r in RULES)]
    assert len(rules) >= 15
    offenders = [f"{p.relative_to(CORE)} → {n}" for p in rules for n in imported(p)
                 if any(n == banned or n.startswith(f"{banned}.") for banned in NOT_IN_RULES)]
    assert offenders == []


def test_no_domain_imports_a_face_and_no_page_imports_routes():
    """The pages reach the core as the faces do; only ui/server.py mounts the HTTP face in Streamlit's process."""
    domains = [p for package in PACKAGES if package not in FACES for p in (CORE / package).rglob("*.py")]
    offenders = [f"{p.relative_to(ROOT)} → {n}" for p in domains for n in imported(p) if package_of(n) in FACES]
    pages = [p for p in [ROOT / "app.py", *UI.rglob("*.py")] if p != UI / "server.py"]
    offenders += [f"{p.relative_to(ROOT)} → {n}" for p in pages for n in imported(p) if package_of(n) in FACES]
    assert offenders == []


def test_the_top_modules_import_no_package():
    """But the one assembly point, which builds the service from the packages for every face."""
    offenders = [f"{p.name} → {n}" for p in CORE.glob("*.py") if p.stem not in ("__init__", "__main__", "services")
                 for n in imported(p) if package_of(n)]
    assert offenders == []


def test_only_the_faces_ask_the_assembly_point():
    offenders = [f"{p.relative_to(CORE)}" for package in PACKAGES if package not in FACES
                 for p in (CORE / package).rglob("*.py")
                 if any(n == "geo.services" or n.startswith("geo.services.") for n in imported(p))]
    assert offenders == []


def test_the_letters_are_wired_in_one_place():
    """The faces ask geo.services for the directory's services; none wires the messages in by hand."""
    wired = re.compile(r"\.(editing|problems)\(MESSAGES\)|Directory\.configured\(\)|Problems\(")
    faces = [*(CORE / "http").glob("*.py"), *(CORE / "cli").glob("*.py"), *UI.rglob("*.py")]
    assert [str(p.relative_to(ROOT)) for p in faces if wired.search(p.read_text(encoding="utf-8"))] == []


def test_no_module_of_geo_imports_streamlit():
    offenders = [f"{p.relative_to(CORE)}: {n}" for p in CORE.rglob("*.py") for n in imported(p)
                 if n.split(".")[0] in ("streamlit", "streamlit_folium")]
    assert offenders == []


@pytest.mark.slow
def test_importing_every_core_module_loads_no_streamlit():
    assert "geo.geocode.remote" in MODULES  # the subpackages are walked too
    code = ("import sys\n" + "".join(f"import {m}\n" for m in MODULES)
            + "print(sorted(m for m in sys.modules if m.startswith('streamlit')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=config.PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_one_clock_for_every_today():
    """`hours.now()` is frozen by GUP_NOW for demonstrations and tests: no other module reads the system clock."""
    clock = re.compile(r"\b(date\.today|datetime\.(now|today|utcnow))\(")
    offenders = [str(p.relative_to(config.PROJECT_ROOT)) for p in [*CORE.rglob("*.py"), *ROOT.glob("*.py"), *UI.rglob("*.py")]
                 if clock.search(p.read_text(encoding="utf-8")) and p != CORE / "territory" / "hours.py"]
    assert offenders == []


def test_every_fragment_of_the_pages_keeps_the_visit_language():
    """A bare `st.fragment` reruns alone and would show French: pages declare fragments with ui.language.fragment."""
    faces = [ROOT / "app.py", *UI.rglob("*.py")]
    offenders = [p.name for p in faces if p.name != "language.py" and "st.fragment" in p.read_text(encoding="utf-8")]
    assert offenders == []
