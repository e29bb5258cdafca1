"""The old master's hand-added columns, read in a helper process while the run goes on.

A nightly run reads the old master's Tasks sheet for the columns a user added by hand
(`previous_master.read_carried_columns`): 0.45 s on a 100 000-task master, most of it Python
searching 124 MB of XML. On a thread, that work holds the same GIL as the threads reading the
inputs and slowed them by 0.55 s (issue 7). In a process of its own it runs on another core:
the consolidation starts it with the run and lets it read once the inputs are read (`held`:
worker processes reading them use every core), so it runs beside validation, analysis and the
history, which use one.

The helper is `python -m toolkit.inputs.carried_soon MASTER`: it imports only this module's few
(0.05 s), not the caller's program as `multiprocessing` would, and writes the pickled result on
its standard output. Only a big master with a hand-added column is read that way: without one,
the streamed header says so in milliseconds; a small master is read at once (starting a process
costs more). When the helper cannot be started or fails, the master is read here instead: the
same function, the same result, the same exceptions.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from .previous_master import CarriedColumns, carried_columns_in, may_carry, read_carried_columns

PROCESS_FROM_BYTES = 4 << 20     # a master smaller than this (~15 000 tasks) is read at once
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])    # the folder holding `toolkit/`


class CarriedSoon:
    """The old master's hand-added columns, being read: call it for them. `go()` lets a helper
    started `held` begin reading (a call without it lets it begin, then waits)."""

    def __init__(self, value: Callable[[], CarriedColumns], helper: subprocess.Popen[bytes] | None = None):
        self._value, self._helper = value, helper

    def go(self) -> None:
        helper, self._helper = self._helper, None
        if helper is not None and helper.stdin is not None:
            pipe, helper.stdin = helper.stdin, None      # communicate() then only reads its output
            try:
                pipe.write(b"g")
            except (OSError, ValueError):
                pass            # the helper is gone: its result says so, and the master is read here
            try:
                pipe.close()
            except (OSError, ValueError):
                pass

    def __call__(self) -> CarriedColumns:
        self.go()
        return self._value()


def read_carried_columns_soon(master_path: Path, held: bool = False) -> CarriedSoon:
    """`read_carried_columns(master_path, set())`, begun now; call the result for its value.

    `held`: the helper process starts now, while this process is small (starting a process
    briefly counts this process's memory twice), and begins reading at `go()`: a consolidation
    lets it go once the inputs are read, when the workers reading them leave a core free."""
    path = Path(master_path)
    if not may_carry(path):
        return CarriedSoon(lambda: CarriedColumns())
    helper = _start_helper(path, held) if path.stat().st_size >= PROCESS_FROM_BYTES else None
    if helper is None:          # small (a process costs more than it saves), or no helper process here
        carried = carried_columns_in(path, ())
        return CarriedSoon(lambda: carried)
    got: list[CarriedColumns] = []

    def result() -> CarriedColumns:
        if not got:
            got.append(_helper_result(helper, path))
        return got[0]
    return CarriedSoon(result, helper if held else None)


def _start_helper(path: Path, held: bool = False) -> subprocess.Popen[bytes] | None:
    """The helper reading `path`, started (`held`: it waits for a byte on its input first); None
    when no Python can be started here (a frozen program, whose `sys.executable` is itself, or a
    refused process)."""
    if getattr(sys, "frozen", False) or not sys.executable:
        return None
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    try:
        return subprocess.Popen([sys.executable, "-m", __name__, str(path), *(["--held"] if held else [])],
                                stdin=subprocess.PIPE if held else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))   # no console (Windows)
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def _helper_result(helper: subprocess.Popen[bytes], path: Path) -> CarriedColumns:
    try:
        out, _ = helper.communicate()
        if helper.returncode == 0:
            carried = pickle.loads(out)     # our own helper's output, never a user's bytes
            if isinstance(carried, CarriedColumns):
                return carried
    except (OSError, ValueError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    finally:
        if helper.poll() is None:
            helper.kill()
    return read_carried_columns(path, set())    # the helper failed: read it here (the same exceptions)


if __name__ == "__main__":           # the helper process
    if "--held" in sys.argv[2:]:
        sys.stdin.buffer.read(1)       # until let go (or the run's end closes the pipe)
    sys.stdout.buffer.write(pickle.dumps(read_carried_columns(Path(sys.argv[1]), set()),
                                         protocol=pickle.HIGHEST_PROTOCOL))
