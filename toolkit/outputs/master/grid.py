"""A sheet laid out in panels, then written top to bottom.

The master is written in XlsxWriter's constant-memory mode, where a row cannot be touched once a
later row was written. A Dashboard with two panels side by side is therefore laid out first in a
`Grid` (cells, one-row merges, row heights) and written row by row at the end.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .book import clean_text, row_height, wrapped_lines, write_value


@dataclass
class Grid:
    widths: Sequence[float]
    cells: dict[tuple[int, int], tuple[Any, Any, int]] = field(default_factory=dict)   # value, format, span
    heights: dict[int, float] = field(default_factory=dict)
    gaps: dict[int, float] = field(default_factory=dict)

    def put(self, row: int, col: int, value: Any, fmt: Any = None, span: int = 1, *, fit: bool = False,
            size: float = 11) -> None:
        """`value` at (row, col), merged over `span` columns; with `fit` the row grows to show it
        wrapped (in a font of `size` points)."""
        self.cells[(row, col)] = (value, fmt, span)
        if fit and isinstance(value, str) and value:
            width = sum(self.widths[col:col + span]) * 11 / size
            self.height(row, round(row_height(wrapped_lines(value, width), value) * max(size, 10) / 11, 1))

    def gap(self, row: int, points: float = 8) -> None:
        """A thin spacer row, unless the other panel puts something in it."""
        self.gaps[row] = points

    def height(self, row: int, points: float) -> None:
        if points > self.heights.get(row, 0):
            self.heights[row] = points

    @property
    def last_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    def write(self, ws: Any) -> None:
        for col, width in enumerate(self.widths):
            ws.set_column(col, col, width)
        by_row: dict[int, list] = {}
        for key, cell in sorted(self.cells.items(), key=lambda kv: kv[0]):
            by_row.setdefault(key[0], []).append((key, cell))
        used = set(by_row)
        for row, points in self.gaps.items():
            if row not in used:
                self.heights[row] = points
        for row in sorted(used | set(self.heights)):
            if self.heights.get(row):
                ws.set_row(row, self.heights[row])
            for (r, col), (value, fmt, span) in by_row.get(row, ()):
                if span > 1:
                    shown = clean_text(value) if isinstance(value, str) else value
                    ws.merge_range(r, col, r, col + span - 1, "", fmt)
                    if shown is not None and shown != "":
                        write_value(ws, r, col, shown, fmt)
                else:
                    write_value(ws, r, col, value, fmt)
