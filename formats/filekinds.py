"""What kind of file the user chose, and the file-level rejections both readers share (empty, not a table, too
many rows): recognised by their first bytes, so that a PNG renamed .csv is named as an image, not read as text.
"""

from __future__ import annotations

import codecs
import io
import zipfile

from core.errors import FileRejected

_MAGIC = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"%PDF-", "a PDF document"), (b"GIF87a", "a GIF image"),
          (b"GIF89a", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"), (b"II*\x00", "a TIFF image"),
          (b"MM\x00*", "a TIFF image"), (b"\x1f\x8b", "a compressed (gzip) file"), (b"Rar!\x1a\x07", "a RAR archive"),
          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel 97-2003 (.xls) or a password-protected workbook"),
          (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"SQLite format 3\x00", "an SQLite database"),
          (b"\x7fELF", "a program"), (b"{\\rtf", "a rich-text (RTF) document"))  # fmt: skip
_ZIP_KINDS = (("xl/workbook.xml", "an Excel workbook (.xlsx)"), ("word/document.xml", "a Word document"),
              ("ppt/presentation.xml", "a PowerPoint presentation"),
              ("Index/Document.iwa", "an Apple Numbers spreadsheet"))  # fmt: skip


def describe_binary(data: bytes, *, nul: bool = True) -> str | None:
    """What a file that is not text looks like ("a PNG image"), or None when it may be text.
    With `nul`, any NUL byte makes it binary (callers that may meet UTF-16 check NULs themselves)."""
    head = data[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if head[8:12] == b"DUCK" and b"\x00" in head[:8]:
        return "a DuckDB database (perhaps a custbook store)"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _describe_zip(data)
    start = data[:512].lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML), as some programs save under an .xls or .csv name"
    if start.startswith(b"<?xml"):
        return "an XML file"
    if nul and b"\x00" in data:
        return "binary data, not text"
    return None


def _describe_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError):
        return "a damaged ZIP archive"
    for member, what in _ZIP_KINDS:
        if member in names:
            return what
    if b"opendocument.spreadsheet" in mimetype:
        return "an OpenDocument spreadsheet (.ods)"
    if b"opendocument" in mimetype:
        return "an OpenDocument file"
    return "a ZIP archive"


def not_a_table(name: str, what: str) -> FileRejected:
    return FileRejected(
        f"The file {name} is not a CSV or Excel file (it looks like {what})",
        "Export the sheet from your spreadsheet program as CSV or .xlsx and import that file",
    )


def too_many_rows(name: str, count: int | None, max_rows: int) -> FileRejected:
    """The rejection for a file over the row limit; `count` None when only "more than" is known."""
    has = f"more than {max_rows:,}" if count is None else f"{count:,}"
    return FileRejected(
        f"The file {name} has {has} customer rows; the limit is {max_rows:,}",
        f"Raise the limit for this import with --max-rows {max(count or 0, max_rows * 2)} (in the interface: Most "
        "rows; or the CUSTBOOK_MAX_ROWS setting), or split the file into smaller ones, each with the header row",
    )


def empty_file(name: str) -> FileRejected:
    return FileRejected(
        f"The file {name} is empty",
        "Check that you chose the right file, or export the customer list again",
    )
