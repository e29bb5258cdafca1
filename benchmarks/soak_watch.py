"""Soak test of the drop folder: many files, `toolkit watch` killed (SIGKILL) and restarted
several times while it works; counts what was lost and what was processed twice.

    .venv/bin/python benchmarks/soak_watch.py [--files 200] [--kills 3] [--folder DIR]

Drops, in waves: new department workbooks, new versions of departments already accepted, exact
copies of accepted files (must be reported as duplicates) and damaged files (must be rejected).
Between waves the watcher is SIGKILLed at a random moment while files are in `.processing/`,
then started again. At the end:

    lost  = contents dropped that the ledger does not know (and were not reported as duplicates)
    twice = ledger duplicates beyond the copies dropped on purpose
          + versions kept beyond the new versions dropped (a re-processed accept keeps one more)
          + rejected/ files beyond the damaged files and the duplicates
          + inputs whose content is not the last accepted one
"""
from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from jobs_helpers import department_bytes, drop, ledger_of, stop, toolkit, wait_for, workspace  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = args.folder or Path(tempfile.mkdtemp(prefix="soak-watch-"))
    if folder.exists():
        shutil.rmtree(folder)
    config = workspace(folder, inbox={"stable_seconds": 0.5, "debounce_seconds": 1.0, "unreadable_grace_seconds": 1.0})
    inbox = folder / "inbox"

    n_versions = args.files * 15 // 100
    n_dups = args.files * 5 // 100
    n_bad = args.files * 5 // 100
    n_new = args.files - n_versions - n_dups - n_bad
    new = {f"S{n:03d}.xlsx": department_bytes(f"S{n:03d}", tasks=rng.randint(2, 12)) for n in range(n_new)}
    versions = {name: department_bytes(name[:-5], tasks=rng.randint(2, 12), note="v2")
                for name in rng.sample(sorted(new), n_versions)}
    dups = {f"{name[:-5]} copy.xlsx": new[name] for name in rng.sample(sorted(set(new) - set(versions)), n_dups)}
    bad = {f"Bad{n:02d}.xlsx": department_bytes(f"Bad{n:02d}")[: 300 + n] for n in range(n_bad)}
    waves = [list(new.items())[: n_new // 2], list(new.items())[n_new // 2:] + list(bad.items()),
             list(versions.items()), list(dups.items())]
    kills = sorted(rng.sample(range(3), min(args.kills, 3)))   # waves whose files go through .processing/

    started = time.monotonic()
    restarts = 0
    killed_mid_file = 0
    watcher = toolkit("watch", "--config", str(config), cwd=folder, stdout=subprocess_devnull())
    with ledger_of(config) as ledger:
        wait_for(lambda: (folder / "output" / "toolkit-jobs.log").exists(), 30, "the watcher to start")
        expected_rows = 0
        for number, wave in enumerate(waves):
            for name, data in wave:
                drop(inbox, name, data)
            expected_rows += sum(1 for name, _ in wave if name not in dups)
            if number in kills:
                target = len(ledger.entries()) + rng.randint(1, max(1, len(wave) // 2))
                try:
                    wait_for(lambda: len(ledger.entries()) >= target and any((inbox / ".processing").glob("*/*")),
                             60, "files in progress", step=0.002)
                except AssertionError:
                    pass
                killed_mid_file += bool(any((inbox / ".processing").glob("*/*")))
                watcher.send_signal(signal.SIGKILL)
                watcher.wait(10)
                watcher = toolkit("watch", "--config", str(config), cwd=folder, stdout=subprocess_devnull())
                restarts += 1
            wait_for(lambda: len(ledger.entries()) >= expected_rows and not list(inbox.glob("*.xlsx"))
                     and not any((inbox / ".processing").glob("*/*")), 300, f"wave {number + 1}")
        wait_for(lambda: not ledger.entries(status="accepted", consolidated=False), 120, "the last consolidation")
        entries = {e.sha256: e for e in ledger.entries()}
        consolidations = len(ledger.runs("inbox"))
    code = stop(watcher)

    sha = lambda data: hashlib.sha256(data).hexdigest()  # noqa: E731
    distinct = {sha(d) for d in [*new.values(), *versions.values(), *bad.values()]}
    lost = len(distinct - set(entries))
    duplicates_seen = sum(e.duplicates for e in entries.values())
    versions_kept = sum(1 for _ in (folder / "archive" / "versions").rglob("*.xlsx"))
    rejected_files = [p for p in (inbox / "rejected").rglob("*.xlsx") if ".annotated" not in p.name]
    latest = {**{n: d for n, d in new.items()}, **versions}
    inputs = {p.name: p.read_bytes() for p in (folder / "inputs").glob("*.xlsx")}
    wrong_inputs = sum(1 for n, d in latest.items() if inputs.get(n) != d)
    twice = (max(0, duplicates_seen - n_dups) + max(0, versions_kept - n_versions)
             + max(0, len(rejected_files) - n_bad - n_dups) + wrong_inputs)
    print(f"files dropped: {args.files} ({n_new} new, {n_versions} new versions, {n_dups} exact copies, {n_bad} damaged)")
    print(f"restarts after SIGKILL: {restarts} (with a file in .processing/ at the kill: {killed_mid_file})")
    print(f"ledger: {sum(e.status == 'accepted' for e in entries.values())} accepted, "
          f"{sum(e.status == 'rejected' for e in entries.values())} rejected, {duplicates_seen} duplicates reported")
    print(f"versions kept: {versions_kept}; rejected/ files: {len(rejected_files)}; consolidations: {consolidations}")
    print(f"lost: {lost}; twice: {twice}; inputs not holding their last accepted version: {wrong_inputs}")
    print(f"watcher exit on SIGTERM: {code}; {time.monotonic() - started:.1f} s; folder: {folder}")
    return 0 if lost == 0 and twice == 0 and code == 0 else 1


def subprocess_devnull():
    import subprocess
    return subprocess.DEVNULL


if __name__ == "__main__":
    raise SystemExit(main())
