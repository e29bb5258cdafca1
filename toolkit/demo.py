"""`toolkit demo`: the main job on the bundled sample company, reproducible (fixed as-of date)."""
from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from . import pipeline
from .config import Settings
from .i18n import text
from .outputs.sample_company import write_sample_company
from .present.findings import findings_text
from .run import Run
from .sample import SAMPLE_AS_OF

REPO_SAMPLE = Path(__file__).resolve().parent.parent / "workbooks" / "sample"


def sample_folder(scratch: Path) -> Path:
    """The committed sample company, or a freshly generated one when the package is installed alone."""
    if any(REPO_SAMPLE.glob("*.xlsx")):
        return REPO_SAMPLE
    folder = scratch / "sample"
    write_sample_company(folder)
    return folder


def run_demo(output: Path, lang: str, *, stamp: str, show: Callable[[str], None]) -> Run:
    """Findings (en + zh), annotated copies, then two consolidations a week apart (so the
    master has Changes) into `output`; returns the second run."""
    output.mkdir(parents=True, exist_ok=True)
    settings = Settings(base_dir=output, language=lang)
    sample = sample_folder(output)
    show(text("demo.sample", lang, folder=sample))

    run = pipeline.run_validation([sample], settings, SAMPLE_AS_OF)
    reports = {}
    for language in ("en", "zh"):
        reports[language] = output / f"findings_{language}.txt"
        reports[language].write_text(findings_text(run.findings, language), encoding="utf-8")
    show(text("demo.findings", lang, en=reports["en"], zh=reports["zh"]))

    annotated = output / "annotated"
    shutil.rmtree(annotated, ignore_errors=True)
    pipeline.write_annotated_copies(run, annotated, lang)
    show(text("demo.annotated", lang, folder=annotated))

    # a fresh history: a run one week earlier, then today's, so the Changes sheet has content
    (output / pipeline.HISTORY_NAME).unlink(missing_ok=True)
    master = output / pipeline.MASTER_NAME
    week_before = SAMPLE_AS_OF - timedelta(days=7)
    show(text("demo.week_before", lang, day=week_before.isoformat()))
    pipeline.run_consolidation([sample], settings, week_before, output=master, stamp=f"{stamp} a", lang=lang)
    return pipeline.run_consolidation([sample], settings, SAMPLE_AS_OF, output=master, stamp=stamp, lang=lang)
