"""Under CI=true a missing real part fails the run; elsewhere its tests are skipped with the reason."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from geo import config

PROBE = '''
from tests.real_parts import missing

def test_needs_a_part():
    missing("serveur absent : installez-le")
'''


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 failed"), ("", "1 skipped")])
@pytest.mark.slow
def test_a_missing_part_fails_only_under_ci(tmp_path, ci, outcome):
    probe = tmp_path / "test_probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(probe),
                             "--rootdir", str(tmp_path)], capture_output=True, text=True, timeout=120,
                            cwd=config.PROJECT_ROOT, env={**os.environ, "CI": ci, "PYTHONPATH": str(config.PROJECT_ROOT)})
    assert outcome in result.stdout, result.stdout
    assert "serveur absent : installez-le" in result.stdout
