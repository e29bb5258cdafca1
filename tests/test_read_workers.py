"""Files read in worker processes (toolkit/read_workers.py): results in order, nothing lost when a
worker fails or dies, threads where processes are not used."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from toolkit import pipeline, read_workers
from toolkit.config import Settings

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="worker processes are forked on Linux")


@linux_only
def test_results_come_back_in_order_from_other_processes():
    parent = os.getpid()
    got = list(read_workers.read_all(list(range(30)), lambda item: (item * 2, os.getpid()), processes=2))
    assert [value for value, _ in got] == [item * 2 for item in range(30)]
    assert {pid for _, pid in got} - {parent}, "no item was read in a worker process"


@linux_only
def test_a_worker_that_dies_loses_no_item():
    parent = os.getpid()

    def job(item: int) -> tuple[int, bool]:
        if item == 5 and os.getpid() != parent:
            os._exit(3)                 # a worker killed half-way (out of memory, a crash in a library)
        return item * 2, os.getpid() == parent

    got = list(read_workers.read_all(list(range(20)), job, processes=2))
    assert [value for value, _ in got] == [item * 2 for item in range(20)]
    assert got[5][1], "the item the worker died on was read here"


@linux_only
def test_a_result_that_cannot_be_sent_back_is_read_here():
    parent = os.getpid()
    got = list(read_workers.read_all(list(range(10)),
                                     lambda item: (lambda: item) if os.getpid() != parent else item,
                                     processes=2))
    assert got == list(range(10))


def test_processes_are_used_only_for_many_files_on_linux(monkeypatch):
    monkeypatch.setattr(read_workers.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    assert read_workers.worker_processes(read_workers.PROCESS_MIN_FILES - 1) == 0
    expected = 4 if sys.platform.startswith("linux") else 0
    assert read_workers.worker_processes(200) == expected
    monkeypatch.setattr(read_workers.sys, "platform", "win32")
    assert read_workers.worker_processes(200) == 0


@pytest.fixture
def asked(monkeypatch) -> list[int]:
    """The `processes` each `read_inputs` asked `read_all` for (the reading itself unchanged)."""
    asked: list[int] = []
    real = read_workers.read_all

    def spy(items, job, *, processes):
        asked.append(processes)
        return real(items, job, processes=processes)

    monkeypatch.setattr(pipeline, "read_all", spy)
    return asked


def test_threads_when_processes_are_turned_off(monkeypatch, asked):
    """`reading.processes = false` reads on threads in this process; a consolidation in worker
    processes gets Records made here, the same as those made on threads."""
    sample = Path(__file__).resolve().parents[1] / "workbooks" / "sample"
    monkeypatch.setattr(pipeline, "worker_processes", lambda files: 2)
    settings = Settings.model_validate({"reading": {"processes": False}})
    on_threads = pipeline.read_inputs([sample], settings, make_records=True)
    in_workers = pipeline.read_inputs([sample], Settings(), make_records=True)
    assert asked == [0, 2]
    for threads_wb, workers_wb in zip(on_threads.workbooks, in_workers.workbooks, strict=True):
        for a, b in zip(threads_wb.tables, workers_wb.tables, strict=True):
            assert isinstance(b.parts[0], list) and b.kept_parts, "Records made, columns kept for validation"
            assert [(r.source, r.values, r.raw, r.extras) for r in a.records] == \
                   [(r.source, r.values, r.raw, r.extras) for r in b.records]


@linux_only
def test_files_vetted_in_worker_processes(tmp_path, asked):
    """With enough files for worker processes, the vetting runs there too: the toolkit's own
    output is skipped unread, a copy of an earlier input is dropped with a finding, the order
    and every other workbook stay as they are, and an output among the inputs is refused first."""
    import xlsxwriter

    from safety_helpers import tracker
    from toolkit.errors import InputError
    from toolkit.inputs.own_outputs import MARKER

    folder = tmp_path / "in"
    for n in range(10):
        tracker(folder / f"D{n:02}.xlsx", f"T-{n}")
    (folder / "D99 copy.xlsx").write_bytes((folder / "D03.xlsx").read_bytes())
    book = xlsxwriter.Workbook(str(folder / "D50 master.xlsx"))
    book.set_custom_property(MARKER, "master")
    book.add_worksheet("Tasks").write_row(0, 0, ["Task ID", "Task"])
    book.close()
    counted: list[int] = []
    stepped: list[str] = []
    batch = pipeline.read_inputs([folder], Settings(), progress=lambda p: stepped.append(p.name),
                                 on_count=counted.append)
    assert asked and asked[0] >= 2, "read in worker processes"
    assert [wb.file for wb in batch.workbooks] == [f"D{n:02}.xlsx" for n in range(10)]
    assert [r.values["id"] for r in batch.records("tasks")] == [f"T-{n}" for n in range(10)]
    codes = {f.file: f.code for f in batch.findings}
    assert codes == {"D50 master.xlsx": "own-output-skipped", "D99 copy.xlsx": "duplicate-file"}
    duplicate = next(f for f in batch.findings if f.code == "duplicate-file")
    assert duplicate.params["other"] == "D03.xlsx"
    assert counted == [12] and len(stepped) == 12
    with pytest.raises(InputError):
        pipeline.read_inputs([folder], Settings(), output=folder / "D05.xlsx")
    pipeline.read_inputs([folder], Settings(), output=folder / "D50 master.xlsx")   # its own master: skipped
