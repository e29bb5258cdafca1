"""Every way a call can go wrong outside the workbooks prints one `Error: …` line with its exit
code, never a traceback (issue 6: each of these gave a traceback and exit 1 before)."""
from __future__ import annotations

import importlib.util
import os

import pytest
from typer.testing import CliRunner

from conftest import REPO
from toolkit.cli import app

SAMPLE = REPO / "workbooks" / "sample"
runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def one_error_line(result, code: int, *words: str) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith(("Error: ", "错误："))]
    assert len(errors) == 1, result.output
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


def test_output_path_through_a_file(tmp_path):
    (tmp_path / "some.xlsx").write_bytes(b"x")
    result = run("consolidate", SAMPLE, "-o", tmp_path / "some.xlsx" / "master.xlsx", "--as-of", "2026-11-24")
    one_error_line(result, 3, "cannot write in", "some.xlsx")


def test_output_folder_not_writable(tmp_path):
    if os.geteuid() == 0:
        # root ignores permissions: a path under a regular file is the portable unwritable folder
        target = tmp_path / "file" / "deeper" / "master.xlsx"
        (tmp_path / "file").write_bytes(b"x")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "sub" / "master.xlsx"
    result = run("consolidate", SAMPLE, "-o", target, "--as-of", "2026-11-24")
    one_error_line(result, 3, "cannot write in")


def test_annotate_into_a_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "some.xlsx").write_bytes(b"x")
    result = run("validate", SAMPLE, "--as-of", "2026-11-24", "--annotate", tmp_path / "some.xlsx" / "ann")
    one_error_line(result, 3, "cannot write in")


def test_init_where_it_cannot_write(tmp_path):
    (tmp_path / "some.xlsx").write_bytes(b"x")
    result = run("init", tmp_path / "some.xlsx" / "pmo")
    one_error_line(result, 3, "cannot set up")


def test_config_that_is_a_folder(tmp_path):
    result = run("validate", SAMPLE, "--config", tmp_path)
    one_error_line(result, 2, "is not a file")


@pytest.mark.parametrize("toml, words", [
    ('[thresholds]\ndue_soon_days = "x"\n', ["thresholds.due_soon_days"]),
    ("paths = 5\n", ["paths"]),
    ('base_dir = "elsewhere"\n', ["base_dir"]),
    ("language = [1, 2]\n", ["language"]),
    ("[thresholds\n", ["cannot be parsed"]),
])
def test_config_with_a_key_of_the_wrong_type(tmp_path, toml, words):
    config = tmp_path / "toolkit.toml"
    config.write_text(toml, encoding="utf-8")
    result = run("validate", SAMPLE, "--config", config)
    one_error_line(result, 2, "toolkit.toml", *words)


@pytest.mark.skipif(importlib.util.find_spec("psycopg") is not None, reason="the driver is installed here")
def test_postgresql_history_without_its_driver(tmp_path):
    config = tmp_path / "toolkit.toml"
    config.write_text('history_url = "postgresql+psycopg://pmo@localhost/pmo"\n', encoding="utf-8")
    result = run("consolidate", SAMPLE, "--config", config, "-o", tmp_path / "m.xlsx", "--as-of", "2026-11-24")
    line = one_error_line(result, 3, "psycopg", "ops-tracker-toolkit[postgres]")
    assert "pmo@localhost" in line
    assert not (tmp_path / "m.xlsx").exists()


@pytest.mark.parametrize("command", [["demo", "--lang", "fr"], ["validate", str(SAMPLE), "--lang", "fr"]])
def test_unknown_language(tmp_path, command):
    result = run(*command, *(["-o", tmp_path / "demo"] if command[0] == "demo" else []))
    one_error_line(result, 2, "fr")
    assert not (tmp_path / "demo").exists()


def test_bad_as_of_date_in_chinese():
    result = run("validate", SAMPLE, "--as-of", "2026-13-01", "--lang", "zh")
    one_error_line(result, 2, "2026-13-01", "YYYY-MM-DD")
