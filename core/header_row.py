"""Where the header is: row 1, or below title rows (an export with a title, a date and a blank line first).

`--header-row N` says it; otherwise a row below the first is taken as the header only when it clearly is one: row 1
names no field while that row names at least two, most of its cells do, and every row above it is a title (a cell
or two). Row numbers stay the spreadsheet's: the rows keep their numbers, the table records its header's. Pure.
"""

from __future__ import annotations

from dataclasses import replace

from core.catalogue import Catalogue, normalise_name
from core.errors import FileRejected
from core.i18n import _, group_digits
from core.mapping import ColumnMapping, header_key
from core.table import Issue, RawTable, Severity, check_header

LOOK_DOWN = 20  # rows searched for a header below title rows


def with_header_row(raw: RawTable, number: int) -> RawTable:
    """The table read with row `number` (spreadsheet numbering) as its header; the rows above it dropped."""
    if number == raw.header_row:
        return raw
    at = next((i for i, r in enumerate(raw.rows) if r.number == number), None)
    if number < raw.header_row or at is None:
        raise FileRejected(
            _("Row {row} of {file} cannot be the header: it is empty or not in the file").format(
                row=group_digits(number), file=raw.name
            ),
            _("Give the number of the row that holds the column names, as the spreadsheet numbers it"),
        )
    cells = list(raw.rows[at].cells)
    while cells and not cells[-1].strip():
        cells.pop()
    header = tuple(cells)
    check_header(raw.name, header)
    return replace(raw, header=header, rows=raw.rows[at + 1 :], header_row=number)


def _known(cell: str, catalogue: Catalogue, mapping: ColumnMapping | None) -> bool:
    from core.builtin_mappings import known_fields
    from core.suggest import SYNONYMS

    if not cell.strip():
        return False
    if catalogue.lookup(cell) is not None or known_fields(cell) or normalise_name(cell) in SYNONYMS:
        return True
    return (mapping is not None and mapping.fields_of(cell) is not None) or (
        mapping is not None and any(header_key(cell) == header_key(h) for _, hs in mapping.joins for h in hs)
    )


def _looks_like_header(cells: tuple[str, ...], catalogue: Catalogue, mapping: ColumnMapping | None) -> bool:
    filled = [c for c in cells if c.strip()]
    hits = sum(1 for c in filled if _known(c, catalogue, mapping))
    return hits >= 2 and hits * 2 >= len(filled)


def locate_header(
    raw: RawTable, catalogue: Catalogue, mapping: ColumnMapping | None, number: int | None
) -> tuple[RawTable, tuple[Issue, ...]]:
    """The table with its real header, and a warning when it was found below title rows."""
    if number is not None:
        return with_header_row(raw, number), ()
    titles_only = sum(1 for c in raw.header if c.strip()) <= 2  # a title: a cell or two ("Clients", a date)
    if raw.header_row != 1 or not titles_only or _looks_like_header(raw.header, catalogue, mapping):
        return raw, ()
    for row in raw.rows[:LOOK_DOWN]:
        if not titles_only:
            break
        if _looks_like_header(row.cells, catalogue, mapping):
            table = with_header_row(raw, row.number)
            message = _("The column names are on row {row}: the rows above them were read as titles and skipped")
            note = Issue(None, None, None, message.format(row=row.number), Severity.WARNING)
            return table, (note,)
        titles_only = sum(1 for c in row.cells if c.strip()) <= 2
    return raw, ()
