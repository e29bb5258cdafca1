"""Stage timings for `--profile`: wraps the pipeline's stage functions in the benchmark process
only (the library is not instrumented). Each stage's wall time is summed across calls."""
from __future__ import annotations

import functools
import importlib
import time
from collections import defaultdict
from typing import Any, Callable

TIMES: dict[str, float] = defaultdict(float)
CPU: dict[str, float] = defaultdict(float)
PEAK: dict[str, float] = {}          # peak RSS (MB) seen by the end of each stage


def _peak() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu() -> float:
    """CPU seconds of this process and of the child processes it has waited for (the worker
    processes reading the inputs are waited for when reading ends: their CPU is the read's)."""
    import resource
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started, cpu = time.perf_counter(), _cpu()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name] += time.perf_counter() - started
            CPU[name] += _cpu() - cpu
            PEAK[name] = _peak()
    timed.__wrapped_stage__ = name  # type: ignore[attr-defined]
    return timed


def _patch(module: str, attr: str, name: str) -> None:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return
    fn = getattr(mod, attr, None)
    if fn is None or getattr(fn, "__wrapped_stage__", None):
        return
    setattr(mod, attr, _wrap(name, fn))


def install() -> None:
    """Wrap the stages: read, validate, consolidate, analyze, history (load, compare, store),
    old master, each master sheet and the final zip."""
    _patch("toolkit.pipeline", "read_inputs", "read + type")
    _patch("toolkit.pipeline", "validate_batch", "validate")
    _patch("toolkit.consolidate", "consolidate", "consolidate")
    _patch("toolkit.analyze", "analyze", "analyze")
    # the old master: starting its helper process (or reading a small one here); the helper's
    # own CPU is counted once it is waited for, under "other" in the CPU table
    _patch("toolkit.inputs.carried_soon", "read_carried_columns_soon", "old master")
    from toolkit import history
    for attr, name in (("previous_snapshot", "history load"), ("changes_between", "history compare"),
                       ("store_snapshot", "history store")):
        setattr(history.History, attr, _wrap(name, getattr(history.History, attr)))
    from toolkit.outputs import master
    master.SHEET_WRITERS = tuple(_wrap("sheet " + fn.__name__.removeprefix("write_"), fn)
                                 for fn in master.SHEET_WRITERS)
    import xlsxwriter
    xlsxwriter.Workbook.close = _wrap("zip (workbook close)", xlsxwriter.Workbook.close)


def summary(total: float) -> dict[str, float]:
    stages = dict(TIMES)
    stages["other"] = max(total - sum(stages.values()), 0.0)
    return stages


def cpu_summary(total_cpu: float) -> dict[str, float]:
    """CPU seconds per stage (all threads of the process), "other" the rest of the run's CPU."""
    stages = dict(CPU)
    stages["other"] = max(total_cpu - sum(stages.values()), 0.0)
    return stages
