"""`toolkit demo` itself: what `make demo` runs on a fresh machine."""
from __future__ import annotations

import openpyxl
from typer.testing import CliRunner

from conftest import REPO, tree_hashes
from toolkit.cli import app

SAMPLE = REPO / "workbooks" / "sample"


def test_demo_writes_its_outputs_and_says_where(tmp_path):
    before = tree_hashes(SAMPLE)
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "72 tasks · 5 overdue" in result.output
    assert f"Master written to {out / 'master.xlsx'}" in result.output
    assert "change(s) since the run of " in result.output and "(as of 2026-11-17)" in result.output
    book = openpyxl.load_workbook(out / "master.xlsx", read_only=True)
    assert book.sheetnames[:2] == ["Dashboard", "Tasks"]
    findings_en = (out / "findings_en.txt").read_text(encoding="utf-8")
    findings_zh = (out / "findings_zh.txt").read_text(encoding="utf-8")
    assert "8 error(s), 3 warning(s)" in findings_en and "8 个错误" in findings_zh
    assert sorted(p.name for p in (out / "annotated").iterdir()) == sorted(p.name for p in SAMPLE.glob("*.xlsx"))
    assert tree_hashes(SAMPLE) == before          # inputs are never modified
    # the Word reports of the same run, the closure archive and the email in the outbox
    reports = {p.name for p in (out / "reports").glob("*.docx")}
    assert reports == {"weekly_2026-11-24_en.docx", "weekly_2026-11-24_zh.docx",
                       "closure_供应商对账自动化_2026-11-24_en.docx", "closure_供应商对账自动化_2026-11-24_zh.docx"}
    assert (out / "archive" / "供应商对账自动化" / "2026-11-24" / "manifest.csv").is_file()
    [eml] = (out / "output" / "outbox").glob("*.eml")
    assert b"weekly_2026-11-24_en.docx" in eml.read_bytes()


def test_demo_in_chinese_twice_keeps_one_history(tmp_path):
    out = tmp_path / "demo"
    for _ in range(2):
        result = CliRunner().invoke(app, ["demo", "-o", str(out), "--lang", "zh"])
        assert result.exit_code == 0, result.output
    assert f"汇总表已写入 {out / 'master.xlsx'}" in result.output
    assert openpyxl.load_workbook(out / "master.xlsx", read_only=True).sheetnames[0] == "总览"
    assert len(list(out.glob("history*.sqlite"))) == 1
