"""The command line as a user runs it: exit codes, languages, JSON, annotate, no tracebacks."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import openpyxl
import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from conftest import REPO, TASK_HEADERS, require, tree_hashes

runner = CliRunner()

GOOD = ["T-1", "P1", "Do it", "", "张伟", date(2026, 11, 2), date(2026, 11, 30), "In progress", 0.5, 8]
BAD = ["T-2", "P1", "Broken", "", "张伟", date(2026, 11, 2), "next Friday", "Nearly there", 0.5, 8]


@pytest.fixture
def inputs(make_workbook, tmp_path):
    make_workbook("IT.xlsx", {"Tasks": [TASK_HEADERS, GOOD]})
    make_workbook("客服部.xlsx", {"任务清单": [TASK_HEADERS, BAD]})
    (tmp_path / "in" / "~$IT.xlsx").write_bytes(b"lock")           # Excel's owner file: skipped
    (tmp_path / "in" / "notes.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return tmp_path / "in"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_validate_lists_findings_by_file_sheet_cell(inputs):
    result = invoke("validate", inputs, "--as-of", "2026-11-24")
    assert result.exit_code == 1
    assert "客服部.xlsx" in result.output and "G2" in result.output and "H2" in result.output
    assert "PNG" in result.output
    assert "Traceback" not in result.output


def test_validate_in_chinese(inputs):
    result = invoke("validate", inputs, "--lang", "zh", "--as-of", "2026-11-24")
    assert result.exit_code == 1
    assert "不是有效日期" in result.output and "不在可选值" in result.output


def test_validate_json(inputs):
    result = invoke("validate", inputs, "--json", "--as-of", "2026-11-24")
    payload = json.loads(result.output)
    found = {(f["file"], f["cell"], f["code"]) for f in payload["findings"]}
    assert {("客服部.xlsx", "G2", "bad-date"), ("客服部.xlsx", "H2", "not-in-list")} <= found
    assert ("notes.xlsx", None, "file-not-spreadsheet") in found
    assert payload["errors"] >= 3


def test_clean_input_exits_zero(make_workbook, tmp_path):
    make_workbook("IT.xlsx", {"Tasks": [TASK_HEADERS, GOOD]})
    result = invoke("validate", tmp_path / "in", "--as-of", "2026-11-24")
    assert result.exit_code == 0, result.output


def test_annotate_writes_copies_and_leaves_inputs_alone(inputs, tmp_path):
    before = tree_hashes(inputs)
    result = invoke("validate", inputs, "--as-of", "2026-11-24", "--annotate", tmp_path / "checked")
    assert result.exit_code == 1
    copies = sorted(p.name for p in (tmp_path / "checked").iterdir())
    assert any(name.startswith("客服部") for name in copies)
    book = openpyxl.load_workbook(next((tmp_path / "checked").glob("客服部*")))
    assert book["任务清单"]["G2"].comment is not None
    assert tree_hashes(inputs) == before


@pytest.mark.parametrize("args, needle", [
    (["validate", "/no/such/folder"], "Error:"),
    (["validate", ".", "--as-of", "24.11.2026"], "Error:"),
    (["validate", ".", "--lang", "fr"], "Error:"),
])
def test_unusable_calls_exit_2_without_traceback(args, needle):
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert needle in result.output and "Traceback" not in result.output


def test_bad_config_names_the_key(inputs, tmp_path):
    config = tmp_path / "toolkit.toml"
    config.write_text("[thresholds]\ndue_soon_dayz = 3\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(inputs), "--config", str(config)])
    assert result.exit_code == 2
    assert "thresholds.due_soon_dayz" in result.output


@pytest.mark.parametrize("command", [[sys.executable, "-m", "toolkit"],
                                     [os.path.join(os.path.dirname(sys.executable), "toolkit")]])
def test_module_and_console_script(command, inputs):
    require("the toolkit console script", os.path.exists(command[0]))
    done = subprocess.run(command + ["validate", str(inputs), "--as-of", "2026-11-24"], capture_output=True,
                          text=True, cwd=REPO)
    assert done.returncode == 1
    assert "客服部.xlsx" in done.stdout
    assert "Traceback" not in done.stderr


def test_every_command_has_help_with_an_example():
    for command in ("validate", "consolidate", "init", "demo"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output
