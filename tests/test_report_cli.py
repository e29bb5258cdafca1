"""`toolkit report weekly|closure` and `toolkit send` end to end: files, archive, lessons
register, and email to a real SMTP server (aiosmtpd) on 127.0.0.1."""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from report_fixtures import SAMPLE
from smtp_server import SmtpServer
from toolkit.cli import app
from toolkit.sample import P_RC

runner = CliRunner()


def workspace(folder: Path, port: int | None = None) -> Path:
    email = (f'[email]\ntransport = "smtp"\nhost = "127.0.0.1"\nport = {port}\n'
             f'recipients = ["Boss 老板 <boss@example.com>"]\nretries = 0\n') if port else ""
    (folder / "toolkit.toml").write_text(f'language = "en"\n{email}', encoding="utf-8")
    return folder / "toolkit.toml"


def call(*args: str):
    return runner.invoke(app, list(args))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_weekly_report_is_emailed_with_its_attachment_intact(tmp_path):
    with SmtpServer() as server:
        config = workspace(tmp_path, server.port)
        first = call("report", "weekly", "--as-of", "2026-11-17", "--inputs", str(SAMPLE), "--config", str(config))
        assert first.exit_code == 0, first.output
        result = call("report", "weekly", "--as-of", "2026-11-24", "--inputs", str(SAMPLE), "--config", str(config),
                      "--lang", "zh", "--email")
        assert result.exit_code == 0, result.output
        assert "周环比数字对比的是 2026-11-17 的快照" in result.output
        report = tmp_path / "output" / "reports" / "weekly_2026-11-24_zh.docx"
        assert len(server.messages) == 1
        message = server.messages[0]
        parts = [p for p in message.iter_attachments()]
        assert [p.get_filename() for p in parts] == [report.name]
        assert sha(parts[0].get_payload(decode=True)) == sha(report.read_bytes())
        assert "2026-W48" in message["Subject"]
        # the same week again: held back by the sent log, not sent twice
        again = call("report", "weekly", "--as-of", "2026-11-24", "--inputs", str(SAMPLE), "--config", str(config),
                     "--email")
        assert again.exit_code == 0, again.output
        assert len(server.messages) == 1


def test_send_a_file_to_someone(tmp_path):
    attachment = tmp_path / "周报.pdf"
    attachment.write_bytes(b"%PDF-1.4 test\n")
    with SmtpServer() as server:
        config = workspace(tmp_path, server.port)
        result = call("send", str(attachment), "--to", "ceo@example.com", "--config", str(config))
        assert result.exit_code == 0, result.output
        message = server.messages[0]
        assert "ceo@example.com" in message["To"]
        part = next(message.iter_attachments())
        assert part.get_filename() == "周报.pdf" and part.get_payload(decode=True) == attachment.read_bytes()


def test_closure_archive_manifest_and_lessons_register(tmp_path):
    config = workspace(tmp_path)
    result = call("report", "closure", P_RC, "--archive", "--as-of", "2026-11-24", "--inputs", str(SAMPLE),
                  "--config", str(config))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "archive" / P_RC / "2026-11-24"
    with open(folder / "manifest.csv", encoding="utf-8-sig") as handle:
        manifest = list(csv.DictReader(handle))
    files = {row["file"] for row in manifest}
    assert {"sources/采购部.xlsx", "master/master.xlsx", f"reports/closure_{P_RC}_2026-11-24_en.docx"} == files
    for row in manifest:
        data = (folder / row["file"]).read_bytes()
        assert sha(data) == row["sha256"] and len(data) == int(row["size"])
    assert sha((folder / "sources" / "采购部.xlsx").read_bytes()) == sha((SAMPLE / "采购部.xlsx").read_bytes())

    register = tmp_path / "archive" / "lessons_register.xlsx"
    rows = list(openpyxl.load_workbook(register).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert sorted(r[2] for r in rows) == ["Finance joined the rules workshop from the first day",
                                          "The export script was tested on one month of data only"]

    # the same day again: the archive is never overwritten
    again = call("report", "closure", P_RC, "--archive", "--as-of", "2026-11-24", "--inputs", str(SAMPLE),
                 "--config", str(config))
    assert again.exit_code == 3 and "never overwritten" in again.output
    # a later closure run archives anew, and the register gains no duplicate
    later = call("report", "closure", P_RC, "--archive", "--as-of", "2026-11-25", "--inputs", str(SAMPLE),
                 "--config", str(config), "--lang", "zh")
    assert later.exit_code == 0, later.output
    assert "新增 0 条，已有 2 条" in later.output
    rows = list(openpyxl.load_workbook(register).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2


@pytest.mark.parametrize("args, words", [
    (["report", "closure", "No such project"], "no project named No such project"),
    (["report", "weekly", "--project", "Nope"], "no project named Nope"),
    (["report", "weekly", "--template", "missing.docx"], "missing.docx does not exist"),
    (["report", "weekly", "--project", "X", "--all"], "not both"),
])
def test_report_errors_are_one_line(tmp_path, args, words):
    config = workspace(tmp_path)
    result = call(*args, "--as-of", "2026-11-24", "--inputs", str(SAMPLE), "--config", str(config))
    assert result.exit_code in (2, 3) and words in result.output and "Traceback" not in result.output


def test_closure_slip_counts_from_the_first_recorded_due_date(tmp_path, make_workbook):
    """The plan moved a task's due date later; the closure summary still measures the slip
    from the first due date the history recorded."""
    from datetime import date

    from toolkit import pipeline
    from toolkit.config import Settings

    def project_book(due: str):
        return make_workbook("PMO.xlsx", {
            "Tasks": [["Task ID", "Project", "Task", "Department", "Owner", "Start", "Due", "Status", "% Complete",
                       "Completed On"],
                      ["T1", "P", "Write the plan", "PMO", "Ann", date(2026, 11, 2), date.fromisoformat(due), "Done",
                       1, date(2026, 11, 13)]],
            "Team": [["Name", "Department"], ["Ann", "PMO"]],
            "Projects": [["Project", "Phase", "End"], ["P", "Closed", date(2026, 11, 13)]],
        })
    settings = Settings(base_dir=tmp_path)
    folder = project_book("2026-11-06").parent
    pipeline.run_consolidation([folder], settings, date(2026, 11, 6), stamp="first")
    project_book("2026-11-13")                     # the due date was moved to when it was done
    outcome = pipeline.run_closure(settings, date(2026, 11, 16), "P", stamp="closing", paths=[folder])
    [task] = outcome.context["tasks"]
    assert (task["first_due"], task["due"], task["slip"]) == ("2026-11-06", "2026-11-13", 5)
    assert task["slip_text"] == "5 working days late" and "first recorded 2026-11-06" in task["first_due_from"]
