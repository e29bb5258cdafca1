"""Many input files read in worker processes, or a few files on threads.

Reading a workbook is mostly Python holding the GIL (safety checks, typing the cells): on
threads, a 2-core machine reads and validates 200 workbooks (100 000 tasks) in about 2.05 s,
because only calamine's parsing runs beside the typing. Worker processes each hold a GIL of
their own: the same work took 1.59 s when they came in (interleaved runs), the workbooks coming
back pickled (about 0.4 ms a file to load here, on a thread of this process while the workers
go on).

Workers are forked (Linux only: fork is not offered on Windows and not safe on macOS), so they
start in milliseconds with everything this process has imported, and the job itself (a
closure) need not be pickled: it is registered before the pool starts and found by a token.
Elsewhere, for a few files, when the settings say so, or when no worker can be started, the
files are read on threads as before. A worker that fails or dies does not lose a file: what it
did not return is read here.
"""
from __future__ import annotations

import itertools
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PROCESS_MIN_FILES = 8       # fewer files are read on threads: forking and pickling cost more than they save
MAX_PROCESSES = 8

_JOBS: dict[int, Callable] = {}     # token -> the job, copied into the workers when they are forked
_TOKENS = itertools.count()


def read_all(items: Sequence[Item], job: Callable[[Item], Result], *, processes: int) -> Iterator[Result]:
    """`job(item)` for each item, in order: in that many worker processes (see
    `worker_processes`), or on a few threads when fewer than 2."""
    if processes >= 2:
        yield from _in_processes(items, job, processes)
    else:
        with ThreadPoolExecutor(max_workers=reader_threads(len(items))) as pool:
            yield from pool.map(job, items)


def reader_threads(files: int) -> int:
    """One thread more than the cores (at most 4): while one thread types rows (holding the
    GIL), the others parse, and a parse that has finished need not leave a core idle."""
    return max(1, min(files, (os.cpu_count() or 1) + 1, 4))


def worker_processes(files: int) -> int:
    """How many worker processes read `files` files: one per core this process may use, on
    Linux, for at least `PROCESS_MIN_FILES` files; 0 otherwise."""
    if not sys.platform.startswith("linux") or files < PROCESS_MIN_FILES:
        return 0
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(cores, MAX_PROCESSES, files // 2)


def _in_processes(items: Sequence[Item], job: Callable[[Item], Result], workers: int) -> Iterator[Result]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    token = next(_TOKENS)
    _JOBS[token] = job                  # before the pool forks its workers (at the first submit)
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_quiet_worker)
    except (OSError, ValueError, ImportError):      # no process can be started here
        _JOBS.pop(token, None)
        yield from map(job, items)
        return
    try:
        futures: list[Future] = []
        try:
            futures = [pool.submit(_run_job, token, item) for item in items]
        except Exception:   # noqa: BLE001 - the pool could not start (fork refused): read here
            pass
        for index, item in enumerate(items):
            yield _result_or_here(futures[index] if index < len(futures) else None, job, item)
    finally:
        _JOBS.pop(token, None)
        pool.shutdown(wait=True, cancel_futures=True)


def _result_or_here(future: Future | None, job: Callable[[Item], Result], item: Item) -> Result:
    """The worker's result; the item read here when the worker failed, died or never started
    (the job itself never raises for what is in a file, so this is the transport failing)."""
    if future is not None:
        try:
            return future.result()
        except Exception:   # noqa: BLE001 - BrokenProcessPool, a result that would not pickle, …
            pass
    return job(item)


def _run_job(token: int, item: object) -> object:
    return _JOBS[token](item)


def _quiet_worker() -> None:
    """Ctrl+C reaches the whole process group: this process stops the workers, which must not
    print a traceback of their own."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
