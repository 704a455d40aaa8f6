"""What kind of file the user chose, and the file-level rejections both readers share (empty, not a table, too
many rows): recognised by their first bytes, so that a PNG renamed .csv is named as an image, not read as text.
"""

from __future__ import annotations

import codecs
import io
import zipfile

from core.errors import FileRejected
from core.i18n import _, group_digits

# Each kind's words are translated when a file is found to be of that kind (the language is chosen after import).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", lambda: _("a PNG image")),
    (b"%PDF-", lambda: _("a PDF document")),
    (b"GIF87a", lambda: _("a GIF image")),
    (b"GIF89a", lambda: _("a GIF image")),
    (b"\xff\xd8\xff", lambda: _("a JPEG image")),
    (b"II*\x00", lambda: _("a TIFF image")),
    (b"MM\x00*", lambda: _("a TIFF image")),
    (b"\x1f\x8b", lambda: _("a compressed (gzip) file")),
    (b"Rar!\x1a\x07", lambda: _("a RAR archive")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", lambda: _("an old Excel 97-2003 (.xls) or a password-protected workbook")),
    (b"7z\xbc\xaf\x27\x1c", lambda: _("a 7-Zip archive")),
    (b"SQLite format 3\x00", lambda: _("an SQLite database")),
    (b"\x7fELF", lambda: _("a program")),
    (b"{\\rtf", lambda: _("a rich-text (RTF) document")),
)
_ZIP_KINDS = (
    ("xl/workbook.xml", lambda: _("an Excel workbook (.xlsx)")),
    ("word/document.xml", lambda: _("a Word document")),
    ("ppt/presentation.xml", lambda: _("a PowerPoint presentation")),
    ("Index/Document.iwa", lambda: _("an Apple Numbers spreadsheet")),
)


def describe_binary(data: bytes, *, nul: bool = True) -> str | None:
    """What a file that is not text looks like ("a PNG image", in the user's language), or None when it may be text.
    With `nul`, any NUL byte makes it binary (callers that may meet UTF-16 check NULs themselves)."""
    head = data[:16]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what()
    if head[8:12] == b"DUCK" and b"\x00" in head[:8]:
        return _("a DuckDB database (perhaps a custbook store)")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _describe_zip(data)
    start = data[:512].lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return _("a web page (HTML), as some programs save under an .xls or .csv name")
    if start.startswith(b"<?xml"):
        return _("an XML file")
    if nul and b"\x00" in data:
        return _("binary data, not text")
    return None


def _describe_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError):
        return _("a damaged ZIP archive")
    for member, what in _ZIP_KINDS:
        if member in names:
            return what()
    if b"opendocument.spreadsheet" in mimetype:
        return _("an OpenDocument spreadsheet (.ods)")
    if b"opendocument" in mimetype:
        return _("an OpenDocument file")
    return _("a ZIP archive")


def not_a_table(name: str, what: str) -> FileRejected:
    return FileRejected(
        _("The file {file} is not a CSV or Excel file (it looks like {what})").format(file=name, what=what),
        _("Export the sheet from your spreadsheet program as CSV or .xlsx and import that file"),
    )


class TooManyRows(FileRejected):
    """A file over the row limit `limit` (a queued job's refusal names the store's ceiling instead: services.jobs)."""

    def __init__(self, message: str, fix: str, limit: int) -> None:
        super().__init__(message, fix)
        self.limit = limit


def too_many_rows(name: str, count: int | None, max_rows: int) -> TooManyRows:
    """The rejection for a file over the row limit; `count` None when only "more than" is known."""
    if count is None:
        message = _("The file {file} has more than {limit} customer rows; the limit is {limit}")
    else:
        message = _("The file {file} has {count} customer rows; the limit is {limit}")
    return TooManyRows(
        message.format(file=name, count=group_digits(count or 0), limit=group_digits(max_rows)),
        _(
            "Raise the limit for this import with --max-rows {rows} (in the interface: Most rows; or the "
            "CUSTBOOK_MAX_ROWS setting), or split the file into smaller ones, each with the header row"
        ).format(rows=max(count or 0, max_rows * 2)),
        max_rows,
    )


def empty_file(name: str) -> FileRejected:
    return FileRejected(
        _("The file {file} is empty").format(file=name),
        _("Check that you chose the right file, or export the customer list again"),
    )
