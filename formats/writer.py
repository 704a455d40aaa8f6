"""The export writer protocol, the registry of formats, and safe file replacement.

Every format is one module with one `Writer`; all of them are fed the same `ExportTable` (columns from the
catalogue, typed rows streamed from the store, built once). A writer only writes: choosing rows and columns is the
store's work. Files are written to a temporary name beside the target and renamed into place, so a failed export
leaves no half file behind.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from formats.catalogue import Field
from formats.errors import CustbookError, UsageError
from formats.values import DateFormat, Value


@dataclass(frozen=True)
class ExportTable:
    title: str
    columns: tuple[Field, ...]
    rows: Iterable[tuple[Value, ...]]  # streamed once, in the view's sort order
    row_count: int
    filters: tuple[str, ...] = ()  # human descriptions, for the title line of documents
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    date_format: DateFormat = DateFormat.DMY_SLASH


class Writer(Protocol):
    name: str  # what --format takes
    extension: str  # with the dot
    description: str
    importable_only: bool  # the store gives it importable columns only, CUSTOMERID first
    document: bool  # pages of limited width (docx, pdf): without a view, the store gives the list's columns

    def write(self, table: ExportTable, out: BinaryIO, progress: Callable[[int], None] | None = None) -> None: ...


_REGISTRY: dict[str, Writer] = {}


def register(writer: Writer) -> Writer:
    _REGISTRY[writer.name] = writer
    return writer


def _load_all() -> None:
    # Importing the format modules registers them; kept lazy so `custbook import` never pays for docx or pdf.
    import formats.csv_import
    import formats.csv_plain  # noqa: F401

    for optional in ("formats.xlsx_writer", "formats.docx_writer", "formats.pdf_writer"):
        try:
            __import__(optional)
        except ModuleNotFoundError as exc:
            if exc.name != optional:
                raise


def writers() -> dict[str, Writer]:
    _load_all()
    return dict(_REGISTRY)


def get_writer(name: str) -> Writer:
    known = writers()
    key = name.strip().lower()
    if key not in known:
        raise UsageError(f"'{name}' is not an export format", f"Use one of: {', '.join(known)}")
    return known[key]


def write_file(
    table: ExportTable, writer: Writer, path: str | os.PathLike[str], progress: Callable[[int], None] | None = None
) -> Path:
    """Write to a temporary file in the target's folder, then rename it into place."""
    target = Path(path).expanduser()
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise CustbookError(f"The folder {folder} does not exist", "Create it or choose another file name")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            writer.write(table, out, progress)
        # Follow the user's umask like any other program writing a file (mkstemp would leave it 0600).
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def replace_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write a small file whole through the same temporary-name-and-rename path as exports."""

    class _Bytes:
        name = "bytes"
        extension = ""
        description = ""
        importable_only = False
        document = False

        def write(self, table: ExportTable, out: BinaryIO, progress: Callable[[int], None] | None = None) -> None:
            out.write(data)

    return write_file(ExportTable("", (), (), 0), _Bytes(), path)
