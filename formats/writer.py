"""The export writer protocol, the registry of formats, and safe file replacement.

Every format is one module with one `Writer`; all of them are fed the same `ExportTable` (columns from the
catalogue, typed rows streamed from the store, built once). A writer only writes: choosing rows and columns is the
export service's work (services/export.py). Files are written to a temporary name beside the target and renamed
into place, so a failed export leaves no half file behind.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from core.bulk import gc_paused
from core.catalogue import Field
from core.errors import CustbookError, UsageError
from core.filemodes import shared_mode
from core.i18n import _
from core.outfiles import real_target, replacing
from core.values import DateFormat, Value


@dataclass(frozen=True)
class ExportTable:
    title: str
    columns: tuple[Field, ...]
    rows: Iterable[tuple[Value, ...]]  # streamed once, in the view's sort order
    row_count: int
    filters: tuple[str, ...] = ()  # human descriptions, for the title line of documents
    sort: str = ""  # "Sorted by Credit limit (descending), then Name", for the title line of documents
    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    date_format: DateFormat = DateFormat.DMY_SLASH


class Writer(Protocol):
    name: str  # what --format takes
    extension: str  # with the dot
    description: str  # for the menu, in English marked with N_(): shown as `_(writer.description)`
    importable_only: bool  # the export gives it importable columns only, CUSTOMERID first
    document: bool  # pages of limited width (docx, pdf): without a view, the export gives the list's columns

    def write(self, table: ExportTable, out: BinaryIO, progress: Callable[[int], None] | None = None) -> str | None:
        """Write the table; return a note for the user when the file could not hold something as it is (the
        PDF's font lacks some letters...), else None."""
        ...


@dataclass(frozen=True)
class Written:
    path: Path
    note: str | None = None  # what the writer could not keep as it was, for the user (see Writer.write)


_REGISTRY: dict[str, Writer] = {}


def register(writer: Writer) -> Writer:
    _REGISTRY[writer.name] = writer
    return writer


# Each format's module, imported only when that format is asked for: a CSV export then never pays the half
# second it takes to import fpdf2 and python-docx. Importing a module registers its writer.
FORMAT_MODULES = {
    "csv": "formats.csv.plain",
    "import-csv": "formats.csv.for_import",
    "xlsx": "formats.xlsx.writer",
    "docx": "formats.docx.writer",
    "pdf": "formats.pdf.writer",
    "csv-semicolon": "formats.csv.plain",
}


def writers() -> dict[str, Writer]:
    """Every format, in menu order (this imports all of them)."""
    for module in FORMAT_MODULES.values():
        importlib.import_module(module)
    return {name: _REGISTRY[name] for name in FORMAT_MODULES}


def get_writer(name: str) -> Writer:
    key = name.strip().lower()
    if key not in FORMAT_MODULES:
        raise UsageError(
            _("'{name}' is not an export format").format(name=name),
            _("Use one of: {names}").format(names=", ".join(FORMAT_MODULES)),
        )
    importlib.import_module(FORMAT_MODULES[key])
    return _REGISTRY[key]


def write_file(
    table: ExportTable, writer: Writer, path: str | os.PathLike[str], progress: Callable[[int], None] | None = None
) -> Written:
    """Write through a part file renamed into place (see `core.outfiles`: a device or a pipe is written as a
    stream, a symbolic link's target gets the file)."""
    target = Path(path).expanduser()
    folder = real_target(target).parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise CustbookError(
            _("The folder {folder} does not exist").format(folder=folder), _("Create it or choose another file name")
        )
    # Follow the user's umask like any other program writing a file (a part file starts 0600). The umask is the
    # one the program started with: a store write in another thread may have tightened it meanwhile.
    with replacing(target, mode=shared_mode()) as out, gc_paused():  # rows by the thousand, none in a cycle
        note = writer.write(table, out, progress)
    return Written(target, note)


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

    return write_file(ExportTable("", (), (), 0), _Bytes(), path).path
