"""The old master's hand-added columns, read in a helper process while the inputs are read.

A nightly run reads the old master's Tasks sheet for the columns a user added by hand
(`previous_master.read_carried_columns`): 0.45 s on a 100 000-task master, most of it Python
searching 124 MB of XML. On a thread, that work holds the same GIL as the threads reading the
inputs and slowed them by 0.55 s (issue 7). In a process of its own it runs on another core.

Only a big master with a hand-added column is read that way: without one, the streamed header
says so in milliseconds; a small master is read at once (starting a process costs more). When a
process cannot be started or fails (no `spawn` in an embedded Python, a killed helper), the
master is read here instead: the same function, the same result, the same exceptions.
"""
from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from .previous_master import CarriedColumns, may_carry, read_carried_columns

PROCESS_FROM_BYTES = 4 << 20     # a master smaller than this (~15 000 tasks) is read at once


def read_carried_columns_soon(master_path: Path) -> Callable[[], CarriedColumns]:
    """`read_carried_columns(master_path, set())`, begun now; call the result for its value."""
    path = Path(master_path)
    if not may_carry(path) or path.stat().st_size < PROCESS_FROM_BYTES:
        carried = read_carried_columns(path, set())
        return lambda: carried
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        future: Future[CarriedColumns] = pool.submit(read_carried_columns, path, set())
    except Exception:  # noqa: BLE001 - no helper process here: read it in this one
        carried = read_carried_columns(path, set())
        return lambda: carried

    def result() -> CarriedColumns:
        try:
            return future.result()
        except Exception:  # noqa: BLE001 - the helper failed (or the read did): read it in this process
            return read_carried_columns(path, set())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return result
