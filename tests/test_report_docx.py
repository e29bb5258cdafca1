"""Word reports read back with python-docx; templates checked before rendering; PDFs by LibreOffice."""
from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from conftest import require_soffice
from report_fixtures import sample_run
from toolkit.history import History
from toolkit.outputs.docx_report import (TemplateError, convert_all, convert_to_pdf, find_cjk_font, find_split_tags, preflight,
                                         render_report)
from toolkit.outputs.report_templates import NAMES, TEMPLATE_DIR, build
from toolkit.present.closure import closure_context
from toolkit.present.weekly import WeekBefore, weekly_context
from toolkit.sample import P_CS, P_RC, SAMPLE_AS_OF


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return sample_run(tmp_path_factory.mktemp("docx"))


@pytest.fixture(scope="module")
def contexts(run):
    with History(run.history_url) as history:
        snap = history.snapshot_near(date(2026, 11, 17), before=SAMPLE_AS_OF)
    before = WeekBefore(snap.as_of, snap.label, snap.rows)
    return {f"weekly_{lang}": weekly_context(run, lang, week_before=before, generated="test") for lang in ("en", "zh")} \
        | {f"closure_{lang}": closure_context(run, P_RC, lang, generated="test") for lang in ("en", "zh")}


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def tables(document) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]


def table_with(document, header: str) -> list[list[str]]:
    return next(t for t in tables(document) if header in t[0])


@pytest.mark.parametrize("name", NAMES)
def test_every_shipped_template_passes_the_preflight(name, contexts):
    preflight(TEMPLATE_DIR / f"{name}.docx", contexts[name])
    assert find_split_tags(TEMPLATE_DIR / f"{name}.docx") == []


def test_shipped_templates_are_what_the_builder_makes(tmp_path):
    """report_templates/*.docx are generated: the committed ones equal fresh ones, text and tables."""
    for name in NAMES:
        fresh = build(name).save(tmp_path / f"{name}.docx")
        a, b = docx.Document(str(fresh)), docx.Document(str(TEMPLATE_DIR / f"{name}.docx"))
        assert texts(a) == texts(b) and tables(a) == tables(b), name


def test_weekly_report_content_matches_the_run(tmp_path, contexts, run):
    out = render_report(TEMPLATE_DIR / "weekly_en.docx", contexts["weekly_en"], tmp_path / "w.docx")
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["This week against last week", "Project health", "KPIs"]
    assert "Decisions needed" in headings
    assert contexts["weekly_en"]["headline"] in texts(document)
    assert "Compared with the snapshot of 17 Nov 2026 (run week before)." in texts(document)
    kpis = table_with(document, "Attainment")
    assert ["客服系统升级", "平均响应时间", "36 小时", "24 小时", "28 小时", "67%", "No"] in kpis
    overdue = table_with(document, "Days late")
    assert overdue[1][:2] == ["CS-005", "回访话术更新"] and overdue[1][5] == "7"
    assert len(overdue) - 1 == sum(v.flags.overdue for v in run.analysis.tasks)
    health = {row[0]: row for row in table_with(document, "Health")[1:] if len(row) > 3}
    assert health[P_CS][2] == "Red" and health[P_RC][2] == "Green"
    # the RAG cell is shaded with the master's colour
    cell = next(r for r in document.tables[1].rows if r.cells[0].text == P_CS).cells[2]
    assert cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "FFC7CE"
    assert len(document.inline_shapes) == (1 if find_cjk_font() else 0)
    header = document.sections[0].header.paragraphs[0].text
    assert header == "Weekly PMO report · 2026-11-24"
    footer_xml = document.sections[0].footer._element.xml
    assert " PAGE " in footer_xml and " NUMPAGES " in footer_xml


def test_chinese_report_has_chinese_headings_and_east_asian_fonts(tmp_path, contexts):
    out = render_report(TEMPLATE_DIR / "weekly_zh.docx", contexts["weekly_zh"], tmp_path / "w.docx")
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["本周与上周对比", "项目健康度", "关键指标"]
    fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Microsoft YaHei"
    assert document.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "Microsoft YaHei"


def test_chart_without_a_cjk_font_says_so(tmp_path, contexts):
    out = render_report(TEMPLATE_DIR / "weekly_zh.docx", contexts["weekly_zh"], tmp_path / "w.docx", cjk_font=None)
    document = docx.Document(str(out))
    assert len(document.inline_shapes) == 0
    assert contexts["weekly_zh"]["department_chart"]["fallback"] in texts(document)


def test_closure_summary_content(tmp_path, contexts):
    out = render_report(TEMPLATE_DIR / "closure_zh.docx", contexts["closure_zh"], tmp_path / "c.docx")
    document = docx.Document(str(out))
    assert "供应商对账自动化" in texts(document)
    schedule = table_with(document, "偏差")
    assert ["RC-002", "ERP statement export script", "胡斌"] == schedule[2][:3]
    assert schedule[2][5] == "延后 2 个工作日"
    assert [r[3] for r in table_with(document, "结果")[1:]] == ["通过", "通过"]
    assert "尚未归档：运行 toolkit report closure 时加上 --archive。" in texts(document)


def _swap_sections(template: Path, first: str, second: str, until: str, target: Path) -> Path:
    """Restyle in code what a user would in Word: another font, two sections swapped."""
    document = docx.Document(str(template))
    document.styles["Normal"].font.name = "Times New Roman"
    document.styles["Heading 1"].font.size = docx.shared.Pt(18)
    body = document.element.body
    children = list(body)
    index = {p.text: children.index(p._p) for p in document.paragraphs if p.text in (first, second, until)}
    block_a = children[index[first]:index[second]]
    block_b = children[index[second]:index[until]]
    anchor = children[index[until]]
    for element in block_a + block_b:
        body.remove(element)
    for element in block_b + block_a:
        anchor.addprevious(element)
    document.save(str(target))
    return target


def test_a_restyled_template_still_renders(tmp_path, contexts):
    template = _swap_sections(TEMPLATE_DIR / "weekly_en.docx", "Done this week", "Due next week", "Overdue",
                              tmp_path / "mine.docx")
    out = render_report(template, contexts["weekly_en"], tmp_path / "w.docx")
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("Due next week") < headings.index("Done this week") < headings.index("Overdue")
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert ["CS-005", "回访话术更新"] == table_with(document, "Days late")[1][:2]


def _edit_run(template: Path, target: Path, old: str, *new: str) -> Path:
    """Replace the run whose text is `old` by runs `new` (Word splitting a tag it reformatted)."""
    document = docx.Document(str(template))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.text == old:
                run.text = new[0]
                anchor = run._r
                for piece in new[1:]:
                    extra = copy.deepcopy(anchor)
                    extra.find(qn("w:t")).text = piece
                    anchor.addnext(extra)
                    anchor = extra
                document.save(str(target))
                return target
    raise AssertionError(f"no run {old!r}")


def test_a_tag_split_by_word_is_named(tmp_path, contexts):
    template = _edit_run(TEMPLATE_DIR / "weekly_en.docx", tmp_path / "split.docx", "{{ headline }}",
                         "{{ head", "line }}")
    with pytest.raises(TemplateError) as info:
        render_report(template, contexts["weekly_en"], tmp_path / "w.docx")
    assert info.value.code == "report_split_tag" and "{{ headline }}" in info.value.message("en")
    assert "{{ headline }}" in info.value.message("zh")


def test_a_tag_cut_across_paragraphs_is_named(tmp_path, contexts):
    document = docx.Document(str(TEMPLATE_DIR / "weekly_en.docx"))
    paragraph = next(p for p in document.paragraphs if p.text == "{{ headline }}")
    paragraph.runs[0].text = "{{ head"
    after = copy.deepcopy(paragraph._p)
    paragraph._p.addnext(after)
    docx.text.paragraph.Paragraph(after, paragraph._parent).runs[0].text = "line }}"
    document.save(str(tmp_path / "cut.docx"))
    with pytest.raises(TemplateError) as info:
        preflight(tmp_path / "cut.docx", contexts["weekly_en"])
    assert info.value.code == "report_split_tag" and "{{ head" in info.value.message("en")


@pytest.mark.parametrize("tag, named", [("{{ budget }}", "budget"), ("{{ report.nmae }}", "nmae")])
def test_a_tag_the_data_lacks_is_named(tmp_path, contexts, tag, named):
    template = _edit_run(TEMPLATE_DIR / "weekly_en.docx", tmp_path / "extra.docx", "{{ headline }}", tag)
    with pytest.raises(TemplateError) as info:
        render_report(template, contexts["weekly_en"], tmp_path / "w.docx")
    assert named in info.value.message("en")
    assert not (tmp_path / "w.docx").exists()


def test_a_missing_template_is_a_clear_error(tmp_path, contexts):
    with pytest.raises(TemplateError) as info:
        render_report(tmp_path / "nope.docx", contexts["weekly_en"], tmp_path / "w.docx")
    assert "nope.docx" in info.value.message("en")


@pytest.mark.client
def test_libreoffice_converts_each_report_and_the_pdf_holds_the_words(tmp_path, contexts):
    require_soffice()
    from pypdf import PdfReader

    expected = {"weekly_en": ["Project health", "平均响应时间", "Inventory accuracy", "Decisions needed"],
                "weekly_zh": ["项目健康度", "关键指标", "各部门进展", "平均响应时间", "需要决策的事项"],
                "closure_en": ["Goal and KPIs", "Monthly reconciliation time", "Lessons and follow-up actions"],
                "closure_zh": ["目标与关键指标", "Monthly reconciliation time", "经验教训与后续行动"]}
    documents = [render_report(TEMPLATE_DIR / f"{name}.docx", contexts[name], tmp_path / f"{name}.docx")
                 for name in expected]
    for (name, words), pdf in zip(expected.items(), convert_all(documents)):
        content = "".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
        flat = "".join(content.split())
        for word in words:
            assert "".join(word.split()) in flat, (name, word)
    # one document alone, the way --pdf does it
    assert convert_to_pdf(documents[0]).name == "weekly_en.pdf"


def test_pdf_without_libreoffice_is_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))          # no soffice on this PATH
    shutil.copy(TEMPLATE_DIR / "weekly_en.docx", tmp_path / "r.docx")
    from toolkit.errors import OutputError
    with pytest.raises(OutputError) as info:
        convert_to_pdf(tmp_path / "r.docx")
    assert "LibreOffice" in info.value.message("en") and "LibreOffice" in info.value.message("zh")
