"""`make bench`: the toolkit against naive pandas/openpyxl pipelines, in one run, trusted.

    python benchmarks/bench.py [--rounds 3] [--sizes 10000,100000,300000] [--profile] [--readme]

- **read + validate** 200 workbooks × 500 rows: the toolkit vs `pandas.read_excel(engine="openpyxl")`.
- **consolidate** (read, validate, flag, write the formatted master) vs the naive pipeline
  (pandas/openpyxl read, concat, flags with pandas, `to_excel`, openpyxl styling), in the three
  states of the output folder a user meets: empty; a previous snapshot in the history; a
  previous snapshot and the old master with a column a user added by hand (a normal nightly run).
- **scaling**: the nightly run (snapshot + old master) at 10k, 100k and 300k tasks.

Every measurement runs in its own fresh process (time and peak RSS are its own); the sides are
interleaved round by round (baseline, toolkit, baseline, …) so a busy machine slows both alike;
figures are medians over `--rounds`. `--profile` prints where the toolkit's time goes per stage
(wall time of each stage in the same processes). `--readme` writes the result table into
README.md between the `bench:start` / `bench:end` markers, with the machine named.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
README = HERE.parent / "README.md"
sys.path.insert(0, str(HERE))

from generate import make_department_workbooks  # noqa: E402

AS_OF = date(2026, 11, 24)
ROWS_PER_FILE = 500
HAND_COLUMN = "PMO notes"          # the column "a user added by hand" to the old master
STATES = {
    "empty": "empty output folder",
    "snapshot": "previous snapshot in the history",
    "nightly": "snapshot + old master with a hand-added column",
}
GOAL_RATIO, GOAL_PEAK_CONSOLIDATE, GOAL_PEAK_READ = 12.0, 400, 300


def peak_mb() -> float:
    """The highest memory of the side: its own peak RSS, or the highest sum of its RSS and its
    helper processes' (the toolkit reads a big old master in one, issue 7), sampled every 10 ms."""
    import resource
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, _TREE_PEAK[0] / 1024)


_TREE_PEAK = [0.0]      # KiB: the highest RSS of this process and its children together, sampled


def _rss_kib(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children() -> list[str]:
    found: list[str] = []
    try:
        for task in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{task}/children") as listed:
                found += listed.read().split()
    except OSError:
        pass
    return found


def _sample_tree() -> None:
    """Keeps `_TREE_PEAK` while helper processes run (Linux; elsewhere the own peak is reported)."""
    while True:
        children = _children()
        if children:
            _TREE_PEAK[0] = max(_TREE_PEAK[0], _rss_kib("self") + sum(_rss_kib(pid) for pid in children))
        time.sleep(0.01)


_CPU_AT_START = [0.0]


def cpu_now() -> float:
    """CPU seconds of the side and of the helper processes it has waited for."""
    import resource
    own, helpers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + helpers.ru_utime + helpers.ru_stime


def start_clock() -> float:
    """Wall clock of the measured work (imports done); CPU time counted from here too."""
    if os.path.isdir("/proc/self/task"):
        import threading
        threading.Thread(target=_sample_tree, daemon=True).start()
    _CPU_AT_START[0] = cpu_now()
    return time.perf_counter()


def emit(started: float, **extra: object) -> None:
    print(json.dumps({"seconds": time.perf_counter() - started, "cpu": cpu_now() - _CPU_AT_START[0],
                      "peak_mb": peak_mb(), **extra}))


# ---------------------------------------------------------------- sides (each in its own process)

def _import_toolkit(*modules: str) -> float:
    """Import the toolkit's modules a run uses before the clock starts, as the naive sides import
    pandas and openpyxl before theirs: both clocks time the work, not the imports (reported apart)."""
    import importlib

    started = time.perf_counter()
    for module in modules:
        importlib.import_module(module)
    return time.perf_counter() - started


def side_read_toolkit(folder: Path, profile: bool) -> None:
    imports = _import_toolkit("toolkit.pipeline", "toolkit.validate")
    if profile:
        import _stages
        _stages.install()
    from toolkit.config import Settings
    from toolkit.pipeline import run_validation

    started = start_clock()
    run = run_validation([folder], Settings(), AS_OF)
    total = time.perf_counter() - started
    stages = _stage_summary(profile, total)
    tasks = sum(t.row_count() for wb in run.batch.workbooks for t in wb.tables_of("tasks"))   # no Records made
    emit(started, rows=tasks, findings=len(run.findings.findings), stages=stages,
         stages_cpu=_stage_cpu(profile), imports=imports)


def side_read_baseline(folder: Path) -> None:
    started = time.perf_counter()
    import pandas as pd
    imports = time.perf_counter() - started

    started = start_clock()
    rows = 0
    for path in sorted(folder.glob("*.xlsx")):
        sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
        rows += sum(len(df) for name, df in sheets.items() if name == "Tasks")
    emit(started, rows=rows, imports=imports)


def side_consolidate_toolkit(folder: Path, out: Path, profile: bool) -> None:
    imports = _import_toolkit("toolkit.pipeline", "toolkit.analyze", "toolkit.history", "toolkit.outputs.master",
                              "toolkit.outputs.safe_output", "toolkit.inputs.previous_master")
    if profile:
        import _stages
        _stages.install()
    from toolkit.config import Settings
    from toolkit.pipeline import run_consolidation

    started = start_clock()
    run = run_consolidation([folder], Settings(base_dir=out), AS_OF, output=out / "master.xlsx", stamp="bench")
    total = time.perf_counter() - started
    assert run.analysis is not None
    emit(started, rows=len(run.analysis.tasks), overdue=sum(t.flags.overdue for t in run.analysis.tasks),
         changes=len(run.changes), stages=_stage_summary(profile, total), stages_cpu=_stage_cpu(profile),
         imports=imports)


def side_consolidate_naive(folder: Path, out: Path) -> None:
    started = time.perf_counter()
    import openpyxl
    import pandas as pd
    from openpyxl.styles import PatternFill
    imports = time.perf_counter() - started

    started = start_clock()
    frames = []
    for path in sorted(folder.glob("*.xlsx")):
        df = pd.read_excel(path, sheet_name="Tasks", engine="openpyxl")
        df["Source"] = path.name
        frames.append(df)
    tasks = pd.concat(frames, ignore_index=True)
    due = pd.to_datetime(tasks["Due"])
    open_ = ~tasks["Status"].isin(["Done", "Cancelled"])
    tasks["Overdue"] = open_ & (due < pd.Timestamp(AS_OF))
    tasks["Due soon"] = open_ & ~tasks["Overdue"] & (due <= pd.Timestamp(AS_OF) + pd.Timedelta(days=4))
    master = out / "naive.xlsx"
    tasks.to_excel(master, sheet_name="Tasks", index=False, engine="openpyxl")
    book = openpyxl.load_workbook(master)
    ws = book["Tasks"]
    red, amber = PatternFill("solid", fgColor="FFC7CE"), PatternFill("solid", fgColor="FFEB9C")
    overdue, soon = list(tasks["Overdue"]), list(tasks["Due soon"])
    for index, row in enumerate(ws.iter_rows(min_row=2), start=0):
        fill = red if overdue[index] else amber if soon[index] else None
        if fill is not None:
            for cell in row:
                cell.fill = fill
    book.save(master)
    emit(started, rows=len(tasks), overdue=int(tasks["Overdue"].sum()), imports=imports)


def prepare_state(folder: Path, out: Path, state: str) -> None:
    """The output folder of `state`: a run one week earlier (snapshot), and for "nightly" its
    master rewritten with a hand-added column filled on every tenth task."""
    out.mkdir(parents=True, exist_ok=True)
    if state == "empty":
        return
    from toolkit.config import Settings
    from toolkit.inputs.previous_master import CarriedColumns, CarriedRow
    from toolkit.outputs.master import write_master
    from toolkit.pipeline import run_consolidation

    master = out / "master.xlsx"
    run = run_consolidation([folder], Settings(base_dir=out), AS_OF - timedelta(days=7), output=master,
                            stamp="earlier")
    if state == "nightly":
        assert run.analysis is not None
        notes = [CarriedRow(str(v.record.values.get("department") or v.record.department),
                            str(v.record.values["id"]), {HAND_COLUMN: f"checked {k}"})
                 for k, v in enumerate(run.analysis.tasks) if k % 10 == 0]
        write_master(master, run, "en", carried=CarriedColumns([HAND_COLUMN], notes))
    shutil.rmtree(out / "backups", ignore_errors=True)


def _stage_summary(profile: bool, total: float) -> dict[str, float] | None:
    if not profile:
        return None
    import _stages
    return _stages.summary(total)


def _stage_cpu(profile: bool) -> dict[str, float] | None:
    if not profile:
        return None
    import _stages
    return _stages.cpu_summary(cpu_now() - _CPU_AT_START[0])


# ---------------------------------------------------------------- driver

def run_side(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"side {args[:2]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def dataset(tasks: int) -> Path:
    files = max(1, tasks // ROWS_PER_FILE)
    folder = DATA / f"read_{files}x{ROWS_PER_FILE}"
    make_department_workbooks(folder, files, ROWS_PER_FILE)
    return folder


def compare(work: str, base: list[dict], mine: list[dict], goal_peak: int) -> tuple[str, ...]:
    """One table row: medians of wall and CPU seconds, ratios, the toolkit's highest peak, the goal."""
    t, c, peak = median(mine), median(mine, "cpu"), max(r["peak_mb"] for r in mine)
    if base:
        b, bc = median(base), median(base, "cpu")
        ratio, cpu_ratio = b / t, bc / c
        ok = "**met**" if ratio >= GOAL_RATIO and peak <= goal_peak else "not met"
        return (work, f"{b:.1f} s ({bc:.1f} s CPU)", f"{t:.2f} s ({c:.2f} s CPU)", f"**{ratio:.1f}×**",
                f"{cpu_ratio:.1f}×", f"{peak:.0f} MB", f"≥ {GOAL_RATIO:.0f}×, ≤ {goal_peak} MB: {ok}")
    return (work, "—", f"{t:.2f} s ({c:.2f} s CPU)", "—", "—", f"{peak:.0f} MB", f"≤ {goal_peak} MB")


def line(row: tuple[str, ...]) -> str:
    work, naive, mine, ratio, cpu_ratio, peak, _ = row
    return f"{work}: naive {naive}, toolkit {mine}, {ratio.strip('*')} ({cpu_ratio} in CPU), peak {peak}"


def median(results: list[dict], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in results)


def median_stages(results: list[dict], key: str = "stages") -> dict[str, float]:
    names = list(dict.fromkeys(k for r in results if r.get(key) for k in r[key]))
    return {n: statistics.median(r[key].get(n, 0.0) for r in results if r.get(key)) for n in names}


def consolidate_round(folder: Path, state: str, template: Path, scratch: Path, profile: bool) -> dict:
    work = scratch / f"run-{state}"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, work)
    history = work / "history.sqlite"
    if history.is_file():      # each master has its own history (issue 8): the copy's snapshots are this master's
        import sqlite3
        with sqlite3.connect(history) as db:
            db.execute("UPDATE snapshots SET series = ?", (str(work.resolve() / "master.xlsx"),))
        db.close()
    args = ["--side", "consolidate-toolkit", "--folder", str(folder), "--out", str(work)]
    result = run_side(*args, *(["--profile"] if profile else []))
    shutil.rmtree(work, ignore_errors=True)
    return result


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        memory = f", {mem:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        memory = ""
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.1f} at the end"
    return (f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}{load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=100_000, help="tasks of the main comparison")
    parser.add_argument("--sizes", default="10000,100000,300000", help="tasks per scaling run ('' for none)")
    parser.add_argument("--scale-rounds", type=int, default=1, help="rounds per size of the scaling runs")
    parser.add_argument("--profile", action="store_true", help="print the toolkit's time per stage")
    parser.add_argument("--readme", action="store_true", help="write the table into README.md")
    parser.add_argument("--skip-naive", action="store_true", help="toolkit only (no ratios)")
    parser.add_argument("--side")
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    if args.side:
        {"read-toolkit": lambda: side_read_toolkit(args.folder, args.profile),
         "read-baseline": lambda: side_read_baseline(args.folder),
         "consolidate-toolkit": lambda: side_consolidate_toolkit(args.folder, args.out, args.profile),
         "consolidate-naive": lambda: side_consolidate_naive(args.folder, args.out),
         "prepare": lambda: (prepare_state(args.folder, args.out, args.out.name), emit(time.perf_counter())),
         }[args.side]()
        return

    folder = dataset(args.tasks)
    rounds = max(1, args.rounds)
    lines: list[str] = []
    table: list[tuple[str, ...]] = []
    profiles: dict[str, dict[str, float]] = {}
    profiles_cpu: dict[str, dict[str, float]] = {}
    imports: dict[str, tuple[float | None, float]] = {}

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    say(f"{args.tasks:,} tasks ({folder.name}), {rounds} interleaved rounds, medians")
    with tempfile.TemporaryDirectory(prefix="toolkit-bench-") as tmp:
        scratch = Path(tmp)
        templates = {}
        for state in STATES:
            templates[state] = scratch / "templates" / state
            run_side("--side", "prepare", "--folder", str(folder), "--out", str(templates[state]))

        # read + validate
        base, mine = [], []
        for _ in range(rounds):
            if not args.skip_naive:
                base.append(run_side("--side", "read-baseline", "--folder", str(folder)))
            mine.append(run_side("--side", "read-toolkit", "--folder", str(folder),
                                 *(["--profile"] if args.profile else [])))
        if base:
            assert base[0]["rows"] == mine[0]["rows"], (base[0]["rows"], mine[0]["rows"])
        table.append(compare("read + validate", base, mine, GOAL_PEAK_READ))
        say(line(table[-1]) + f" ({mine[0]['findings']} findings)")
        profiles["read + validate"] = median_stages(mine)
        profiles_cpu["read + validate"] = median_stages(mine, "stages_cpu")
        imports["read + validate"] = (median(base, "imports") if base else None, median(mine, "imports"))

        # consolidate, three folder states, interleaved with the naive pipeline
        naive: list[dict] = []
        by_state: dict[str, list[dict]] = {s: [] for s in STATES}
        for _ in range(rounds):
            if not args.skip_naive:
                out = scratch / "naive"
                out.mkdir(exist_ok=True)
                naive.append(run_side("--side", "consolidate-naive", "--folder", str(folder), "--out", str(out)))
                shutil.rmtree(out, ignore_errors=True)
            for state in STATES:
                by_state[state].append(consolidate_round(folder, state, templates[state], scratch, args.profile))
        if naive:
            assert naive[0]["rows"] == by_state["empty"][0]["rows"]
        for state, results in by_state.items():
            table.append(compare(f"consolidate, {STATES[state]}", naive, results, GOAL_PEAK_CONSOLIDATE))
            say(line(table[-1]) + f" ({results[0]['changes']} changes)")
            profiles[f"consolidate, {state}"] = median_stages(results)
            profiles_cpu[f"consolidate, {state}"] = median_stages(results, "stages_cpu")
        imports["consolidate"] = (median(naive, "imports") if naive else None, median(by_state["empty"], "imports"))
        say("imports before the clock (seconds): " + imports_line(imports))

        # scaling: the nightly run at each size (one process per size and round)
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        scale: list[tuple[int, float, float, float]] = []
        for size in sizes:
            data = dataset(size)
            template = scratch / "templates" / f"scale-{size}" / "nightly"
            run_side("--side", "prepare", "--folder", str(data), "--out", str(template))
            results = [consolidate_round(data, "nightly", template, scratch, False)
                       for _ in range(max(1, args.scale_rounds))]
            scale.append((size, median(results), median(results, "cpu"), max(r["peak_mb"] for r in results)))
            say(f"scaling, nightly run, {size:,} tasks: {scale[-1][1]:.2f} s ({scale[-1][2]:.2f} s CPU), "
                f"peak {scale[-1][3]:.0f} MB ({scale[-1][2] / size * 1e6:.1f} µs CPU a task)")

    if args.profile:
        cpu_title = "CPU seconds, all threads and the reading worker processes"
        for title, shown in (("wall seconds", profiles), (cpu_title, profiles_cpu)):
            say()
            say(f"where the toolkit's time goes ({title}, medians):")
            names = _stage_names(shown)
            say("stage".ljust(24) + "".join(k.replace("consolidate, ", "")[:14].rjust(16) for k in shown))
            for name in names:
                say(name.ljust(24) + "".join(f"{p.get(name, 0.0):16.2f}" for p in shown.values()))

    where = machine()
    say(f"machine: {where}")
    if args.readme:
        write_readme(table, scale, profiles if args.profile else {}, where, rounds, args.tasks, imports,
                     profiles_cpu if args.profile else {})


def imports_line(imports: dict[str, tuple[float | None, float]]) -> str:
    return "; ".join(f"{work}: naive {'—' if naive is None else f'{naive:.2f}'}, toolkit {mine:.2f}"
                     for work, (naive, mine) in imports.items())


def _stage_names(profiles: dict[str, dict[str, float]]) -> list[str]:
    names = list(dict.fromkeys(k for p in profiles.values() for k in p if k != "other"))
    return names + ["other"]


def write_readme(table: list[tuple], scale: list[tuple[int, float, float, float]], profiles: dict[str, dict[str, float]],
                 where: str, rounds: int, tasks: int, imports: dict[str, tuple[float | None, float]],
                 profiles_cpu: dict[str, dict[str, float]]) -> None:
    out = [f"Written by `make bench` on {date.today().isoformat()}; {where}. {tasks:,} tasks "
           f"(200 workbooks × 500 rows), each side in its own process, {rounds} interleaved rounds, medians. "
           f"Each side imports its libraries before its clock starts (pandas and openpyxl; the toolkit's "
           f"modules with SQLAlchemy, numpy and XlsxWriter), seconds: {imports_line(imports)}.",
           "", "| work | naive | toolkit | ratio (wall) | ratio (CPU) | toolkit peak RSS | goal |",
           "|---|---|---|---|---|---|---|"]
    out += [f"| {' | '.join(row)} |" for row in table]
    if scale:
        out += ["", "The nightly run (snapshot + old master) by size:", "",
                "| tasks | seconds | CPU seconds | peak RSS | µs CPU a task |", "|---|---|---|---|---|"]
        out += [f"| {size:,} | {t:.2f} | {c:.2f} | {peak:.0f} MB | {c / size * 1e6:.1f} |" for size, t, c, peak in scale]
    cpu_title = "CPU seconds, all threads and the worker processes reading the inputs"
    for title, shown in (("wall seconds", profiles), (cpu_title, profiles_cpu)):
        if not shown:
            continue
        names = _stage_names(shown)
        out += ["", f"Where the time goes (`--profile`, {title}):", "",
                "| stage | " + " | ".join(shown) + " |", "|---" * (len(shown) + 1) + "|"]
        out += [f"| {name} | " + " | ".join(f"{p.get(name, 0.0):.2f}" for p in shown.values()) + " |"
                for name in names]
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        README.write_text(head + start + "\n" + "\n".join(out) + "\n" + end + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
