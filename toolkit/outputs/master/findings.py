"""The Findings sheet: every validation problem, linked to its cell in the source workbook."""
from __future__ import annotations

import re

from ...errors import Finding, Severity
from ...present.palette import FILLS
from .book import MAX_LINKS, MAX_URL, MasterBook, clean_text, write_value


def write_findings(book: MasterBook) -> None:
    t, st = book.t, book.st
    ws = book.wb.add_worksheet(t("sheet.findings"))
    headers = [t("col.place"), t("col.severity"), t("col.code"), t("col.message"), t("col.value")]
    book.header(ws, 0, headers, [44, 10, 22, 60, 30])
    ws.freeze_panes(1, 0)
    if not book.findings:
        write_value(ws, 1, 0, t("master.findings.none"))
    links = 0
    r = 0
    for r, finding in enumerate(book.findings, start=1):
        place = clean_text(finding.place(book.lang))
        target = finding_link(finding)
        if target is not None and links < MAX_LINKS and \
                ws.write_url(r, 0, target, st.link, place or target[len("external:"):]) == 0:
            links += 1
        else:
            write_value(ws, r, 0, place)
        error = finding.severity is Severity.ERROR
        write_value(ws, r, 1, t(f"severity.{finding.severity.value}"),
                     st.get("text", FILLS["overdue"] if error else FILLS["amber"]))
        write_value(ws, r, 2, finding.code)
        try:
            message = finding.message(book.lang)
        except KeyError:
            message = finding.code
        write_value(ws, r, 3, message)
        write_value(ws, r, 4, finding.value if finding.value is None or isinstance(finding.value, str)
                     else str(finding.value))
    ws.autofilter(0, 0, max(r, 1), len(headers) - 1)


def finding_link(finding: Finding) -> str | None:
    """`external:<path>#'Sheet'!D14` (or just the path) for a finding with a source path."""
    path = finding.path
    if not path or "#" in path:
        return None
    path = clean_text(str(path))
    target = f"external:{path}"
    if finding.sheet and finding.cell and re.fullmatch(r"[A-Z]{1,3}[0-9]{1,7}", finding.cell):
        sheet = finding.sheet.replace("'", "''")
        target += f"#'{sheet}'!{finding.cell}"
    return target if len(target) <= MAX_URL else None
