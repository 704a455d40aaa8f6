"""The entry point of the import's first stage: a file (path or bytes) -> `RawTable`.

This module owns getting the bytes (missing file, folder, permissions, size limit checked before reading) and
choosing the reader from the content: a ZIP holding an Excel workbook, or a file named .xlsx/.xlsm, goes to
`xlsx.reader`; everything else to `csv.reader`, which recognises and refuses other binary files.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from core.errors import CustbookError, FileRejected, InvalidValue
from core.i18n import _, ngettext, pgettext
from core.table import MAX_ROWS, RawTable  # MAX_ROWS is also read from here (services/imports.py)
from formats.csv.reader import read_csv
from formats.xlsx.reader import is_xlsx, read_xlsx

MAX_BYTES = 200 * 1024 * 1024
MAX_BYTES_ENV = "CUSTBOOK_MAX_BYTES"
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?\s*$", re.IGNORECASE)


def parse_size(text: str, what: str = "--max-bytes") -> int:
    """A size as people write it: `200MB`, `1.5G`, `500k` or plain bytes (units are powers of 1024)."""
    match = _SIZE.match(text)
    size = int(float(match[1]) * 1024 ** " KMG".index(match[2].upper() or " ")) if match else 0
    if size <= 0:
        raise InvalidValue(
            _("{option} '{text}' is not a file size").format(option=what, text=text),
            _("Write it like 200MB, 1GB or 500KB"),
        )
    return size


def configured_max_bytes(env: Mapping[str, str] | None = None) -> int:
    """The largest file an import reads: $CUSTBOOK_MAX_BYTES when set (in the worker's environment for a job),
    else 200 MB."""
    text = (os.environ if env is None else env).get(MAX_BYTES_ENV, "").strip()
    return parse_size(text, MAX_BYTES_ENV) if text else MAX_BYTES


def read_file(
    path: str | os.PathLike[str],
    *,
    encoding: str = "auto",
    max_rows: int = MAX_ROWS,
    max_bytes: int | None = None,
) -> RawTable:
    """Read an import file from disk. `encoding` applies to CSV files only ("auto" or a codec name); `max_bytes`
    None is the configured limit (`configured_max_bytes`)."""
    if max_bytes is None:
        max_bytes = configured_max_bytes()
    path = Path(path)
    name = path.name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        # FileRejected rather than NotFound: the import reports every file-level problem the same way (status
        # "rejected", one JSON object with --json, exit 1).
        raise FileRejected(
            _("There is no file {path}").format(path=path),
            _("Check the file name and the folder it is in (a relative name starts from the current folder)"),
        ) from None
    except OSError as err:
        raise _unreadable(path, err) from None
    if stat.S_ISDIR(info.st_mode):
        raise FileRejected(
            _("{path} is a folder, not a file").format(path=path), _("Choose the CSV or Excel file inside it")
        )
    # Regular files are refused from their size alone; pipes and devices have no size: read at most the limit.
    if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
        raise _too_big(name, info.st_size, max_bytes)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        raise _unreadable(path, err) from None
    return read_bytes(data, name=name, encoding=encoding, max_rows=max_rows, max_bytes=max_bytes)


PEEK_BYTES = 64 * 1024
UTF8_LABELS = frozenset({"UTF-8", "UTF-8 with BOM", "ASCII"})  # what formats.csv.reader calls UTF-8 files


def peek_csv(path: Path, *, encoding: str = "auto") -> RawTable | None:
    """The first rows of the CSV file at `path`, read as `read_file` reads the whole file (its encoding, delimiter and
    header), or None when it is not a regular file, is a workbook, or does not read: for guessing ahead (the plan's
    read-ahead, services.ahead), never for importing. A row cut by the end of the peek is left out."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None  # a pipe read here would lose its bytes for the real reading
        with path.open("rb") as handle:
            data = handle.read(PEEK_BYTES)
    except OSError:
        return None
    whole = len(data) < PEEK_BYTES
    if not whole:
        data = data[: data.rfind(b"\n") + 1]  # whole lines (a quoted cell may still go on: its row is dropped)
    if not data or is_xlsx(data) or path.name.lower().endswith(_XLSX_SUFFIXES):
        return None
    try:
        table = read_csv(data, name=path.name, encoding=encoding, max_rows=MAX_ROWS)
    except (CustbookError, ValueError, UnicodeError):
        return None
    if not whole and table.rows:
        table = replace(table, rows=table.rows[:-1])
    return table


def read_bytes(
    data: bytes,
    *,
    name: str,
    encoding: str = "auto",
    max_rows: int = MAX_ROWS,
    max_bytes: int | None = None,
) -> RawTable:
    """Read an import file already in memory (an upload, a test); `name` is used in messages and kept."""
    if max_bytes is None:
        max_bytes = configured_max_bytes()
    if len(data) > max_bytes:
        raise _too_big(name, len(data), max_bytes)
    if is_xlsx(data) or name.lower().endswith(_XLSX_SUFFIXES):
        return read_xlsx(data, name=name, max_rows=max_rows, max_bytes=max_bytes)
    return read_csv(data, name=name, encoding=encoding, max_rows=max_rows)


def _too_big(name: str, size: int, max_bytes: int) -> FileRejected:
    if size_text(size) == size_text(max_bytes):
        message = _("The file {file} is larger than {size}; the largest file custbook imports is {limit}")
    else:
        message = _("The file {file} is {size}; the largest file custbook imports is {limit}")
    return FileRejected(
        message.format(file=name, size=size_text(size), limit=size_text(max_bytes)),
        _("Split it into smaller files, each with the header row, and import them one after the other"),
    )


def _unreadable(path: Path, err: OSError) -> FileRejected:
    if isinstance(err, PermissionError):
        return FileRejected(
            _("custbook is not allowed to read the file {path}").format(path=path),
            _("Check the file's permissions, or copy it to a folder of yours and import the copy"),
        )
    reason = err.strerror or str(err)
    return FileRejected(
        _("The file {path} cannot be read ({reason})").format(path=path, reason=reason),
        _("Check that the file is still there and not open in a program that locks it, then try again"),
    )


def size_text(n: int) -> str:
    """'1.5 GB' ('1,5 Go' in French: the language's units and decimal mark), as the limits are written."""
    for unit, factor in ((_("{size} GB"), 1024**3), (_("{size} MB"), 1024**2), (_("{size} KB"), 1024)):
        if n >= factor:
            number = f"{n / factor:.1f}".removesuffix(".0")
            return unit.format(size=number.replace(".", pgettext("decimal mark", ".")))
    return ngettext("{count} byte", "{count} bytes", n).format(count=n)
