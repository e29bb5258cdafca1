"""A team's own tracker mapped once (issue 9): `[columns]` per file pattern or department,
`[statuses]`, validated on load; `toolkit map` shows and writes the mapping."""
from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from conftest import write_workbook
from toolkit.cli import app
from toolkit.config import settings_from_dict
from toolkit.errors import ConfigError
from toolkit.pipeline import run_validation

AS_OF = date(2026, 11, 24)
ROWS = [["Nr", "Aufgabe", "Projekt", "Verantwortlich", "Beginn", "Termin", "Stand", "Anfrager"],
        ["A-1", "Angebot", "Umbau", "Jonas", date(2026, 11, 2), date(2026, 11, 20), "Erledigt", "Kunde"],
        ["A-2", "Montage", "Umbau", "Mia", date(2026, 11, 2), date(2026, 11, 20), "Offen", "Kunde"]]
MAPPING = {"Nr": "id", "Aufgabe": "title", "Projekt": "project", "Verantwortlich": "owner", "Beginn": "start",
           "Termin": "due", "Stand": "status", "Anfrager": ""}


@pytest.mark.parametrize("pattern", ["werk*.xlsx", "Werkstatt"])   # a file pattern or a department
def test_columns_and_statuses_mapped_in_the_config(tmp_path, pattern):
    write_workbook(tmp_path / "in" / "Werkstatt.xlsx", {"Plan": ROWS})
    settings = settings_from_dict({"columns": {pattern: MAPPING},
                                   "statuses": {"Erledigt": "done", "Offen": "Not started"}}, tmp_path)
    run = run_validation([tmp_path / "in"], settings, AS_OF)
    records = run.batch.records("tasks")
    assert [(r.values["id"], r.values["owner"], r.values["status"]) for r in records] == [
        ("A-1", "Jonas", "done"), ("A-2", "Mia", "not_started")]
    assert records[0].extras == {"Anfrager": "Kunde"}           # mapped to "": the team's own column
    assert [t.how for t in run.batch.workbooks[0].tables][0]["owner"] == "mapping"
    assert not [f for f in run.findings.findings if f.code in ("missing-column", "not-in-list")]


def test_without_the_mapping_the_sheet_is_named_and_not_read(tmp_path):
    write_workbook(tmp_path / "in" / "Werkstatt.xlsx", {"Plan": ROWS})
    run = run_validation([tmp_path / "in"], settings_from_dict({}, tmp_path), AS_OF)
    assert run.batch.records("tasks") == []
    assert {f.code for f in run.findings.findings} >= {"no-standard-sheet", "sheet-skipped"}


@pytest.mark.parametrize("data, key", [
    ({"columns": {"a*.xlsx": {"Wer": "ownr"}}}, "columns"),
    ({"columns": {"a*.xlsx": {"Wer": "nosuch.owner"}}}, "columns"),
    ({"statuses": {"Fertig": "finished!"}}, "statuses"),
])
def test_a_wrong_mapping_is_one_message_naming_it(tmp_path, data, key):
    with pytest.raises(ConfigError) as caught:
        settings_from_dict(data, tmp_path)
    assert f"'{key}'" in caught.value.message("en")


def test_toolkit_map_shows_and_writes(tmp_path):
    path = write_workbook(tmp_path / "kaola.xlsx", {"项目": [
        ["工作大类", "项目名称", "当前进度", "排期上线时间", "负责开发/QA", "需求方"],
        ["分销", "分销_运营优化", "已上线", date(2026, 11, 10), "司徒/马鑫", "万宇宁"],
        ["运营", "限时购v2.0", "排期中", date(2026, 11, 20), "周凯", "牛亚男"],
        ["运营", "专辑频道v1.0", "搞定了", date(2026, 11, 30), "陈仁广", "林橙"]]})
    config = tmp_path / "toolkit.toml"
    config.write_text("# keep me\n[thresholds]\ndue_soon_days = 3  # and me\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["map", str(path), "--config", str(config), "--lang", "zh", "--write",
                                      "--pattern", "kaola*.xlsx"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "工作表“项目”按“任务清单”读取" in out
    assert "状态       ← “当前进度”（按内容判断）例：“已上线”, “排期中”" in out
    assert "负责人      ← “负责开发/QA”（同义词）例：“司徒/马鑫”" in out
    assert "“需求方”" in out and "“搞定了”" in out
    written = config.read_text(encoding="utf-8")
    assert written.startswith("# keep me\n[thresholds]\ndue_soon_days = 3  # and me\n")
    assert '"当前进度" = "status"' in written and '"负责开发/QA" = "owner"' in written
    assert '# "搞定了" = ""' in written                 # a status word left for the user to map
    from toolkit.config import load_settings

    settings = load_settings(config)
    assert settings.thresholds.due_soon_days == 3 and settings.columns["kaola*.xlsx"]["项目名称"] == "title"
