"""The core never depends on the face: geo/ is usable from Python and the CLI without Streamlit."""

from __future__ import annotations

import ast
import subprocess
import sys

from geo import config

CORE = config.PROJECT_ROOT / "geo"


def test_no_module_of_geo_imports_streamlit():
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("streamlit", "streamlit_folium")]
    assert offenders == []


def test_importing_every_core_module_loads_no_streamlit():
    modules = sorted(p.stem for p in CORE.glob("*.py") if p.stem != "__main__")
    code = ("import sys\n" + "".join(f"import geo.{m}\n" for m in modules)
            + "print(sorted(m for m in sys.modules if m.startswith('streamlit')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=config.PROJECT_ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
