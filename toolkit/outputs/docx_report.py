"""Word reports: a report context (plain dict) + a .docx template -> a .docx (and a PDF).

The only module that renders with docxtpl (python-docx underneath); the shipped templates are
built by `report_templates.py`. Before rendering, `preflight` checks the template against
the context and stops with a ToolkitError that names the problem:

- a tag Word split into pieces (a `{{ … }}` / `{% … %}` whose characters lie in more than one
  run, or across paragraphs) — Word does this when part of a tag is retyped or formatted;
- a tag the context does not provide (`get_undeclared_template_variables`, and while
  rendering, an attribute the data lacks: `{{ kpi.nmae }}`);
- a broken tag (Jinja syntax).

Charts are context values of the form {"kind": "stacked_bars", …}: drawn here with matplotlib
(Agg, no display) into PNGs placed inline, with a CJK font when the labels are Chinese; when
no CJK font is installed the chart's "fallback" sentence is printed instead of tofu boxes.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import OutputError, ToolkitError

# fonts tried for Chinese chart labels, in order (matplotlib's font manager knows what is installed)
CJK_FONT_NAMES = ("Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
                  "SimHei", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK JP", "Noto Serif CJK SC")
PDF_TIMEOUT = 180.0          # seconds LibreOffice may take for one report
CHART_WIDTH_MM = 160
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_OPEN = re.compile(r"\{\{|\{%|\{#")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


class TemplateError(ToolkitError):
    """A report template that cannot be used as it is (the message names the tag)."""


# ====================================================================== pre-flight

@dataclass(frozen=True)
class SplitTag:
    tag: str          # the tag as it reads ("{{ kpi.name }}")
    part: str         # "body", "header1", "footer1"


def find_split_tags(template: Path) -> list[SplitTag]:
    """Tags whose text is spread over several runs (or paragraphs) in the template's XML."""
    from lxml import etree

    found: list[SplitTag] = []
    with zipfile.ZipFile(template) as archive:
        parts = [n for n in archive.namelist()
                 if n == "word/document.xml" or re.fullmatch(r"word/(header|footer)\d*\.xml", n)]
        for name in parts:
            root = etree.fromstring(archive.read(name))
            label = "body" if name == "word/document.xml" else Path(name).stem
            for paragraph in root.iter(f"{{{W_NS}}}p"):
                pieces = [t.text or "" for t in paragraph.iter(f"{{{W_NS}}}t")]
                found += [SplitTag(tag, label) for tag in _split_in(pieces)]
    return found


def _split_in(pieces: list[str]) -> Iterator[str]:
    """Tags of one paragraph (its runs' texts in order) that do not sit inside one run."""
    joined = "".join(pieces)
    bounds, pos = [], 0
    for piece in pieces:            # which run each character came from
        bounds.append((pos, pos + len(piece)))
        pos += len(piece)

    def run_of(index: int) -> int:
        for i, (start, end) in enumerate(bounds):
            if start <= index < end:
                return i
        return -1

    covered = 0
    for match in _TAG.finditer(joined):
        if run_of(match.start()) != run_of(match.end() - 1):
            yield " ".join(match.group(0).split())
        covered = match.end()
        # an opening left unclosed before the next tag is a tag cut across paragraphs
    rest = _TAG.sub("", joined[covered:]) if covered < len(joined) else ""
    opening = _OPEN.search(rest)
    if opening:
        yield rest[opening.start():opening.start() + 40].strip() + " …"


def preflight(template: Path, context: Mapping[str, Any]) -> None:
    """Stop with a TemplateError naming the first problem; return quietly when the template fits."""
    template = Path(template)
    if not template.is_file():
        raise TemplateError("report_template_missing", path=template)
    try:
        split = find_split_tags(template)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TemplateError("report_template_unreadable", path=template, reason=exc) from exc
    if split:
        raise TemplateError("report_split_tag", template=template.name, tag=split[0].tag, part=split[0].part)
    tpl = _open(template)
    try:
        missing = tpl.get_undeclared_template_variables(context=dict(context))
    except Exception as exc:  # noqa: BLE001 - jinja's syntax errors and the like, wrapped once here
        raise _syntax_error(template, exc) from exc
    if missing:
        raise TemplateError("report_template_tags", template=template.name,
                            tags=", ".join("{{ " + m + " }}" for m in sorted(missing)))


def _open(template: Path):
    from docxtpl import DocxTemplate

    try:
        return DocxTemplate(str(template))
    except Exception as exc:  # noqa: BLE001 - python-docx raises several kinds for a bad file
        raise TemplateError("report_template_unreadable", path=template, reason=exc) from exc


def _syntax_error(template: Path, exc: Exception) -> TemplateError:
    from jinja2 import TemplateSyntaxError

    if isinstance(exc, TemplateSyntaxError):
        near = ""
        if exc.source and exc.lineno:
            lines = exc.source.splitlines()
            line = lines[exc.lineno - 1] if exc.lineno - 1 < len(lines) else ""
            near = re.sub(r"<[^>]+>", "", line)[:60]
        return TemplateError("report_template_syntax", template=template.name, near=near or "?", reason=exc.message)
    return TemplateError("report_render", template=template.name, reason=exc)


# ====================================================================== charts

@lru_cache(maxsize=1)
def find_cjk_font() -> str | None:
    """The file of an installed font that has Chinese glyphs, or None."""
    from matplotlib import font_manager

    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    for name in CJK_FONT_NAMES:
        if name in by_name:
            return by_name[name]
    return None


def is_chart(value: Any) -> bool:
    return isinstance(value, dict) and value.get("kind") == "stacked_bars"


def needs_cjk(chart: Mapping[str, Any]) -> bool:
    words = [chart.get("title", ""), chart.get("x_label", ""), *chart.get("categories", []),
             *(s["name"] for s in chart.get("series", []))]
    return any(_CJK.search(str(w)) for w in words)


def draw_chart(chart: Mapping[str, Any], path: Path, cjk_font: str | None) -> Path | None:
    """A horizontal stacked bar chart (one bar per category, one colour per series) as a PNG;
    None when its labels need a CJK font and none is given."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    if needs_cjk(chart) and cjk_font is None:
        return None
    font = FontProperties(fname=cjk_font) if cjk_font else FontProperties()
    categories = list(chart["categories"])
    height = 1.2 + 0.42 * max(len(categories), 1)
    figure = Figure(figsize=(7.2, height), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    left = [0] * len(categories)
    for series in chart["series"]:
        values = list(series["values"])
        if not any(values):
            continue
        bars = axes.barh(range(len(categories)), values, left=left, color=series["colour"], label=series["name"],
                         edgecolor="white", linewidth=0.6)
        for bar, value in zip(bars, values):
            if value:
                axes.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, str(value),
                          ha="center", va="center", fontsize=7, color="white")
        left = [a + b for a, b in zip(left, values)]
    axes.set_yticks(range(len(categories)), labels=categories, fontproperties=font, fontsize=8)
    axes.invert_yaxis()
    axes.set_xlabel(chart.get("x_label", ""), fontproperties=font, fontsize=8)
    axes.tick_params(axis="x", labelsize=7)
    axes.set_title(chart.get("title", ""), fontproperties=font, fontsize=10)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    legend_font = FontProperties(fname=cjk_font, size=7) if cjk_font else FontProperties(size=7)
    figure.legend(loc="lower center", ncol=6, frameon=False, prop=legend_font)
    figure.tight_layout(rect=(0, 0.1 if height < 3 else 0.07, 1, 1))
    figure.savefig(str(path), format="png")
    return path


# ====================================================================== rendering

def render_report(template: Path, context: Mapping[str, Any], output: Path, *,
                  cjk_font: str | None | bool = True) -> Path:
    """Check `template` against `context`, fill it and write `output` (.docx) atomically.

    `cjk_font`: True finds an installed CJK font for the charts; a path uses that font; None
    draws no chart with Chinese labels (the fallback sentence instead).
    """
    from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, UndefinedError
    from docx.shared import Mm
    from docxtpl import InlineImage

    template = Path(template)
    preflight(template, context)
    font = find_cjk_font() if cjk_font is True else (cjk_font or None)
    tpl = _open(template)
    values = dict(context)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="toolkit-report-") as scratch:
        for key, value in context.items():
            if is_chart(value):
                png = draw_chart(value, Path(scratch) / f"{key}.png", font)
                values[key] = (InlineImage(tpl, str(png), width=Mm(CHART_WIDTH_MM)) if png is not None
                               else value.get("fallback", ""))
        env = Environment(undefined=StrictUndefined, autoescape=True)
        try:
            tpl.render(values, jinja_env=env, autoescape=True)
        except UndefinedError as exc:
            raise TemplateError("report_template_tags", template=template.name, tags=_undefined_name(exc)) from exc
        except TemplateSyntaxError as exc:
            raise _syntax_error(template, exc) from exc
        except Exception as exc:  # noqa: BLE001 - anything docxtpl/jinja raise, wrapped once here
            raise TemplateError("report_render", template=template.name, reason=exc) from exc
        partial = output.with_name(f".{output.stem}.partial.docx")
        try:
            tpl.save(str(partial))
            os.replace(partial, output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise OutputError("output_not_writable", folder=output.parent, reason=exc.strerror or exc) from exc
    return output


def _undefined_name(exc: Exception) -> str:
    message = str(exc)   # "'dict object' has no attribute 'nmae'" / "'kpi' is undefined"
    found = re.findall(r"'([^']+)'", message)
    return found[-1] if found else message


# ====================================================================== PDF

def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx: Path, folder: Path | None = None, timeout: float = PDF_TIMEOUT) -> Path:
    """`docx` -> PDF beside it (or in `folder`) with LibreOffice headless, in its own profile."""
    return convert_all([docx], folder, timeout)[0]


def convert_all(documents: Sequence[Path], folder: Path | None = None, timeout: float = PDF_TIMEOUT) -> list[Path]:
    """Several .docx -> PDFs in one LibreOffice start (its start-up is most of the time), into
    `folder` (default: the first document's folder). One bounded run in a throw-away profile."""
    exe = soffice_path()
    if exe is None:
        raise OutputError("report_pdf_no_soffice")
    documents = [Path(d).resolve() for d in documents]
    folder = (folder or documents[0].parent).resolve()
    names = ", ".join(d.name for d in documents)
    targets = [folder / f"{d.stem}.pdf" for d in documents]
    with tempfile.TemporaryDirectory(prefix="toolkit-soffice-") as profile:
        command = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(folder), *map(str, documents)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout * len(documents),
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise OutputError("report_pdf_timeout", file=names, seconds=int(timeout * len(documents))) from exc
        except OSError as exc:
            raise OutputError("report_pdf_failed", file=names, reason=exc) from exc
    missing = [t for t in targets if not t.is_file()]
    if done.returncode != 0 or missing:
        reason = (done.stderr or done.stdout or f"exit code {done.returncode}").strip().splitlines()
        raise OutputError("report_pdf_failed", file=", ".join(t.name for t in missing) or names,
                          reason=reason[-1] if reason else "?")
    return targets
