"""What a file reader hands to the rest of the import: the header and the non-empty rows, with their
spreadsheet row numbers, plus the messages (`Issue`) every stage reports.

Pure data, no I/O and no store, but for the row limit an import reads (`configured_max_rows`: 25,000, or the
CUSTBOOK_MAX_ROWS setting), which readers, the import and the export's warning share.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from core.errors import FileRejected, InvalidValue
from core.i18n import _, group_digits

# The most customer rows one import file may hold: a rule of the import, so readers (formats/), queued jobs
# (store/) and the front ends share it from here.
MAX_ROWS = 25000


MAX_MESSAGE = 1000  # characters of one message about a file
MAX_QUOTED = 200  # characters of a cell quoted in a message


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One message about the file: `row` is the spreadsheet row (header = 1) or None for the whole file;
    `column` the canonical field ID or None for the whole row or file."""

    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: Severity = Severity.ERROR

    def __post_init__(self) -> None:
        # Messages are sentences: one full stop at the end, wherever they were written. Bounded, as the value they
        # quote: a 100 MB cell must not become a 100 MB sentence (the failed-rows file keeps the cell whole).
        text = short(self.message.rstrip(), MAX_MESSAGE)
        if text and text[-1] not in ".!?…":
            text += "."
        object.__setattr__(self, "message", text)
        if self.value is not None and len(self.value) > MAX_QUOTED:
            object.__setattr__(self, "value", short(self.value, MAX_QUOTED))

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"row": self.row, "column": self.column}
        if self.severity is Severity.ERROR:
            out["value"] = self.value
        out["message"] = self.message
        return out


class RawRow(NamedTuple):
    """One non-empty record of the file (a named tuple: a big file has 25,000, built in a third of the time)."""

    number: int  # spreadsheet row number: header = 1, a quoted cell spanning lines is still one row
    cells: tuple[str, ...]


@dataclass(frozen=True)
class RawTable:
    """A file as read: text cells exactly as the file holds them (no trimming, no typing)."""

    name: str
    header: tuple[str, ...]
    rows: tuple[RawRow, ...]  # non-empty data rows only
    encoding: str | None = None  # as detected or forced (None for xlsx)
    delimiter: str | None = None  # as sniffed (None for xlsx)
    header_row: int = 1  # the spreadsheet row of the header (below title rows: see core.header_row)


# Far above any real file (Sage Intacct's customer record has about 150 fields): a header wider than this, or a
# column name longer than this, is a damaged or hostile file, refused before anything is computed from it.
MAX_COLUMNS = 1000
MAX_HEADER_CELL = 500


def check_header(name: str, header: tuple[str, ...]) -> None:
    """FileRejected when the header has too many columns or a column name is too long."""
    if len(header) > MAX_COLUMNS:
        raise FileRejected(
            _("The file {file} has {count} columns; an import reads at most {limit}").format(
                file=short(name), count=group_digits(len(header)), limit=group_digits(MAX_COLUMNS)
            ),
            _("Check that it is the right file, and keep only the customer columns"),
        )
    for position, cell in enumerate(header, start=1):
        if len(cell) > MAX_HEADER_CELL:
            raise FileRejected(
                _(
                    "Column {position} of the file {file} has a name of {length} characters; a column name may have "
                    "at most {limit}"
                ).format(position=position, file=short(name), length=group_digits(len(cell)), limit=MAX_HEADER_CELL),
                _("Check that row 1 holds the column names (Customer ID, Customer name...)"),
            )


def short(text: str, limit: int = 120) -> str:
    """`text` cut to `limit` characters with "…": a message quotes a file's name or a value, never a whole file."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


MAX_ROWS_ENV = "CUSTBOOK_MAX_ROWS"


def configured_max_rows(env: Mapping[str, str] | None = None) -> int:
    """The most rows an import reads: $CUSTBOOK_MAX_ROWS when set, else 25,000."""
    text = (os.environ if env is None else env).get(MAX_ROWS_ENV, "").strip().replace(",", "").replace("_", "")
    if not text:
        return MAX_ROWS
    if not text.isdigit() or int(text) <= 0:
        raise InvalidValue(
            _("{name} '{text}' is not a number of rows").format(name=MAX_ROWS_ENV, text=text),
            _("Set it like 50000, or unset it"),
        )
    return int(text)
