"""The Excel writer: one sheet of typed cells under a bold, frozen header with filter buttons and sized columns.

Numbers are numbers (decimals shown `#,##0.00`), dates are real dates in the table's date format, timestamps are
date-times, checkboxes are booleans, and text is always a string cell: "02138" and long digit IDs stay text. The
first row holds the labels and nothing sits above it, so the file imports back like any other workbook.

Formulas are neutralised by the cell type rather than by an apostrophe as in the plain CSV: every text value is
written as a string cell, which no spreadsheet evaluates, so text starting with `=`, `+`, `-`, `@`, a tab or a CR
keeps its exact text, while real negative numbers stay numbers. Such text is also given a cell format with
`quotePrefix="1"`, the mark Excel itself sets on text typed after an apostrophe: Excel shows the exact text (no
apostrophe) and keeps it text when the cell is edited (F2, Enter), where a plain string cell would turn into a live
formula.

How it is built, for speed: openpyxl (write-only mode) makes the whole workbook around a sheet holding only the
header row: package parts, styles and number formats, column widths, frozen pane, filter range, properties. The
data rows are then streamed as sheet XML into the `<sheetData>` of that sheet while the archive is written. Going
through openpyxl cell by cell costs several microseconds per cell (4 s and more for 25,000 rows x 40 columns); the
string per cell built here takes under 1 s for the same table, compression included.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice
from typing import IO, Any, BinaryIO

from core.catalogue import Field, FieldType
from core.columns import FORMULA_START
from core.i18n import N_
from core.values import DateFormat, Value
from core.viewdef import shown_view_name
from formats.writer import ExportTable, register

MONEY_FORMAT = "#,##0.00"
_WIDTH_SAMPLE = 200  # rows looked at to size the columns
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_FILTER_BUTTON = 3  # characters the filter arrow covers at the right of a header cell
_PROGRESS_EVERY = 5000
# First characters that make a spreadsheet read typed text as a formula: such text cells get the quote prefix.
_FLUSH_EVERY = 500  # rows joined and compressed at a time
# Level 1 compresses the sheet about 3 times faster than the default 6, for a file about 15 % larger.
_COMPRESS_LEVEL = 1

# Characters XML 1.0 cannot carry at all (C0 controls but tab, LF and CR; U+FFFE, U+FFFF; lone surrogates): openpyxl
# raises IllegalCharacterError for them and XML readers reject the file, so one stray byte pasted from another
# program would abort the whole export. Excel could not show them either, so each becomes U+FFFD, the usual mark of
# a character that could not be kept; the rest of the text is written exactly.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Excel reads `_xHHHH_` in any string as an escaped character (and so does the import), so text that really
# contains one is protected by escaping its underscore as `_x005F_`.
_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_NEEDS_CLEANING = re.compile(_ILLEGAL.pattern + r"|_x[0-9A-Fa-f]{4}_")
# Anything that needs work before a text can go between <t> and </t>. A CR must be a character reference: a
# literal one would be read back as a line feed.
_NEEDS_WORK = re.compile(_NEEDS_CLEANING.pattern + "|[&<>\r]")

# Excel's day 1 is 1900-01-01, and it counts a 29 February 1900 that never was: serial = ordinal - this, minus one
# more for January and February 1900. An earlier date would show as ##### or a wrong day, so it is written as text in
# the table's date format (which the import reads back as that date).
_EXCEL_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()
_FIRST_EXCEL_DATE = dt.date(1900, 1, 1)
_FIRST_EXCEL_MOMENT = dt.datetime(1900, 1, 1)

# A sheet name is at most 31 characters, without : \ / ? * [ ], and not starting or ending with an apostrophe.
_SHEET_NAME_BAD = re.compile(r"[:\\/?*\[\]\x00-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text as it can be stored in a workbook and read back unchanged (apart from impossible characters)."""
    if not _NEEDS_CLEANING.search(text):
        return text
    return _ESCAPE_LIKE.sub("_x005F_", _ILLEGAL.sub("\ufffd", text))


def excel_date_format(date_format: DateFormat) -> str:
    """The number format showing a date cell the way the table's date format writes it: DD/MM/YYYY -> dd/mm/yyyy."""
    return date_format.value.lower()


def sheet_name(title: str) -> str:
    name = " ".join(_SHEET_NAME_BAD.sub(" ", title).split()).strip("'").strip()[:31].strip()
    # "History" is reserved by Excel for its change tracking sheet.
    return name if name and name.casefold() != "history" else "Customers"


class XlsxWriter:
    name = "xlsx"
    extension = ".xlsx"
    description = N_("Excel workbook (typed cells, bold frozen header, filter buttons)")
    importable_only = False
    document = False

    def write(self, table: ExportTable, out: BinaryIO, progress: Callable[[int], None] | None = None) -> None:
        rows = iter(table.rows)
        sample = list(islice(rows, _WIDTH_SAMPLE))
        widths = _widths(table.columns, sample, table.date_format)
        shell = _Shell.build(table, widths, table.row_count)
        cells = _cell_writers(table.columns, table.date_format, shell.styles)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=_COMPRESS_LEVEL) as archive:
            with archive.open(shell.sheet_path, "w") as member:
                member.write(shell.sheet_head)
                count = _write_rows(member, chain(sample, rows), cells, progress)
                if count != table.row_count:
                    shell = _Shell.build(table, widths, count)  # the filter range must cover the rows written
                member.write(shell.sheet_tail)
            for info, data in shell.parts:
                archive.writestr(info, data)


# Turns a column's value (never None) and the row number into the cell's XML ("" for no cell).
_CellWriter = Callable[[Any, str], str]


@dataclass(frozen=True)
class _Styles:
    money: int
    date: int
    moment: int
    quoted: int  # text kept as text when edited, like text typed after an apostrophe


@dataclass(frozen=True)
class _Shell:
    """The workbook openpyxl writes around a sheet holding the header row only, cut open at `</sheetData>`."""

    sheet_path: str
    sheet_head: bytes  # up to and with the header row
    sheet_tail: bytes  # from </sheetData>: filter range, margins
    parts: tuple[tuple[zipfile.ZipInfo, bytes], ...]  # every other part of the package, as openpyxl wrote it
    styles: _Styles

    @classmethod
    def build(cls, table: ExportTable, widths: list[float], row_count: int) -> _Shell:
        from openpyxl import Workbook  # imported here: listing the formats never pays for openpyxl
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook(write_only=True)
        title = shown_view_name(table.title)  # the built-in view's name in the user's language; cells stay canonical
        workbook.properties.title = clean_text(title)
        workbook.properties.creator = "custbook"
        sheet = workbook.create_sheet(sheet_name(title))
        # Everything above the rows must be set before the first append in write-only mode.
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        if table.columns:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{row_count + 1}"

        def style(number_format: str = "General", quote_prefix: bool = False) -> int:
            cell = WriteOnlyCell(sheet)
            cell.number_format = number_format
            cell.quotePrefix = quote_prefix
            return cell.style_id  # registers the style in the workbook, which writes it to styles.xml

        day_format = excel_date_format(table.date_format)
        styles = _Styles(
            style(MONEY_FORMAT), style(day_format), style(f"{day_format} hh:mm:ss"), style(quote_prefix=True)
        )

        bold = Font(bold=True)
        header = []
        for field in table.columns:
            label = clean_text(field.shown_label)  # the user's language: the importer reads both
            cell = WriteOnlyCell(sheet, label)
            cell.data_type = "s"  # a custom field's label is text too, even one starting with "="
            cell.font = bold
            cell.quotePrefix = bool(label) and label.startswith(FORMULA_START)  # and stays text when edited
            header.append(cell)
        sheet.append(header)

        buffer = io.BytesIO()
        workbook.save(buffer)
        with zipfile.ZipFile(buffer) as package:
            sheet_path = next(n for n in package.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))
            xml = package.read(sheet_path)
            cut = xml.find(b"</sheetData>")
            if cut < 0:
                raise RuntimeError(f"openpyxl wrote {sheet_path} without a </sheetData>")  # never with a header
            parts = tuple((i, package.read(i)) for i in package.infolist() if i.filename != sheet_path)
        return cls(sheet_path, xml[:cut], xml[cut:], parts, styles)


def _write_rows(
    member: IO[bytes],
    rows: Iterable[tuple[Value, ...]],
    cells: list[_CellWriter],
    progress: Callable[[int], None] | None,
) -> int:
    pending: list[str] = []
    count = 0
    for count, row in enumerate(rows, 1):
        n = str(count + 1)  # the header is row 1
        pending.append(f'<row r="{n}">{"".join([c(v, n) for c, v in zip(cells, row) if v is not None])}</row>')
        if count % _FLUSH_EVERY == 0:
            member.write("".join(pending).encode())
            pending.clear()
            if progress and count % _PROGRESS_EVERY == 0:
                progress(count)
    member.write("".join(pending).encode())
    return count


def _cell_writers(columns: Iterable[Field], date_format: DateFormat, styles: _Styles) -> list[_CellWriter]:
    """One function per column turning a value (never None) and a row number into that cell's XML ("" for none)."""
    from openpyxl.utils import get_column_letter

    def for_column(field: Field, col: str) -> _CellWriter:
        money, day, moment = styles.money, styles.date, styles.moment
        quoted = f' s="{styles.quoted}"'

        def text(value: Any, n: str) -> str:
            if type(value) is not str:
                return any_value(value, n)
            if not value:
                return ""  # no cell rather than an empty string cell
            s = quoted if value.startswith(FORMULA_START) else ""  # before escaping: a CR becomes "&#13;"
            if _NEEDS_WORK.search(value):
                value = _xml_text(clean_text(value))
            if value[0] <= " " or value[-1] <= " ":  # XML whitespace, kept only when marked as meaningful
                return f'<c r="{col}{n}"{s} t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
            return f'<c r="{col}{n}"{s} t="inlineStr"><is><t>{value}</t></is></c>'

        def decimal(value: Any, n: str) -> str:
            if type(value) is Decimal and value.is_finite():
                return f'<c r="{col}{n}" s="{money}"><v>{value:f}</v></c>'
            return any_value(value, n)

        def date(value: Any, n: str) -> str:
            if type(value) is dt.date and value >= _FIRST_EXCEL_DATE:
                return f'<c r="{col}{n}" s="{day}"><v>{_serial_day(value)}</v></c>'
            return any_value(value, n)

        def timestamp(value: Any, n: str) -> str:
            if type(value) is dt.datetime and value.tzinfo is None and value >= _FIRST_EXCEL_MOMENT:
                return f'<c r="{col}{n}" s="{moment}"><v>{_serial_moment(value)!r}</v></c>'
            return any_value(value, n)

        def boolean(value: Any, n: str) -> str:
            if value is True:
                return f'<c r="{col}{n}" t="b"><v>1</v></c>'
            if value is False:
                return f'<c r="{col}{n}" t="b"><v>0</v></c>'
            return any_value(value, n)

        def integer(value: Any, n: str) -> str:
            if type(value) is int:
                return f'<c r="{col}{n}"><v>{value}</v></c>'
            return any_value(value, n)

        def any_value(value: Any, n: str) -> str:
            """A value not of its column's type (a view mixing types, a custom field): typed by what it is."""
            if isinstance(value, bool):
                return f'<c r="{col}{n}" t="b"><v>{int(value)}</v></c>'
            if isinstance(value, int):
                return f'<c r="{col}{n}"><v>{int(value)}</v></c>'
            if isinstance(value, Decimal) and value.is_finite():
                return f'<c r="{col}{n}" s="{money}"><v>{value:f}</v></c>'
            if isinstance(value, float) and math.isfinite(value):
                return f'<c r="{col}{n}"><v>{value!r}</v></c>'
            if isinstance(value, dt.datetime):
                if value.tzinfo is None and value >= _FIRST_EXCEL_MOMENT:
                    return f'<c r="{col}{n}" s="{moment}"><v>{_serial_moment(value)!r}</v></c>'
                return text(value.isoformat(sep=" "), n)
            if isinstance(value, dt.date):
                if value >= _FIRST_EXCEL_DATE:
                    return f'<c r="{col}{n}" s="{day}"><v>{_serial_day(value)}</v></c>'
                return text(date_format.format(value), n)
            return text(str(value), n)

        by_type = {
            FieldType.TEXT: text,
            FieldType.ENUM: text,
            FieldType.EMAIL: text,
            FieldType.REF: text,
            FieldType.DECIMAL: decimal,
            FieldType.DATE: date,
            FieldType.TIMESTAMP: timestamp,
            FieldType.BOOL: boolean,
            FieldType.INTEGER: integer,
        }
        return by_type.get(field.type, any_value)

    return [for_column(field, get_column_letter(index)) for index, field in enumerate(columns, 1)]


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _serial_day(value: dt.date) -> int:
    days = value.toordinal() - _EXCEL_EPOCH_ORDINAL
    return days - 1 if days <= 60 else days  # before 1900-03-01: Excel's phantom 29 February 1900


def _serial_moment(value: dt.datetime) -> float:
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1_000_000
    return _serial_day(value.date()) + seconds / 86400


def _widths(columns: tuple[Field, ...], sample: list[tuple[Value, ...]], date_format: DateFormat) -> list[float]:
    """Column widths in characters, from the header (plus its filter button) and the first rows' shown text."""
    widths = []
    for index, field in enumerate(columns):
        widest = _text_width(field.shown_label) + _FILTER_BUTTON
        for row in sample:
            if index < len(row) and row[index] is not None:
                widest = max(widest, _shown_width(row[index], date_format))
        widths.append(float(min(_MAX_WIDTH, max(_MIN_WIDTH, widest + 2))))
    return widths


def _shown_width(value: Value, date_format: DateFormat) -> int:
    if isinstance(value, bool):
        return 5  # FALSE
    if isinstance(value, Decimal):
        return len(f"{value:,.2f}") if value.is_finite() else len(str(value))
    if isinstance(value, dt.datetime):
        return len(date_format.value) + 9  # " hh:mm:ss"
    if isinstance(value, dt.date):
        return len(date_format.value)
    return _text_width(str(value))


def _text_width(text: str) -> int:
    """Characters a text needs on its longest line, counting wide (CJK) characters twice."""
    longest = max(text.splitlines() or [""], key=len)
    if longest.isascii():
        return len(longest)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


register(XlsxWriter())
