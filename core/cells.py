"""The file's cells per field, as the parser reads them: the step between mapping the columns and parsing them.

Owns how a field's cells come out of the file's rows: its column, several columns' non-blank cells joined by a space
(--join), the IDs found another way (--generate-ids, --match), a failed-rows file's apostrophes taken off. Columns
are taken out of the rows only when asked for, and the cells of some rows alone when only those are needed: the
plan's fast path (services.unchanged) compares whole rows as text and parses a few cells, and transposing a
25,000-row file into columns cost as much as that. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import itemgetter

from core.columns import NEUTRALISED
from core.failed_rows import is_error_column
from core.headers import HeaderMap
from core.keys import RowKeys
from core.table import RawTable

# Between the values of one stored row written as text (store.base.PlanReader.stored_text), and between the cells of
# one row of the file: a control character no field of a customer holds (the import refuses them in IDs; a stored
# value holding one sends the plan the full way).
UNIT_SEPARATOR = "\x1f"


class FieldCells:
    """The cells of each field (in the parsed order, CUSTOMERID first) for each row of the table."""

    def __init__(self, table: RawTable, headers: HeaderMap, keys: RowKeys | None = None) -> None:
        order = sorted(range(len(headers.fields)), key=lambda i: headers.fields[i] != "CUSTOMERID")  # ID first
        self.fields = tuple(headers.fields[i] for i in order)
        self.sources = tuple(headers.sources[i] for i in order)
        self.names = tuple(headers.names[i] for i in order) if headers.names else self.fields
        self.width = len(table.header)
        self.count = len(table.rows)
        # A column headed by its field ID comes from a CSV for import (exact values); by a label, perhaps from a
        # plain CSV export, whose formula-like text carries an apostrophe to take off (IDs are upper case).
        self.by_label = tuple(
            len(src) == 1 and src[0] < self.width and table.header[src[0]].strip() != fid
            for fid, src in zip(self.fields, self.sources)
        )
        self._ids = list(keys.ids) if keys is not None else None
        # A failed-rows file (its error column tells) has formula-like text behind an apostrophe in every column.
        self._failed_rows_file = any(map(is_error_column, table.header))
        # Each row's cells, exactly as wide as the header (short rows padded, extra cells cut).
        width = self.width
        self._rows = [r.cells if len(r.cells) == width else (*r.cells, *("",) * width)[:width] for r in table.rows]
        self._columns: dict[int, list[str]] = {}
        # Fields 1.. each from one column (two at least: an itemgetter of one gives a cell, not a tuple), and no
        # apostrophes to take off: a row's cells are an itemgetter away.
        plain = not self._failed_rows_file and all(len(s) == 1 for s in self.sources[1:])
        positions = [s[0] for s in self.sources[1:]]
        self._getter = itemgetter(*positions) if plain and len(positions) >= 2 else None
        # The common case, custbook's own files: every column of the file feeds one field, in order. A row's text is
        # then its cells joined as they are, and the stored rows are written in the file's column order to match.
        every = sorted(s[0] for s in self.sources if len(s) == 1)
        self._identity = plain and keys is None and len(self.sources[0]) == 1 and every == list(range(width))
        by_position = {s[0]: j for j, s in enumerate(self.sources) if len(s) == 1}
        self.text_fields: tuple[int, ...] = (
            tuple(by_position[p] for p in range(width)) if self._identity else tuple(range(1, len(self.fields)))
        )  # the fields a row's text joins, in its order: all of them, or all but the ID

    def row_texts(self) -> list[str]:
        """Each row's cells of `text_fields`, joined by UNIT_SEPARATOR."""
        if self._identity:
            return list(map(UNIT_SEPARATOR.join, self._rows))
        return list(map(UNIT_SEPARATOR.join, self.row_cells())) if len(self.fields) > 1 else [""] * self.count

    def text_cells(self, rows: Sequence[int]) -> list[tuple[str, ...]]:
        """The cells of `text_fields` of those rows, a tuple per row."""
        if self._identity:
            grid = self._rows
            return [grid[i] for i in rows]
        return self.row_cells(rows)

    def column(self, j: int) -> list[str]:
        """Every row's cell of field `j`."""
        found = self._columns.get(j)
        if found is None:
            found = self._columns[j] = self._make_column(j)
        return found

    @property
    def cells(self) -> tuple[list[str], ...]:
        return tuple(self.column(j) for j in range(len(self.fields)))

    def cells_at(self, j: int, rows: Sequence[int]) -> list[str]:
        """The cells of field `j` in those rows."""
        if j in self._columns or j == 0 or len(self.sources[j]) != 1 or self._failed_rows_file:
            column = self.column(j)
            return [column[i] for i in rows]
        at, grid = self.sources[j][0], self._rows
        return [grid[i][at] for i in rows]

    def row_cells(self, rows: Sequence[int] | None = None) -> list[tuple[str, ...]]:
        """The cells of fields 1.. (all but the ID) of those rows (None: of every row), a tuple per row."""
        grid = self._rows if rows is None else [self._rows[i] for i in rows]
        if self._getter is not None:
            return list(map(self._getter, grid))
        columns = [self.column(j) for j in range(1, len(self.fields))]
        picked = columns if rows is None else [[c[i] for i in rows] for c in columns]
        return list(zip(*picked)) if picked else [() for _ in grid]

    def _make_column(self, j: int) -> list[str]:
        sources = self.sources[j]
        if j == 0 and self._ids is not None:
            cells = list(self._ids)
        elif len(sources) == 1:
            cells = list(map(itemgetter(sources[0]), self._rows))
        elif not sources:
            cells = [""] * self.count
        else:
            get = itemgetter(*sources)
            cells = [" ".join(p for p in map(str.strip, get(row)) if p) for row in self._rows]
        if self._failed_rows_file and any(map(str.startswith, cells, repeat(NEUTRALISED))):
            cells = [c[1:] if c.startswith(NEUTRALISED) else c for c in cells]  # every column: see core.failed_rows
        return cells
