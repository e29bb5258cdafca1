"""The workbook templates: generated from the schema, reproducible, read back cleanly by the toolkit."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from toolkit.outputs import templates
from toolkit.config import Settings
from toolkit.i18n import text
from toolkit.inputs.reader import read_workbook
from toolkit.pipeline import run_validation
from toolkit.schema import SHEETS, ColType
from conftest import AS_OF, REPO, workbook_content

COMMITTED = REPO / "workbooks" / "templates"
LANGS = sorted(templates.TEMPLATE_NAMES)


def committed(lang: str) -> Path:
    return COMMITTED / templates.TEMPLATE_NAMES[lang]


def validations(ws) -> dict[str, object]:
    """Column letter -> the data validation covering rows 2…LAST_ROW of that column."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            first, _, last = rng.partition(":")
            letters = "".join(ch for ch in first if ch.isalpha())
            if first == f"{letters}2" and last == f"{letters}{templates.LAST_ROW}":
                found[letters] = dv
    return found


def width_of(ws, index: int) -> float | None:
    """The width of the 1-based column `index` (openpyxl keeps a run of equal columns under its first)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= index <= dim.max:
            return dim.width
    return None


@pytest.mark.parametrize("lang", LANGS)
def test_committed_template_equals_a_fresh_build(lang, tmp_path):
    fresh = tmp_path / templates.TEMPLATE_NAMES[lang]
    templates.build_template(lang, fresh)
    assert workbook_content(fresh) == workbook_content(committed(lang)), \
        "workbooks/templates is out of date with toolkit/schema.py: run `make templates`"


def test_write_templates_writes_both_languages(tmp_path):
    paths = templates.write_templates(tmp_path)
    assert sorted(p.name for p in paths) == sorted(templates.TEMPLATE_NAMES.values())
    assert templates.main([str(tmp_path / "again")]) == 0
    assert workbook_content(tmp_path / "again" / templates.TEMPLATE_NAMES["zh"]) == workbook_content(committed("zh"))


def test_unknown_language_is_refused(tmp_path):
    with pytest.raises(ValueError, match="en, zh"):
        templates.build_template("fr", tmp_path / "x.xlsx")


@pytest.mark.parametrize("lang", LANGS)
def test_examples_read_back_without_findings(lang):
    data = read_workbook(committed(lang))
    assert data.findings == []
    assert [t.kind for t in data.tables] == [s.key for s in SHEETS]
    for table in data.tables:
        assert 2 <= len(table.records) <= 3, table.kind
        assert table.extra_headers == []
        assert set(table.columns) == {c.key for c in SHEETS[[s.key for s in SHEETS].index(table.kind)].columns}
    batch = run_validation([committed(lang)], Settings(), AS_OF).batch
    assert [(f.sheet, f.cell, f.code) for f in batch.findings] == []


@pytest.mark.parametrize("lang", LANGS)
def test_sheets_headers_and_frozen_rows(lang):
    wb = openpyxl.load_workbook(committed(lang))
    assert wb.sheetnames == [text("template.sheet.instructions", lang)] + [s.title(lang) for s in SHEETS]
    for spec in SHEETS:
        ws = wb[spec.title(lang)]
        assert [c.value for c in ws[1]] == [c.header(lang) for c in spec.columns]
        assert ws.freeze_panes == "A2"
        for cell, column in zip(ws[1], spec.columns):
            fill = cell.fill.fgColor.rgb[-6:]
            assert fill == (templates.REQUIRED_FILL if column.required else templates.OPTIONAL_FILL)[1:], column.key
            assert cell.font.b
            assert width_of(ws, cell.column) == pytest.approx(column.width, abs=1), column.key


@pytest.mark.parametrize("lang", LANGS)
def test_every_typed_column_has_its_validation_and_format(lang):
    wb = openpyxl.load_workbook(committed(lang))
    for spec in SHEETS:
        ws = wb[spec.title(lang)]
        found = validations(ws)
        for index, column in enumerate(spec.columns, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            dv = found.get(letter)
            example = ws.cell(row=2, column=index)
            if column.type is ColType.CHOICE:
                assert dv is not None and dv.type == "list", (spec.key, column.key)
                assert dv.formula1.strip('"').split(",") == [c.label(lang) for c in column.choices]
                assert dv.showDropDown in (None, False)   # openpyxl: True would hide the arrow
            elif column.type is ColType.SCALE:
                assert dv is not None and (dv.type, dv.formula1, dv.formula2) == ("whole", "1", "5"), column.key
                assert dv.operator in (None, "between")   # "between" is the default, left out of the file
            elif column.type is ColType.DATE:
                assert dv is not None and dv.type == "date", (spec.key, column.key)
                if example.value is not None:
                    assert example.number_format == templates.DATE_FORMAT
            elif column.type is ColType.PERCENT:
                assert dv is not None and dv.type == "decimal"
                assert example.number_format == "0%"
            elif column.type is ColType.NUMBER:
                assert dv is not None and dv.type == "decimal"
            else:
                assert dv is None, (spec.key, column.key)


@pytest.mark.parametrize("lang", LANGS)
def test_instructions_describe_every_sheet_and_column(lang):
    wb = openpyxl.load_workbook(committed(lang))
    ws = wb[text("template.sheet.instructions", lang)]
    rows = [r for r in ws.iter_rows(values_only=True)]
    first_cells = [r[0] for r in rows]
    for spec in SHEETS:
        assert spec.title(lang) in first_cells
        start = first_cells.index(spec.title(lang))
        assert rows[start][1] == text(f"template.sheet.{spec.key}", lang)
        described = {r[0]: r for r in rows[start + 2:start + 2 + len(spec.columns)]}
        for column in spec.columns:
            row = described[column.header(lang)]
            assert (row[1] == text("template.yes", lang)) is column.required
            assert row[4] == text(f"template.col.{spec.key}.{column.key}", lang)
            if column.type is ColType.CHOICE:
                assert row[3] == " / ".join(c.label(lang) for c in column.choices)


def test_a_list_too_long_for_excel_goes_to_a_hidden_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(templates, "LIST_LIMIT", 12)   # "High,Medium,Low" is 15 characters
    path = tmp_path / "long.xlsx"
    templates.build_template("en", path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[-1] == templates.LISTS_SHEET
    assert wb[templates.LISTS_SHEET].sheet_state == "hidden"
    dv = validations(wb["Tasks"])["K"]    # Priority
    assert dv.formula1.startswith(f"'{templates.LISTS_SHEET}'!$")
    lists = wb[templates.LISTS_SHEET]
    letter = dv.formula1.split("!$")[1].split("$")[0]
    assert [c.value for c in lists[letter] if c.value] == ["High", "Medium", "Low"]
    # the reader ignores the helper sheet
    assert read_workbook(path).findings == []
