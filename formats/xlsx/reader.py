"""Reading an Excel workbook: .xlsx bytes -> `RawTable` (first stage of the import, like `formats.csv.reader`).

This module owns turning the first worksheet's typed cells into the text a user would have typed (numbers without
binary noise, dates as ISO `YYYY-MM-DD`, booleans as TRUE/FALSE) with the sheet's own row numbers, and the
rejections an .xlsx can earn (damaged or not really a workbook, empty, too many rows, formulas saved without their
results).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

from core.errors import FileRejected
from core.i18n import _, group_digits, ngettext, pgettext
from core.table import MAX_ROWS, RawRow, RawTable, check_header
from formats.filekinds import describe_binary, empty_file, too_many_rows

# Excel escapes control characters in strings as _xHHHH_ (a CR before a line break is `_x000D_`).
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ZERO_PADDED = re.compile(r"^0+$")
# A formula element in worksheet XML (`<f>`, `<f t="shared" .../>`, or with a namespace prefix); not `<font>`.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
# What a workbook may unpack to: 20 KB of XML per allowed row (a real 25,000-row, 40-column sheet with its shared
# strings unpacks to about 60 MB), and never less than 500 MB. A ZIP "bomb" of a few kilobytes that unpacks to
# gigabytes would otherwise fill the memory while openpyxl loads its shared strings.
_UNPACKED_PER_ROW = 20_000
_UNPACKED_MIN = 500_000_000
_SHOWN_CELLS = 3


def is_xlsx(data: bytes) -> bool:
    """A ZIP archive holding an Excel workbook part (.xlsx, .xlsm), whatever the file is called."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def read_xlsx(data: bytes, *, name: str, max_rows: int = MAX_ROWS) -> RawTable:
    """Read the first worksheet of a workbook held in memory. Raises `FileRejected` for a file that cannot be
    imported at all. Formulas give their last computed value (the one Excel saved with the file)."""
    if not data:
        raise empty_file(name)
    if not is_xlsx(data):
        what = describe_binary(data)
        if what == _("a damaged ZIP archive"):
            raise _damaged(name, _("it is damaged (perhaps not completely downloaded or copied)"))
        if what:
            raise FileRejected(
                _("The file {file} is not an Excel .xlsx workbook (it looks like {what})").format(file=name, what=what),
                _("Open it in your spreadsheet program, save it as .xlsx or CSV and import that file"),
            )
        raise _damaged(name, _("it is not an .xlsx workbook (perhaps a text file with an .xlsx name)"))
    _refuse_bombs(data, name, max_rows)
    # openpyxl raises a zoo of exceptions for damaged files (zip, XML, KeyError for missing parts, ValueError):
    # every one of them means the same to the user. Warnings about unsupported extensions are noise here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _read(data, name, max_rows)
        except FileRejected:
            raise
        except Exception as err:
            raise _damaged(name, _("it is damaged or not really an .xlsx workbook")) from err


def _read(data: bytes, name: str, max_rows: int) -> RawTable:
    import openpyxl  # imported here: only .xlsx imports pay for it

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            raise empty_file(name)
        sheet = workbook.worksheets[0]
        _refuse_formulas_without_values(sheet, name)
        # The stored dimension is often wrong (some programs write "A1"): read every cell actually there.
        sheet.reset_dimensions()
        header: tuple[str, ...] | None = None
        width = 0
        rows: list[RawRow] = []
        count = 0
        # openpyxl yields an empty row for each row number missing from the file: enumerate gives sheet rows.
        for number, sheet_row in enumerate(sheet.iter_rows(), start=1):
            cells = [cell_text(c.value, c.number_format) for c in sheet_row]
            blank = all(not c or c.isspace() for c in cells)
            if header is None:
                if blank:
                    continue  # an empty sheet is told apart from a missing header by the first non-empty row
                if number != 1:
                    raise _header_missing(name)
                width = len(cells)
                while width and _blank(cells[width - 1]):
                    width -= 1
                header = tuple(cells[:width])
                check_header(name, header)  # before any row is read
                continue
            if blank:
                continue
            count += 1
            if count > max_rows:
                # Reading a big sheet is slow: stop at the first row over the limit instead of counting them all.
                raise too_many_rows(name, None, max_rows)
            end = len(cells)
            while end > width and _blank(cells[end - 1]):
                end -= 1  # cells formatted but empty beyond the header hold nothing
            # A sheet is a grid: a row that stops early has empty cells, not missing ones (unlike a CSV line,
            # where a short row is worth a warning).
            rows.append(RawRow(number, (*cells[:end], *[""] * (width - end))))
    finally:
        workbook.close()
    if header is None:
        raise empty_file(name)
    return RawTable(name=name, header=header, rows=tuple(rows), encoding=None, delimiter=None)


def _refuse_bombs(data: bytes, name: str, max_rows: int) -> None:
    """Refuse a workbook whose parts unpack to far more than its rows can need. The sizes are the archive's own
    declarations, which bound what zipfile will unpack: a part that declares less is cut there, not overrun."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    limit = max(_UNPACKED_MIN, max_rows * _UNPACKED_PER_ROW)
    if unpacked > limit:
        whole, tenths = f"{unpacked / 1e9:.1f}".split(".")
        size = group_digits(int(whole)) + pgettext("decimal mark", ".") + tenths
        raise FileRejected(
            _("The file {file} unpacks to {size} GB, far more than {rows} customer rows can hold").format(
                file=name, size=size, rows=group_digits(max_rows)
            ),
            _(
                "It is not a customer list as a spreadsheet program saves it. Open it in your spreadsheet program, "
                "save it again as .xlsx or CSV and import that file"
            ),
        )


def _refuse_formulas_without_values(sheet: Any, name: str) -> None:
    """Refuse a sheet holding formulas saved without their result (files written by scripts and some converters).
    openpyxl reads such a cell as empty, and an empty cell ERASES the stored field: the import would silently
    blank data. Excel and LibreOffice store the results when they save the file, which is the fix."""
    # Reading the sheet's XML again costs one more decompression; a regex over the raw chunks decides at C speed
    # whether there is any formula at all, and only then is the XML parsed to find the cells.
    with sheet._get_source() as source:
        tail = b""
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                return
            if _FORMULA_TAG.search(tail + chunk):
                break
            tail = chunk[-64:]
    cells: list[str] = []
    count = 0
    with sheet._get_source() as source:
        for _event, element in ElementTree.iterparse(source):
            tag = element.tag.rpartition("}")[2]
            if tag == "c":
                parts = {child.tag.rpartition("}")[2]: child for child in element}
                if "f" in parts and _no_result(element.get("t", "n"), parts.get("v")):
                    count += 1
                    if len(cells) < _SHOWN_CELLS:
                        cells.append(element.get("r") or "?")
                element.clear()
            elif tag == "row":
                element.clear()  # keeps memory flat on big sheets
    if not count:
        return
    where = ", ".join(cells)
    if count > len(cells):
        more = count - len(cells)
        where = ngettext("{listed} and {count} more", "{listed} and {count} more", more).format(
            listed=where, count=group_digits(more)
        )
    message = ngettext(
        "In {file}, cell {cells} holds a formula whose result was not saved with the file: importing would read it "
        "as empty and erase that field",
        "In {file}, cells {cells} hold formulas whose result was not saved with the file: importing would read them "
        "as empty and erase those fields",
        count,
    )
    raise FileRejected(
        message.format(file=name, cells=where),
        _("Open the file in Excel or LibreOffice and save it again so that the values are stored, then import it"),
    )


def _no_result(cell_type: str, value: ElementTree.Element | None) -> bool:
    """A formula cell without its result: no `<v>`, or an empty one where only a text result may be empty (openpyxl
    writes `<v></v>` for every formula; Excel and LibreOffice write `t="str"` and `<v></v>` for a formula whose
    result is the empty text, which is a real, empty value)."""
    if value is None:
        return True
    return not (value.text or "") and cell_type not in ("str", "s", "inlineStr")


def cell_text(value: Any, number_format: str | None = None) -> str:
    """The text a user would type for a cell value (and what Excel shows for it, for zero-padded numbers)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value) if "_x" in value else value
    if isinstance(value, bool):  # before int: bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        if number_format and _ZERO_PADDED.match(number_format):
            return str(value).zfill(len(number_format))  # ZIP codes stored as numbers formatted "00000": 02138
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return cell_text(int(value), number_format)  # 2138.0 was typed 2138
        text = repr(value)  # the shortest text that reads back as the same float: 1234.5, not 1234.4999999
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)  # durations and anything newer openpyxl may return


def _blank(cell: str) -> bool:
    return not cell or cell.isspace()


def _header_missing(name: str) -> FileRejected:
    return FileRejected(
        _("Row 1 of the first sheet of {file} is empty, but it must hold the column names").format(file=name),
        _("Delete the empty rows above the column names (Customer ID, Customer name...) and import again"),
    )


def _damaged(name: str, why: str) -> FileRejected:
    return FileRejected(
        _("The file {file} cannot be read as an Excel workbook: {why}").format(file=name, why=why),
        _("Open it in your spreadsheet program, save it again as .xlsx (or export it as CSV) and import that file"),
    )
