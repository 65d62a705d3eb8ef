from pathlib import Path

from geo import config


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
