"""Reading an Excel workbook: .xlsx bytes -> `RawTable` (first stage of the import, like `formats.csv.reader`).

This module owns turning the first worksheet's typed cells into the text a user would have typed (numbers without
binary noise, dates as ISO `YYYY-MM-DD`, booleans as TRUE/FALSE) with the sheet's own row numbers, and the
rejections an .xlsx can earn (damaged or not really a workbook, empty, too many rows, formulas saved without their
results, parts that openpyxl would load whole before the first row far larger than any real workbook's: the shared
strings, the styles).
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import warnings
import zipfile
from decimal import Decimal
from typing import IO, Any
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
# The shared-strings table: openpyxl loads all of it (a Python string and an XML element for each entry, about 160
# bytes) before it reads the first row, so the table, not the rows, sets what a workbook costs: 19 million tiny
# strings in a 47 MB file took 3.0 GB. A sheet of N rows can use at most a few strings per cell: 100 per allowed
# row, and never fewer than a million, is far above what a real table holds (a 25,000-row sheet of 40 columns of
# distinct texts has 1,000,000), and keeps a table of the default limit's size under half a gigabyte.
_STRINGS_PER_ROW = 100
_STRINGS_MIN = 1_000_000
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_STRING_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")  # `<si>`, or with a namespace prefix; not `<sig`
_OVERRIDE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Override\b[^>]*>")
_ATTRIBUTE = re.compile(rb"""\b(PartName|ContentType)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CONTENT_TYPES_MAX = 10_000_000  # a real [Content_Types].xml is a few kilobytes, tens with many sheets
_CHUNK = 1 << 20
# The other parts openpyxl parses whole in read-only mode (the workbook, the styles, the theme, the document's
# properties, chart sheets) cost about 23 bytes of memory per byte of XML: 248 MB of styles in a 700 KB file took
# 6.6 GB. Real ones add up to a few megabytes at most (Excel's 64,000 cell formats are about 6 MB of styles).
_WHOLE_PARTS_MAX = 10_000_000
_WHOLE_NAMES = ("xl/styles.xml", "xl/theme/theme1.xml", "docProps/core.xml", "docProps/custom.xml")
_WHOLE_TYPES = (".sheet.main+xml", ".template.main+xml", ".macroEnabled.main+xml", ".chartsheet+xml")


def is_xlsx(data: bytes) -> bool:
    """A ZIP archive holding an Excel workbook part (.xlsx, .xlsm), whatever the file is called."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def read_xlsx(data: bytes, *, name: str, max_rows: int = MAX_ROWS, max_bytes: int | None = None) -> RawTable:
    """Read the first worksheet of a workbook held in memory. Raises `FileRejected` for a file that cannot be
    imported at all. Formulas give their last computed value (the one Excel saved with the file). `max_bytes`: the
    import's byte limit, which its shared-strings table may not exceed once unpacked either (None: not checked)."""
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
    _refuse_heavy_parts(data, name, max_rows, max_bytes)
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

    # keep_links=False: links to other workbooks hold copies of their sheets, which an import never reads.
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
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


def _refuse_heavy_parts(data: bytes, name: str, max_rows: int, max_bytes: int | None) -> None:
    """Refuse a workbook whose parts that openpyxl loads whole before the first row would take more memory than
    any real workbook: a shared-strings table holding more strings than `max_rows` rows can use or unpacking to more
    than the byte limit, or the workbook, styles and other whole parts above `_WHOLE_PARTS_MAX`. The parts are
    found as openpyxl finds them ([Content_Types].xml, and fixed names); the strings are counted from the raw XML a
    megabyte at a time, stopping at the limit, so a hostile table costs a few megabytes and a real one an extra
    decompression (60 ms for LibreOffice's table of a 25,000-row sheet)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = _content_types(archive, name)
        whole = {part for part, kind in types.items() if kind.endswith(_WHOLE_TYPES)}
        whole.update(part for part in _WHOLE_NAMES if _member(archive, part))
        if sum(archive.getinfo(part).file_size for part in whole) > _WHOLE_PARTS_MAX:
            raise FileRejected(
                _("The file {file} holds far more styles and workbook settings than a spreadsheet program writes")
                .format(file=name),
                _("Open it in your spreadsheet program and save it as “CSV UTF-8”, then import that file"),
            )  # fmt: skip
        limit = max(_STRINGS_MIN, max_rows * _STRINGS_PER_ROW)
        for part in (part for part, kind in types.items() if kind == _SHARED_STRINGS):
            info = archive.getinfo(part)
            if max_bytes is not None and info.file_size > max_bytes:
                raise _too_many_strings(name, max_rows, None)
            with archive.open(info) as source:
                if _count_strings(source, name, limit) > limit:
                    raise _too_many_strings(name, max_rows, limit)


def _count_strings(source: IO[bytes], name: str, limit: int) -> int:
    """The `<si>` elements of a shared-strings table, counted until there are more than `limit`."""
    count = 0
    carried = b""
    while count <= limit:
        chunk = source.read(_CHUNK)
        buffer = carried + chunk
        # A tag never holds a "<" after its first character: everything before the last "<" is whole, and the rest
        # waits for the next chunk (unless it is a megabyte long: no string's tag is).
        cut = buffer.rfind(b"<") if chunk else len(buffer)
        if cut < 0 or (cut == 0 and len(buffer) > _CHUNK):
            cut = len(buffer)
        whole, carried = buffer[:cut], buffer[cut:]
        if b"<!DOCTYPE" in whole or b"<!ENTITY" in whole:
            # Entities could make many strings of a few bytes that no count of the raw XML sees; Excel never writes
            # a DTD (and openpyxl refuses one when defusedxml is installed).
            raise _damaged(name, _("its shared strings declare XML entities, which Excel never writes"))
        count += len(_STRING_TAG.findall(whole))
        if not chunk:
            break
    return count


def _member(archive: zipfile.ZipFile, part: str) -> bool:
    try:
        archive.getinfo(part)
    except KeyError:
        return False
    return True


def _content_types(archive: zipfile.ZipFile, name: str) -> dict[str, str]:
    """Part name -> content type, for the parts [Content_Types].xml overrides that the archive holds (read as
    openpyxl reads them: the PartName without its leading "/")."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return {}  # not a workbook openpyxl can open: it says so
    if info.file_size > _CONTENT_TYPES_MAX:
        raise _damaged(name, _("it is damaged or not really an .xlsx workbook"))
    text = archive.read(info)
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        raise _damaged(name, _("it is damaged or not really an .xlsx workbook"))
    found = {}
    for tag in _OVERRIDE.finditer(text):
        attributes = {
            key.decode(): html.unescape((double if double is not None else single).decode("utf-8", "replace"))
            for key, double, single in _ATTRIBUTE.findall(tag.group())
        }
        part = attributes.get("PartName", "")[1:]
        if part and _member(archive, part):
            found[part] = attributes.get("ContentType", "").strip()
    return found


def _too_many_strings(name: str, max_rows: int, limit: int | None) -> FileRejected:
    """The refusal of a shared-strings table larger than the rows can use (`limit` strings; None: in bytes)."""
    if limit is None:
        message = _(
            "The file {file} holds a table of texts larger, once unpacked, than the largest file custbook imports"
        ).format(file=name)
        fix = _(
            "Open it in your spreadsheet program and save it as “CSV UTF-8”, then import that file (or raise the "
            "limit with --max-bytes)"
        )
    else:
        message = _(
            "The file {file} holds a table of more than {count} texts, far more than {rows} customer rows can use"
        ).format(file=name, count=group_digits(limit), rows=group_digits(max_rows))
        fix = _(
            "Open it in your spreadsheet program and save it as “CSV UTF-8”, then import that file (or, if it really "
            "holds that many rows, raise the limit with --max-rows)"
        )
    return FileRejected(message, fix)


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
