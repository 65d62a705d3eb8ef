from pathlib import Path

import pytest

from geo import config

README = (config.PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", config.SETTINGS, ids=lambda s: s.name)
def test_readme_documents_every_setting_with_its_default(setting):
    row = next((line for line in README.splitlines() if line.startswith(f"| `{setting.name}`")), None)
    assert row is not None, f"README: no row for {setting.name} in the settings table"
    assert (f"`{setting.default}`" if setting.default else "(vide)") in row


def test_environment_overrides_default(monkeypatch, tmp_path):
    monkeypatch.setenv("GUP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("GUP_COMMUNE", "11262")
    assert config.data_dir() == tmp_path.resolve()
    assert config.commune() == "11262"


def test_defaults_are_relative_to_the_project_not_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("GUP_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert config.data_dir() == config.PROJECT_ROOT / "data"


def test_blank_value_means_default(monkeypatch):
    monkeypatch.setenv("GUP_COMMUNE", "  ")
    assert config.commune() == "11069"
    assert isinstance(config.sources_dir(), Path)
