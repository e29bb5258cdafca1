"""The Findings sheet: every validation problem, linked to its cell in the source workbook."""
from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Any

from xlsxwriter.url import Url

from ...errors import Finding, Severity
from ...present.palette import FILLS
from .book import _BAD_CHARS, MAX_LINKS, MAX_URL, MasterBook, clean_text, row_height, wrapped_lines, write_value
from .fast_rows import RowWriter, row_writer


def write_findings(book: MasterBook) -> None:
    t, st = book.t, book.st
    ws = book.wb.add_worksheet(t("sheet.findings"))
    headers = [t("col.place"), t("col.severity"), t("col.code"), t("col.message"), t("col.value")]
    widths = [36, 9, 18, 50, 20]
    book.header(ws, 0, headers, widths)
    ws.freeze_panes(1, 0)
    if not book.findings:
        write_value(ws, 1, 0, t("master.findings.none"))
    links = 0
    r = 0
    out = row_writer(ws)    # the cells as row XML (fast_rows); a link's target is still XlsxWriter's
    fast = isinstance(out, RowWriter)
    for r, finding in enumerate(book.findings, start=1):
        try:
            message = finding.message(book.lang)
        except KeyError:
            message = finding.code
        value = finding.value if finding.value is None or isinstance(finding.value, str) else str(finding.value)
        lines = max(wrapped_lines(message, widths[3]), wrapped_lines(value or "", widths[4]))
        if lines > 1:   # tall enough for the wrapped message (set before the row's cells)
            ws.set_row(r, row_height(min(lines, 20), message + (value or "")))
        place = clean_text(finding.place(book.lang))
        target = finding_link(finding, book.link_base, book.linkable)
        url = _url(target, place) if target is not None and links < MAX_LINKS else None
        if url is not None and _write_url(ws, out, r, url, st.link, fast) == 0:
            links += 1
        else:
            out.write_value(r, 0, place, st.get("text"))
        error = finding.severity is Severity.ERROR
        out.write_value(r, 1, t(f"severity.{finding.severity.value}"),
                        st.get("text", FILLS["overdue"] if error else FILLS["amber"]))
        out.write_value(r, 2, finding.code, st.get("text"))
        out.write_value(r, 3, message, st.get("wrap"))
        out.write_value(r, 4, value, st.get("wrap"))
    out.close()
    ws.autofilter(0, 0, max(r, 1), len(headers) - 1)
    book.print_setup(ws, widths, last_row=r, id_columns=1)


def _write_url(ws: Any, out: Any, row: int, url: Url, fmt: Any, fast: bool) -> int:
    """`ws.write_url(row, 0, url, fmt)`; with the row writer, XlsxWriter keeps the link (its
    checks, its limit, its relationship) and the row writer writes the cell's text."""
    if not fast:
        return int(ws.write_url(row, 0, url, fmt))
    ws.ignore_write_string = True
    try:
        got = int(ws.write_url(row, 0, url, fmt))
    finally:
        ws.ignore_write_string = False
    if got == 0:
        out.write_string(row, 0, url.text, fmt)
    return got


def finding_link(finding: Finding, base: Path | None = None, linkable: set[str] | None = None) -> str | None:
    r"""`external:../inputs/IT.xlsx#'Sheet'!D14` (or just the path) for a finding about a
    workbook that was read: relative to the master's folder `base`, with forward slashes.

    None (the place is shown as text) when the file was not read (`linkable` names those that
    were), when there is no path, or when the path could reach another host: a backslash in a
    POSIX name (Excel on Windows would read `\\host\share`), a drive or URL scheme, a path that
    cannot be made relative. A link never starts with `file:`, `//` or `\\`.
    """
    path = finding.path
    if not path or "#" in path:
        return None
    if linkable is not None and path not in linkable:
        return None
    if os.sep == "/" and "\\" in path:
        return None
    shown = _shown_path(path, None if base is None else str(base), os.getcwd())
    if shown is None:
        return None
    target = f"external:{shown}"
    if finding.sheet and finding.cell and re.fullmatch(r"[A-Z]{1,3}[0-9]{1,7}", finding.cell):
        sheet = finding.sheet.replace("'", "''")
        target += f"#'{sheet}'!{finding.cell}"
    return target if len(target) <= MAX_URL else None


@functools.lru_cache(maxsize=1024)      # a workbook's findings share its path (issue 7)
def _shown_path(path: str, base: str | None, cwd: str) -> str | None:
    """`path` relative to `base`, with forward slashes; None when it could reach another host.
    (`cwd` is part of the key: a relative path is resolved against it.)"""
    if base is not None:
        try:
            shown = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
        except ValueError:              # another drive (Windows): no relative path
            return None
    else:
        shown = path
    shown = shown.replace(os.sep, "/")
    if shown.startswith("/") or ":" in shown or "\\" in shown or _BAD_CHARS.search(shown):
        return None
    return shown


def _url(target: str, place: str) -> Url | None:
    """An XlsxWriter Url whose stored target keeps forward slashes (XlsxWriter turns a relative
    external path into Windows separators, which a Linux spreadsheet program cannot follow)."""
    if place.startswith("<r>") and place.endswith("</r>"):
        return None                     # shown as escaped text instead (book.write_text)
    try:
        url = Url(target)
    except ValueError:
        return None
    if isinstance(getattr(url, "_relationship_link", None), str):
        url._relationship_link = url._relationship_link.replace("\\", "/")
    url.text = place or target[len("external:"):]
    return url
