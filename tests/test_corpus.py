"""The shared real-world corpus (120 spreadsheets from public test suites): every file gives data
or clear findings — no traceback, within 30 s and 500 MB each, inputs unchanged.

Origin of the files: ../shared/corpus/SOURCES.tsv (Apache POI, calamine, openpyxl, SheetJS,
frictionless-py test suites).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import CORPUS, REPO, require_corpus, tree_hashes

pytestmark = pytest.mark.corpus

PER_FILE_SECONDS = 30      # a limit the run is killed at, not a timing assertion
PER_FILE_MB = 500

CORPUS_FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.parent != CORPUS)


def test_the_corpus_is_here():
    # in CI a missing corpus fails here instead of silently skipping the parametrized tests below
    require_corpus()
    assert len(CORPUS_FILES) == 120


def toolkit(*args: str, timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "toolkit", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=timeout, env={**os.environ, "COLUMNS": "200"})


def test_corpus_has_all_files():
    assert len(CORPUS_FILES) == 120


def test_whole_corpus_in_one_run_gives_data_or_clear_findings():
    before = tree_hashes(CORPUS)
    done = toolkit("validate", str(CORPUS), "--json", "--as-of", "2026-11-24", timeout=600)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    payload = json.loads(done.stdout)
    names = {f["file"] for f in payload["files"]} | {f["file"] for f in payload["findings"]}
    for path in CORPUS_FILES:
        assert path.name in names or str(path.relative_to(CORPUS)) in names or \
            f"{path.parent.name}/{path.name}" in names, path
    unreadable = [f for f in payload["files"] if not f["readable"]]
    by_file = {}
    for finding in payload["findings"]:
        by_file.setdefault(finding["file"], []).append(finding)
    for summary in unreadable:
        found = by_file[summary["file"]]
        assert len(found) == 1 and found[0]["code"].startswith("file-"), found
        assert found[0]["message"] and "Error" not in found[0]["message"]
    encrypted = {f["file"] for f in payload["findings"] if f["code"] == "file-encrypted"}
    assert "calamine__pass_protected.xlsx" in encrypted
    assert tree_hashes(CORPUS) == before


def _run_one(path: Path) -> tuple[Path, str | None]:
    code = (
        "import resource, subprocess, sys;"
        "p = subprocess.run([sys.executable, '-m', 'toolkit', 'validate', sys.argv[1], '--json', '--as-of', '2026-11-24'],"
        " capture_output=True, text=True, timeout=%d);"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024;"
        "print(p.returncode, int(rss), 'Traceback' in p.stderr + p.stdout)" % PER_FILE_SECONDS
    )
    try:
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                              cwd=REPO, timeout=PER_FILE_SECONDS + 15)
    except subprocess.TimeoutExpired:
        return path, f"over {PER_FILE_SECONDS} s"
    if done.returncode != 0:
        return path, f"over {PER_FILE_SECONDS} s or crashed: {done.stderr[-300:]}"
    status, rss, traceback = done.stdout.split()
    if status not in ("0", "1"):
        return path, f"exit {status}"
    if traceback == "True":
        return path, "traceback"
    if int(rss) > PER_FILE_MB:
        return path, f"peak {rss} MB"
    return path, None


def test_each_file_alone_within_limits():
    with ThreadPoolExecutor(max_workers=2) as pool:
        problems = [(p.name, why) for p, why in pool.map(_run_one, CORPUS_FILES) if why]
    assert problems == []
