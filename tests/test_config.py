"""toolkit.toml: defaults, `toolkit init`, and clear messages for bad settings."""
from __future__ import annotations

import tomllib

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.config import Settings, load_settings
from toolkit.errors import ConfigError
from toolkit.workspace import DEFAULT_TOML, init_workspace


def test_commented_default_equals_the_built_in_defaults(tmp_path):
    (tmp_path / "toolkit.toml").write_text(DEFAULT_TOML, encoding="utf-8")
    loaded = load_settings(base_dir=tmp_path)
    assert loaded.model_dump(exclude={"base_dir"}) == Settings().model_dump(exclude={"base_dir"})
    assert tomllib.loads(DEFAULT_TOML)["thresholds"]["due_soon_days"] == 3


def test_init_writes_config_and_folders_and_keeps_an_existing_config(tmp_path):
    made = init_workspace(tmp_path / "pmo")
    assert {p.name for p in made} == {"toolkit.toml", "inputs", "output", "archive", "inbox"}
    (tmp_path / "pmo" / "toolkit.toml").write_text('language = "zh"\n', encoding="utf-8")
    assert init_workspace(tmp_path / "pmo") == []
    assert load_settings(base_dir=tmp_path / "pmo").language == "zh"


def test_init_command(tmp_path):
    result = CliRunner().invoke(app, ["init", str(tmp_path / "pmo")])
    assert result.exit_code == 0 and (tmp_path / "pmo" / "toolkit.toml").exists()


@pytest.mark.parametrize("toml, needle", [
    ("[thresholds]\ndue_soon_days = -1\n", "thresholds.due_soon_days"),
    ("language = \"fr\"\n", "language"),
    ("[calendar]\nweekend = [0]\n", "calendar.weekend"),
    ("[email]\nport = \"smtp\"\n", "email.port"),
    ("[pathz]\ninputs = \"x\"\n", "unknown setting 'pathz'"),
    ("language = \n", "cannot be parsed"),
])
def test_bad_settings_name_the_key(tmp_path, toml, needle):
    (tmp_path / "toolkit.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(base_dir=tmp_path)
    assert needle in info.value.message("en")
    assert info.value.message("zh")


def test_relative_paths_resolve_against_the_config_folder(tmp_path):
    (tmp_path / "toolkit.toml").write_text("[paths]\ninputs = \"depts\"\n", encoding="utf-8")
    settings = load_settings(base_dir=tmp_path)
    assert settings.resolve(settings.paths.inputs) == tmp_path.resolve() / "depts"
