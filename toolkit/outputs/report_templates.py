"""Build the shipped Word templates in `report_templates/` from code (python-docx).

`python -m toolkit.outputs.report_templates` (or `make report-templates`) rewrites
weekly_en.docx, weekly_zh.docx, closure_en.docx and closure_zh.docx. They are ordinary Word
files with docxtpl (Jinja) tags: users restyle them in Word (fonts, colours, logo, wording,
section order) and the reports still render. The tags are the report context keys of
`toolkit.present.weekly` / `toolkit.present.closure` (README: "Report context").

What every template has: A4 pages; named styles a user can change once (Normal, Title,
Heading 1, Table Text, the table style "Light List Accent 1"); East Asian fonts set
(`w:eastAsia`, Microsoft YaHei, which Word on Chinese Windows has; elsewhere the viewer
substitutes a CJK font such as Noto Sans CJK SC) so Chinese never falls back to a Latin font;
a header with the report and its date, a footer with "Page N of M" (PAGE / NUMPAGES fields);
real Word tables whose rows repeat with `{%tr for … %}`; every tag in one run.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..i18n import text

TEMPLATE_DIR = Path(__file__).resolve().parent.parent.parent / "report_templates"
LATIN_FONT = "Calibri"
CJK_FONT = "Microsoft YaHei"         # eastAsia slot; LibreOffice/others substitute an installed CJK font
TABLE_STYLE = "Light List Accent 1"
TEXT_STYLE = "Table Text"            # a paragraph style for table cells, restyled once for all tables
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
NAMES = ("weekly_en", "weekly_zh", "closure_en", "closure_zh")


class _Builder:
    """One template document being written, in one language."""

    def __init__(self, lang: str, header_key: str):
        self.lang = lang
        self.doc = Document()
        self._page()
        self._styles()
        self._header_footer(header_key)

    def t(self, key: str) -> str:
        return text(key, self.lang)

    # ---------------------------------------------------------------- set-up

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(1.8)
        section.top_margin, section.bottom_margin = Cm(2.0), Cm(1.8)
        section.header_distance = section.footer_distance = Cm(0.9)

    def _styles(self) -> None:
        styles = self.doc.styles
        _fonts(self.doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")),
               self.lang)
        normal = styles["Normal"]
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(4)
        for name, size in (("Title", 20), ("Subtitle", 12), ("Heading 1", 14), ("Heading 2", 12),
                           ("Header", 8.5), ("Footer", 8.5), ("List Bullet", 10.5), ("Normal", 10.5)):
            style = styles[name]
            style.font.size = Pt(size)
            _fonts(style.element.get_or_add_rPr(), self.lang)
        for name in ("Title", "Heading 1", "Heading 2", "Subtitle"):
            styles[name].font.color.rgb = ACCENT
        if self.lang == "zh":
            styles["Subtitle"].font.italic = False      # Chinese has no italic: Word would slant it
        styles["Heading 1"].paragraph_format.space_before = Pt(14)
        styles["Heading 1"].paragraph_format.keep_with_next = True
        cell = styles.add_style(TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        cell.font.size = Pt(9)
        cell.paragraph_format.space_after = Pt(0)
        # one exact line height: Latin-only and Chinese cells of a row sit on the same baseline
        cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        cell.paragraph_format.line_spacing = Pt(12.5)
        _fonts(cell.element.get_or_add_rPr(), self.lang)
        if self.lang == "zh":
            lang = OxmlElement("w:lang")
            lang.set(qn("w:val"), "en-US")
            lang.set(qn("w:eastAsia"), "zh-CN")
            self.doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).append(lang)

    def _header_footer(self, header_key: str) -> None:
        section = self.doc.sections[0]
        head = section.header.paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        head.add_run(f"{self.t(header_key)} · {{{{ report.as_of }}}}")
        foot = section.footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
        foot.add_run(self.t("rt.page"))
        _field(foot, "PAGE")
        foot.add_run(self.t("rt.page_of"))
        _field(foot, "NUMPAGES")
        if self.t("rt.page_end"):
            foot.add_run(self.t("rt.page_end"))

    # ---------------------------------------------------------------- content

    def title(self, key: str) -> None:
        self.doc.add_paragraph(self.t(key), style="Title")

    def heading(self, key: str) -> None:
        self.doc.add_heading(self.t(key), level=1)

    def para(self, *parts: str, style: str | None = None, bold: bool = False, italic: bool = False) -> None:
        """A paragraph of runs; a part that starts with "rt." is a catalogue key, else literal (tags)."""
        paragraph = self.doc.add_paragraph(style=style)
        for part in parts:
            run = paragraph.add_run(self.t(part) if part.startswith("rt.") else part)
            # Chinese has no italic (Word slants the glyphs): muted colour instead
            run.bold, run.italic = bold or None, (italic and self.lang != "zh") or None
            if italic and self.lang == "zh":
                run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)

    def tag(self, tag: str) -> None:
        """A paragraph-level tag ({%p if … %}): the paragraph is removed when rendered."""
        self.doc.add_paragraph(tag)

    def table(self, heads: Sequence[str], cells: Sequence[str], loop: str, widths: Sequence[float]) -> None:
        """A Word table: a header row (repeated on each page), then one row per item of `loop`
        ("k in kpis"). `cells` are the row's tags; a cell "{% cellbg x.fill %}{{ … }}" is shaded."""
        table = self.doc.add_table(rows=4, cols=len(heads))
        table.style = self.doc.styles[TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _repeat_header(table.rows[0])
        for c, head in enumerate(heads):
            self._cell(table.cell(0, c), self.t(head), bold=True)
            self._cell(table.cell(2, c), cells[c])
        self._cell(table.cell(1, 0), f"{{%tr for {loop} %}}")
        self._cell(table.cell(3, 0), "{%tr endfor %}")
        _widths(table, widths)

    def pairs(self, rows: Sequence[tuple[str, str]], widths: tuple[float, float] = (4.0, 13.4)) -> None:
        """A two-column table of label and value (project facts)."""
        table = self.doc.add_table(rows=len(rows), cols=2)
        table.style = self.doc.styles[TABLE_STYLE]
        for r, (label, value) in enumerate(rows):
            self._cell(table.cell(r, 0), self.t(label), bold=True)
            self._cell(table.cell(r, 1), value)
        _widths(table, widths)
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        look.set(qn("w:firstRow"), "0")
        look.set(qn("w:val"), "0400")                # no header row: every row is a fact

    def _cell(self, cell, value: str, bold: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.style = self.doc.styles[TEXT_STYLE]
        run = paragraph.add_run(value)
        if bold:
            run.bold = True

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        props = self.doc.core_properties
        props.author = props.last_modified_by = "Ops Tracker Toolkit"
        props.title = path.stem
        from datetime import datetime
        props.created = props.modified = datetime(2026, 1, 1)    # reproducible files, no clock
        props.revision = 1
        self.doc.save(str(path))
        _fix_zip_dates(path)
        return path


def _fix_zip_dates(path: Path) -> None:
    """Rewrite the .docx with fixed entry dates, so a rebuild gives the same bytes (clean git)."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            target.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data,
                            compress_type=zipfile.ZIP_DEFLATED)


def _fonts(rpr, lang: str) -> None:
    """Latin and East Asian fonts on a run-properties element, replacing theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), CJK_FONT)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / "1" / end runs."""
    def run_with(child) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _widths(table, widths: Sequence[float]) -> None:
    """Fixed column widths Word and LibreOffice both honour: the grid, every cell, the table's
    total; plain first column (the table style's first-column emphasis off)."""
    table.autofit = False
    tbl = table._tbl
    for col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for c, width in enumerate(widths):
            row.cells[c].width = Cm(width)
    tbl_pr = tbl.tblPr
    total = tbl_pr.find(qn("w:tblW"))
    if total is None:
        total = OxmlElement("w:tblW")
        tbl_pr.append(total)
    total.set(qn("w:w"), str(int(sum(Cm(w).twips for w in widths))))
    total.set(qn("w:type"), "dxa")
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:firstColumn"), "0")
        look.set(qn("w:val"), "0420")


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


# ====================================================================== the two reports

def build_weekly(lang: str) -> _Builder:
    b = _Builder(lang, "rt.weekly.header")
    b.title("rt.weekly.title")
    b.para("rt.weekly.period", "{{ report.period }}", style="Subtitle")
    b.para("rt.weekly.scope", "{{ report.scope }}")
    b.para("{{ headline }}", bold=True)
    b.para("{{ compared_text }}", italic=True)

    b.heading("rt.weekly.wow")
    b.table(["rt.col.figure", "rt.col.this_week", "rt.col.last_week", "rt.col.change"],
            ["{{ f.name }}", "{{ f.now }}", "{{ f.before }}", "{{ f.delta }}"], "f in figures", [6, 3.5, 3.5, 3])

    b.heading("rt.weekly.health")
    b.table(["rt.col.project", "rt.col.phase", "rt.col.health", "rt.col.tasks", "rt.col.done", "rt.col.overdue",
             "rt.col.why"],
            ["{{ p.name }}", "{{ p.phase }}", "{% cellbg p.fill %}{{ p.rag_label }}", "{{ p.tasks }}", "{{ p.done }}",
             "{{ p.overdue }}", "{{ p.reasons }}"], "p in projects", [3.0, 1.9, 1.6, 1.5, 1.5, 1.7, 6.2])
    b.para("rt.legend", style=TEXT_STYLE)
    b.table(["rt.col.health", "rt.col.why"], ["{% cellbg l.fill %}{{ l.label }}", "{{ l.meaning }}"],
            "l in rag_legend", [2.5, 10])

    b.heading("rt.weekly.kpis")
    b.table(["rt.col.project", "rt.col.kpi", "rt.col.baseline", "rt.col.target", "rt.col.actual",
             "rt.col.attainment", "rt.col.met"],
            ["{{ k.project }}", "{{ k.name }}", "{{ k.baseline }}", "{{ k.target }}", "{{ k.actual }}",
             "{{ k.attainment }}", "{% cellbg k.fill %}{{ k.met_label }}"], "k in kpis",
            [3.0, 3.8, 1.9, 1.9, 1.9, 2.6, 2.3])

    b.heading("rt.weekly.departments")
    b.table(["rt.col.department", "rt.col.tasks", "rt.col.done", "rt.col.in_progress", "rt.col.not_started",
             "rt.col.blocked", "rt.col.overdue", "rt.col.progress"],
            ["{{ d.name }}", "{{ d.tasks }}", "{{ d.done }}", "{{ d.in_progress }}", "{{ d.not_started }}",
             "{{ d.blocked }}", "{{ d.overdue }}", "{{ d.progress }}"], "d in departments",
            [3.0, 1.5, 1.5, 2.1, 2.1, 1.9, 1.9, 3.4])
    chart = b.doc.add_paragraph()
    chart.alignment = WD_ALIGN_PARAGRAPH.CENTER
    chart.add_run("{{ department_chart }}")

    _task_section(b, "rt.weekly.done", "done_this_week", "rt.weekly.done_none",
                  ["rt.col.id", "rt.col.task", "rt.col.project", "rt.col.owner", "rt.col.completed_on"],
                  ["{{ x.id }}", "{{ x.title }}", "{{ x.project }}", "{{ x.owner }}", "{{ x.completed_on }}"],
                  [2, 6.5, 3.6, 2.5, 2.8])
    _task_section(b, "rt.weekly.next", "due_next_week", "rt.weekly.next_none",
                  ["rt.col.id", "rt.col.task", "rt.col.owner", "rt.col.department", "rt.col.due", "rt.col.percent"],
                  ["{{ x.id }}", "{{ x.title }}", "{{ x.owner }}", "{{ x.department }}", "{{ x.due }}",
                   "{{ x.percent }}"], [2, 6.0, 2.4, 2.6, 2.4, 2])
    _task_section(b, "rt.weekly.overdue", "overdue", "rt.weekly.overdue_none",
                  ["rt.col.id", "rt.col.task", "rt.col.owner", "rt.col.department", "rt.col.due", "rt.col.days_late",
                   "rt.col.percent"],
                  ["{{ x.id }}", "{{ x.title }}", "{{ x.owner }}", "{{ x.department }}", "{{ x.due }}",
                   "{% cellbg 'FFC7CE' %}{{ x.days_late }}", "{{ x.percent }}"], [2, 5.0, 2.2, 2.6, 2.4, 1.6, 1.6])
    _task_section(b, "rt.weekly.at_risk", "at_risk", "rt.weekly.at_risk_none",
                  ["rt.col.id", "rt.col.task", "rt.col.owner", "rt.col.due", "rt.col.why"],
                  ["{{ x.id }}", "{{ x.title }}", "{{ x.owner }}", "{{ x.due }}", "{{ x.why }}"],
                  [2, 5.6, 2.2, 2.4, 5.2])
    _task_section(b, "rt.weekly.risks", "risks", "rt.weekly.risks_none",
                  ["rt.col.id", "rt.col.risk", "rt.col.project", "rt.col.score", "rt.col.level", "rt.col.owner",
                   "rt.col.mitigation"],
                  ["{{ x.id }}", "{{ x.risk }} {{ x.note }}", "{{ x.project }}", "{{ x.score }}",
                   "{{ x.level_label }}", "{{ x.owner }}", "{{ x.mitigation }}"], [1.8, 4.4, 3.0, 1.2, 1.3, 1.8, 3.9])
    _task_section(b, "rt.weekly.overloaded", "overloaded", "rt.weekly.overloaded_none",
                  ["rt.col.owner", "rt.col.weeks"], ["{{ x.owner }}", "{{ x.weeks }}"], [3, 14.4])
    _task_section(b, "rt.weekly.acceptances", "acceptances", "rt.weekly.acceptances_none",
                  ["rt.col.project", "rt.col.milestone", "rt.col.due", "rt.col.status", "rt.col.criteria",
                   "rt.col.note"],
                  ["{{ x.project }}", "{{ x.milestone }}", "{{ x.due }}", "{{ x.status }}", "{{ x.criteria }}",
                   "{{ x.note }}"], [3, 2.8, 2.5, 1.7, 5.2, 2.2])
    b.heading("rt.weekly.decisions")
    b.tag("{%p if decisions %}")
    b.para("rt.weekly.decisions_intro")
    b.table(["rt.col.id", "rt.col.task", "rt.col.owner", "rt.col.project", "rt.col.why"],
            ["{{ x.id }}", "{{ x.title }}", "{{ x.owner }}", "{{ x.project }}", "{{ x.why }}"], "x in decisions",
            [2, 5.4, 2.2, 3, 4.8])
    b.tag("{%p else %}")
    b.para("rt.weekly.decisions_none")
    b.tag("{%p endif %}")
    b.para("rt.weekly.source", "{{ report.source }}", style=TEXT_STYLE, italic=True)
    return b


def _task_section(b: _Builder, heading: str, key: str, none: str, heads: list[str], cells: list[str],
                  widths: list[float]) -> None:
    b.heading(heading)
    b.tag(f"{{%p if {key} %}}")
    b.table(heads, cells, f"x in {key}", widths)
    b.tag("{%p else %}")
    b.para(none)
    b.tag("{%p endif %}")


def build_closure(lang: str) -> _Builder:
    b = _Builder(lang, "rt.closure.header")
    b.title("rt.closure.title")
    b.para("{{ project.name }}", style="Subtitle")
    b.pairs([("rt.closure.sponsor", "{{ project.sponsor }}"), ("rt.closure.manager", "{{ project.manager }}"),
             ("rt.closure.goal", "{{ project.goal }}"), ("rt.closure.scope", "{{ project.scope }}"),
             ("rt.closure.planned", "{{ project.start }} – {{ project.end }}"),
             ("rt.closure.phase", "{{ project.phase }}"),
             ("rt.closure.health", "{% cellbg health.fill %}{{ health.rag_label }}: {{ health.reasons }}")])

    b.heading("rt.closure.kpis")
    b.para("{{ kpi_summary }}")
    b.table(["rt.col.kpi", "rt.col.baseline", "rt.col.target", "rt.col.actual", "rt.col.attainment", "rt.col.met"],
            ["{{ k.name }}", "{{ k.baseline }}", "{{ k.target }}", "{{ k.actual }}", "{{ k.attainment }}",
             "{% cellbg k.fill %}{{ k.met_label }}"], "k in kpis", [5.0, 2.3, 2.3, 2.3, 2.8, 2.7])

    b.heading("rt.closure.schedule")
    b.para(b.t("rt.closure.schedule_line"))
    b.table(["rt.col.id", "rt.col.task", "rt.col.owner", "rt.col.first_due", "rt.col.done_on", "rt.col.slip"],
            ["{{ x.id }}", "{{ x.title }}", "{{ x.owner }}", "{{ x.first_due }}", "{{ x.done_on }}",
             "{{ x.slip_text }}"], "x in tasks", [2, 5.6, 2.2, 2.6, 2.4, 2.6])

    b.heading("rt.closure.scope_done")
    b.para(b.t("rt.closure.scope_line"))
    b.tag("{%p if cancelled %}")
    b.para("rt.closure.cancelled", "{% for c in cancelled %}{{ c.id }} {{ c.title }}{% if not loop.last %}; "
           "{% endif %}{% endfor %}")
    b.tag("{%p endif %}")

    b.heading("rt.closure.acceptance")
    b.table(["rt.col.milestone", "rt.col.due", "rt.col.criteria", "rt.col.result", "rt.col.accepted_by",
             "rt.col.accepted_on"],
            ["{{ m.name }}", "{{ m.due }}", "{{ m.criteria }}", "{% cellbg m.fill %}{{ m.status }}",
             "{{ m.accepted_by }}", "{{ m.accepted_on }}"], "m in milestones", [3.0, 2.5, 5.2, 1.8, 2.2, 2.7])

    for heading, key in (("rt.closure.highlights", "highlights"), ("rt.closure.shortcomings", "shortcomings")):
        b.heading(heading)
        b.tag(f"{{%p if {key} %}}")
        b.tag(f"{{%p for h in {key} %}}")
        b.para("{{ h }}", style="List Bullet")
        b.tag("{%p endfor %}")
        b.tag("{%p else %}")
        b.para("rt.closure.none")
        b.tag("{%p endif %}")

    b.heading("rt.closure.lessons")
    b.tag("{%p if lessons %}")
    b.table(["rt.col.type", "rt.col.lesson", "rt.col.action", "rt.col.owner", "rt.col.due"],
            ["{{ x.type }}", "{{ x.lesson }}", "{{ x.action }}", "{{ x.owner }}", "{{ x.due }}"], "x in lessons",
            [2.0, 5.9, 5.0, 1.8, 2.7])
    b.tag("{%p else %}")
    b.para("rt.closure.lessons_none")
    b.tag("{%p endif %}")

    b.heading("rt.closure.archive")
    b.tag("{%p if archive.files %}")
    b.para("rt.closure.archive_in", "{{ archive.folder }}")
    b.table(["rt.col.file", "rt.col.size", "rt.col.sha256"],
            ["{{ x.file }}", "{{ x.size }}", "{{ x.sha256 }}"], "x in archive.files", [6.4, 2.2, 8.8])
    b.tag("{%p else %}")
    b.para("rt.closure.archive_none")
    b.tag("{%p endif %}")
    return b


def build(name: str) -> _Builder:
    kind, lang = name.split("_")
    return build_weekly(lang) if kind == "weekly" else build_closure(lang)


def write_report_templates(folder: Path = TEMPLATE_DIR) -> list[Path]:
    """Write the four shipped templates into `folder`; the paths written."""
    return [build(name).save(folder / f"{name}.docx") for name in NAMES]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    folder = Path(args[0]) if args else TEMPLATE_DIR
    for path in write_report_templates(folder):
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
