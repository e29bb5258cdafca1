"""A run leaves the garbage collector as it found it: what it froze (`gc.freeze`, for speed) is
unfrozen when the outermost run ends, what a caller froze before stays frozen, and collection is
on again after the analysis."""
from __future__ import annotations

import gc

from conftest import AS_OF, REPO
from toolkit.config import Settings
from toolkit.pipeline import run_consolidation, run_validation


def test_run_unfreezes_what_it_froze(tmp_path):
    gc.unfreeze()
    run_validation([REPO / "workbooks" / "sample"], Settings(), AS_OF)
    assert gc.get_freeze_count() == 0
    run = run_consolidation([REPO / "workbooks" / "sample"], Settings(base_dir=tmp_path), AS_OF,
                            output=tmp_path / "master.xlsx", stamp="t")
    assert run.analysis is not None and gc.get_freeze_count() == 0 and gc.isenabled()


def test_what_the_caller_froze_stays_frozen(tmp_path):
    kept = [object() for _ in range(10)]
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        assert before > 0
        run_validation([REPO / "workbooks" / "sample"], Settings(), AS_OF)
        assert gc.get_freeze_count() >= before
    finally:
        gc.unfreeze()
    del kept


def test_a_run_collects_less_often_and_restores_the_thresholds(tmp_path):
    from toolkit.pipeline import RUN_GC_THRESHOLD

    before = gc.get_threshold()
    during: list[tuple[int, ...]] = []
    run_validation([REPO / "workbooks" / "sample"], Settings(), AS_OF, progress=lambda path: during.append(gc.get_threshold()))
    assert during and all(t[0] == max(before[0], RUN_GC_THRESHOLD) and t[1:] == before[1:] for t in during)
    assert gc.get_threshold() == before
