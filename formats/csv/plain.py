"""The plain CSV writers: labels as headers, UTF-8 with a BOM so Excel shows accents, formulas neutralised.

A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula in a spreadsheet; it
gets a leading apostrophe (the import takes it off again). Real negative numbers stay numbers: only text is
neutralised. Two dialects: `csv` (commas, decimal points: Excel in English) and `csv-semicolon` (semicolons and
decimal commas, what Excel in French, German, Spanish... opens in columns; the import reads both).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from typing import BinaryIO

from core.catalogue import FieldType
from core.columns import FORMULA_START
from core.i18n import N_
from core.values import DateFormat, Value
from formats.csv.for_import import ColumnFormat, each, formatter, write_csv_rows
from formats.writer import ExportTable, register

_TEXT_TYPES = (FieldType.TEXT, FieldType.ENUM, FieldType.EMAIL, FieldType.REF)


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


class PlainCsvWriter:
    name = "csv"
    extension = ".csv"
    description = N_("CSV (labels as headers, opens in Excel with accents)")
    importable_only = False
    document = False

    delimiter = ","

    def write(self, table: ExportTable, out: BinaryIO, progress: Callable[[int], None] | None = None) -> None:
        fmts: dict[int, ColumnFormat] = {}
        for i, c in enumerate(table.columns):
            fmts[i] = _neutralised_column if c.type in _TEXT_TYPES else each(self._formatter(c.type, table.date_format))
        # UTF-8 with a BOM: without it Excel reads the file as the local code page and garbles every accent.
        header = [neutralise(c.shown_label) for c in table.columns]  # the user's language: the importer reads both
        write_csv_rows(table, out, "utf-8-sig", header, fmts, progress, self.delimiter)

    def _formatter(self, ftype: FieldType, date_format: DateFormat) -> Callable[[Value], str]:
        return formatter(ftype, date_format)


class SemicolonCsvWriter(PlainCsvWriter):
    name = "csv-semicolon"
    description = N_("CSV with semicolons and decimal commas (Excel in most of Europe)")
    delimiter = ";"

    def _formatter(self, ftype: FieldType, date_format: DateFormat) -> Callable[[Value], str]:
        if ftype is FieldType.DECIMAL:
            return lambda v: "" if v is None else f"{v:.2f}".replace(".", ",")
        return formatter(ftype, date_format)


def _neutralised(value: Value) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _neutralised_column(column: Sequence[Value]) -> Sequence[object]:
    """The column as it is when no text in it starts like a formula (the test runs in C), else cell by cell."""
    try:
        clean = not any(map(str.startswith, filter(None, column), repeat(FORMULA_START)))  # type: ignore[arg-type]
    except TypeError:  # a value that is not text: the careful way
        clean = False
    return column if clean else list(map(_neutralised, column))


register(PlainCsvWriter())
register(SemicolonCsvWriter())
