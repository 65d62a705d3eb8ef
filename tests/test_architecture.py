"""The house by floor: the core never depends on the face, and each floor only on the floors beneath it.

`domain` (rules) ← `io` (files, sources, geocoders) ← `render` (what people read) ← `faces` (cli, api); the
top modules (`config`, `errors`, `i18n`) are used by all. geo/ is usable from Python and the CLI without Streamlit.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from geo import config

CORE = config.PROJECT_ROOT / "geo"
ROOMS = ("domain", "io", "render", "faces")
#: What each room may import from the others (the top modules are open to all).
ALLOWED = {"domain": set(), "io": {"domain"}, "render": {"domain", "io"}, "faces": {"domain", "io", "render"}}


def module_name(path: Path) -> str:
    parts = path.relative_to(config.PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


#: Alembic's scripts are run by Alembic inside a migration, never imported.
MIGRATIONS = CORE / "io" / "migrations"
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


def room_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "geo" and parts[1] in ROOMS else None


def test_every_module_lives_in_a_room_or_at_the_top():
    top = {m for m in MODULES if m.count(".") == 1}
    assert top == {"geo.config", "geo.errors", "geo.i18n", "geo.services", *(f"geo.{r}" for r in ROOMS)}


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_imports_only_the_floors_beneath(room):
    offenders = []
    for path in (CORE / room).rglob("*.py"):
        for name in imported(path):
            other = room_of(name)
            if other and other != room and other not in ALLOWED[room]:
                offenders.append(f"{path.relative_to(CORE)} → {name}")
    assert offenders == []


def test_the_top_modules_import_no_room():
    """But the one assembly point, which builds the service from the rooms for every face."""
    offenders = [f"{p.name} → {n}" for p in CORE.glob("*.py") if p.stem not in ("__init__", "__main__", "services")
                 for n in imported(p) if room_of(n)]
    assert offenders == []


def test_only_the_faces_ask_the_assembly_point():
    offenders = [f"{p.relative_to(CORE)}" for room in ("domain", "io", "render") for p in (CORE / room).rglob("*.py")
                 if any(n == "geo.services" or n.startswith("geo.services.") for n in imported(p))]
    assert offenders == []


def test_the_letters_are_wired_in_one_place():
    """The faces ask geo.services for the directory's services; none wires the messages in by hand."""
    wired = re.compile(r"\.(editing|problems)\(LETTERS\)|Directory\.configured\(\)")
    faces = [*(CORE / "faces").glob("*.py"), *(config.PROJECT_ROOT / "web").glob("*.py"),
             *(config.PROJECT_ROOT / "views").glob("*.py")]
    assert [str(p.relative_to(config.PROJECT_ROOT)) for p in faces if wired.search(p.read_text(encoding="utf-8"))] == []


def test_no_module_of_geo_imports_streamlit():
    offenders = [f"{p.relative_to(CORE)}: {n}" for p in CORE.rglob("*.py") for n in imported(p)
                 if n.split(".")[0] in ("streamlit", "streamlit_folium")]
    assert offenders == []


@pytest.mark.slow
def test_importing_every_core_module_loads_no_streamlit():
    assert "geo.io.geocode.remote" in MODULES  # the subpackages are walked too
    code = ("import sys\n" + "".join(f"import {m}\n" for m in MODULES)
            + "print(sorted(m for m in sys.modules if m.startswith('streamlit')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=config.PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_one_clock_for_every_today():
    """`hours.now()` is frozen by GUP_NOW for demonstrations and tests: no other module reads the system clock."""
    clock = re.compile(r"\b(date\.today|datetime\.(now|today|utcnow))\(")
    offenders = [str(p.relative_to(config.PROJECT_ROOT)) for p in [*CORE.rglob("*.py"), *config.PROJECT_ROOT.glob("*.py"),
                                                                   *(config.PROJECT_ROOT / "views").glob("*.py")]
                 if clock.search(p.read_text(encoding="utf-8")) and p != CORE / "domain" / "hours.py"]
    assert offenders == []


def test_every_fragment_of_the_pages_keeps_the_visit_language():
    """A bare `st.fragment` reruns alone and would show French: pages declare fragments with web.language.fragment."""
    faces = [config.PROJECT_ROOT / "app.py", *(config.PROJECT_ROOT / "views").glob("*.py"),
             *(config.PROJECT_ROOT / "web").glob("*.py")]
    offenders = [p.name for p in faces if p.name != "language.py" and "st.fragment" in p.read_text(encoding="utf-8")]
    assert offenders == []
