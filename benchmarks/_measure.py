"""Run one side of a benchmark in a fresh process and report its time and peak RSS (JSON)."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_side(script: str, *args: str) -> dict:
    """Run `python script args...` (which prints one JSON line) and return its result."""
    done = subprocess.run([sys.executable, script, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(side: str, started: float, **extra) -> None:
    print(json.dumps({"side": side, "seconds": time.perf_counter() - started, "peak_mb": peak_rss_mb(), **extra}))
