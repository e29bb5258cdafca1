"""Department tables -> one table per sheet kind, every row keeping its source. Nothing dropped."""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import Batch, Record
from .schema import SHEETS


@dataclass
class Consolidated:
    tables: dict[str, list[Record]]
    extra_task_headers: list[str]          # columns teams added to Tasks, in first-seen order
    rows_read: int                         # rows read from all readable sheets
    unreadable: list[str] = field(default_factory=list)   # files that could not be read

    @property
    def rows_written(self) -> int:
        return sum(len(records) for records in self.tables.values())

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_written

    def __getitem__(self, kind: str) -> list[Record]:
        return self.tables[kind]


def consolidate(batch: Batch) -> Consolidated:
    """Union each sheet kind across workbooks; rows with findings stay (marked by has_error)."""
    tables = {spec.key: batch.records(spec.key) for spec in SHEETS}
    extra: dict[str, None] = {}
    for wb in batch.workbooks:
        for table in wb.tables_of("tasks"):
            extra.update(dict.fromkeys(table.extra_headers))
    return Consolidated(
        tables=tables,
        extra_task_headers=list(extra),
        rows_read=sum(wb.rows_read for wb in batch.workbooks),
        unreadable=[wb.file for wb in batch.workbooks if not wb.readable],
    )
