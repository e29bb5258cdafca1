"""A consolidated sample run with a snapshot a week before, shared by the report tests."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from toolkit import pipeline
from toolkit.config import Settings
from toolkit.sample import SAMPLE_AS_OF

SAMPLE = Path(__file__).resolve().parent.parent / "workbooks" / "sample"


def sample_run(folder: Path):
    """Two consolidations of the sample, a week apart, into `folder`; the second Run."""
    settings = Settings(base_dir=folder)
    master = folder / "output" / "master.xlsx"
    pipeline.run_consolidation([SAMPLE], settings, SAMPLE_AS_OF - timedelta(days=7), output=master, stamp="week before")
    return pipeline.run_consolidation([SAMPLE], settings, SAMPLE_AS_OF, output=master, stamp="as of")
