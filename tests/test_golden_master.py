"""A golden content snapshot of the sample master, in English and Chinese.

Every sheet's cells (value, number format, fill, bold), frozen panes, widths and validations,
compared by content (not bytes), so any change to the master shows up in review as a diff of
`tests/golden/master_<lang>.json`. Regenerate on purpose only:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_master.py
"""
from __future__ import annotations

import json
import os
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from conftest import REPO, workbook_content
from toolkit.config import Settings
from toolkit.pipeline import run_consolidation
from toolkit.sample import SAMPLE_AS_OF

GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLE = REPO / "workbooks" / "sample"


def _plain(value: object) -> object:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _link(master: Path, link) -> str:
    """A link's target; a relative one (Findings links are relative to the master's folder,
    issue 8) as the absolute path it leads to, so the snapshot does not depend on folder depth."""
    target = (link.target or link.location or "").replace("\\", "/")
    if link.target and not target.startswith(("/", "http:", "https:", "mailto:", "file:")):
        from urllib.parse import unquote

        target = str((master.parent / unquote(target)).resolve())
    return target


def extras(master: Path) -> dict:
    """What workbook_content leaves out and the master relies on: conditional formats, links,
    merged cells and print settings, per sheet."""
    import openpyxl

    book = openpyxl.load_workbook(master)
    out = {}
    for ws in book.worksheets:
        rules = []
        for cf in ws.conditional_formatting:
            for rule in cf.rules:
                fill = rule.dxf.fill.fgColor.rgb if rule.dxf and rule.dxf.fill is not None else None
                rules.append([str(cf.sqref), rule.type, list(rule.formula or []), str(fill)])
        setup = ws.page_setup
        out[ws.title] = {
            "conditional_formats": sorted(rules),
            "links": {cell.coordinate: _link(master, cell.hyperlink)
                      for row in ws.iter_rows() for cell in row if cell.hyperlink is not None},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "print": [setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight,
                      ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                      ws.print_title_rows, ws.print_title_cols, ws.print_area, ws.oddFooter.center.text],
        }
    return out


def snapshot(master: Path, scratch: Path, sample: Path = SAMPLE) -> dict:
    """The master's content as JSON-ready data, with the run's own folders replaced by names."""
    content = workbook_content(master)
    for sheet, more in extras(master).items():
        content[sheet].update(more)
    text = json.dumps({sheet: {**data, "cells": {k: [_plain(v) for v in cell] for k, cell in data["cells"].items()}}
                       for sheet, data in content.items()}, ensure_ascii=False, sort_keys=True, default=str)
    text = text.replace(str(sample), "<sample>").replace(str(scratch), "<out>").replace(str(SAMPLE), "<sample>")
    return json.loads(text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sample_master_matches_its_golden_snapshot(lang, tmp_path):
    settings = Settings(base_dir=tmp_path, language=lang)
    master = tmp_path / "master.xlsx"
    # the sample with a fixed "last saved" time: the Dashboard shows each file's mtime (issue 10)
    sample = tmp_path / "in" / "sample"
    shutil.copytree(SAMPLE, sample)
    saved = datetime.combine(SAMPLE_AS_OF - timedelta(days=3), time(17, 30)).timestamp()
    for file in sample.iterdir():
        os.utime(file, (saved, saved))
    # a run a week earlier first, as `make demo` does, so the Changes sheet has content
    run_consolidation([sample], settings, SAMPLE_AS_OF - timedelta(days=7), output=master, stamp="golden a")
    run_consolidation([sample], settings, SAMPLE_AS_OF, output=master, stamp="golden b")
    got = snapshot(master, tmp_path, sample)
    golden = GOLDEN / f"master_{lang}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(expected), "sheets differ"
    for sheet in expected:
        for part in ("state", "freeze", "widths", "validations", "conditional_formats", "links", "merged", "print"):
            assert got[sheet][part] == expected[sheet][part], f"{sheet}: {part}"
        cells, want = got[sheet]["cells"], expected[sheet]["cells"]
        changed = sorted(set(cells) ^ set(want) | {k for k in set(cells) & set(want) if cells[k] != want[k]})
        assert not changed, f"{sheet}: {len(changed)} cells differ, first {changed[:5]}: " + \
            "; ".join(f"{k}: {want.get(k)} -> {cells.get(k)}" for k in changed[:3])
