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
    # stamped as if it had run that morning, as a nightly job would have
    pipeline.run_consolidation([sample], settings, week_before, output=master,
                               stamp=f"{week_before.isoformat()} 080000", lang=lang)
    run = pipeline.run_consolidation([sample], settings, SAMPLE_AS_OF, output=master, stamp=stamp, lang=lang)
    write_demo_reports(run, output, lang, stamp=stamp, show=show)
    return run


def write_demo_reports(run: Run, output: Path, lang: str, *, stamp: str, show: Callable[[str], None]) -> None:
    """From the same run: the weekly report (en + zh, PDF when LibreOffice is there), the
    closure summary of the finished sample project with its archive, and the weekly report
    emailed to the outbox (output/outbox, an .eml file; no server needed)."""
    from datetime import datetime, timezone

    from .config_email import Email
    from .outputs.docx_report import convert_all, soffice_path
    from .sample import P_RC

    reports = output / "reports"
    settings = run.settings.model_copy(update={"email": Email(recipients=("leadership@example.com",))})
    weekly = {}
    for language in ("en", "zh"):
        weekly[language] = pipeline.run_weekly_report(settings, SAMPLE_AS_OF, stamp=stamp, lang=language,
                                                      output_dir=reports, run=run)
    shutil.rmtree(output / "archive", ignore_errors=True)     # an archive is never overwritten: start afresh
    closures = [pipeline.run_closure(settings, SAMPLE_AS_OF, P_RC, stamp=stamp, lang=language, output_dir=reports,
                                     run=run, archive=language == lang) for language in ("en", "zh")]
    documents = [weekly["en"].docx, weekly["zh"].docx] + [c.docx for c in closures]
    if soffice_path() is not None:            # PDFs too, in one LibreOffice start
        for outcome, pdf in zip([weekly["en"], weekly["zh"], *closures], convert_all(documents)):
            outcome.pdf = pdf
    show(text("demo.reports", lang, folder=reports))
    show(text("demo.closure", lang, project=P_RC, folder=next(c.archive for c in closures if c.archive)))
    now = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)     # the sample's as-of morning, not the clock
    sent = pipeline.email_report(weekly[lang], "weekly", settings, lang, env={}, now=now, force=True)
    show(text("demo.email", lang, path=sent.path or sent.message(lang)))
