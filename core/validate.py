"""The "parse and validate" stage of the import: raw cells -> typed values, with row errors and warnings.

Owns every check that needs only the file: cell counts, types, lengths, formats, and the same Customer ID on
several rows. Checks that need the store (does the record exist, may it be blanked, does the parent exist, may the
user add or edit) belong to `services.planning`. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from core.catalogue import Catalogue, FieldType
from core.cells import FieldCells
from core.columns import column_parser
from core.headers import HeaderMap
from core.i18n import _, ngettext
from core.keys import RowKeys
from core.table import Issue, RawTable, Severity
from core.values import DateFormat, ParseOptions, Value, date_in, other_formats, spoken_date


class ParsedRow(NamedTuple):
    """A row that passed the file's checks (a named tuple: 25,000 of them for a big file, built in a third of the
    time of a frozen dataclass)."""

    number: int  # spreadsheet row
    values: tuple[Value, ...]  # aligned with ParsedTable.fields; None = blank cell

    @property
    def customer_id(self) -> str:
        value = self.values[0]
        assert isinstance(value, str)
        return value


@dataclass(frozen=True)
class ParsedTable:
    """Typed rows that passed the file-only checks. CUSTOMERID is always the first field."""

    fields: tuple[str, ...]
    rows: tuple[ParsedRow, ...]
    row_count: int  # every non-empty data row, failed ones included
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    failed: frozenset[int]  # row numbers with at least one error
    headers: tuple[str, ...] = ()  # each field's column as the file heads it ("Limite de crédit"), for messages


def _read_the_other_way(
    cells: list[str], values: list[Value], bad: list[tuple[int, str]], options: ParseOptions
) -> list[tuple[int, str]]:
    """Dates that the chosen format reads differently from the format the column's failing dates show it uses.

    A US file imported as DD/MM/YYYY: 12/25/2024 fails, but 12/09/2019 would silently become 12 September instead
    of 9 December. When a tenth or more of a column's dates are real dates only in another format, every date that
    format reads differently fails too (and is left blank), so no day and month are ever swapped."""
    shown = [(index, other_formats(cells[index], options)) for index, _ in bad]
    # Each other format, with the first failing date that shows it (quoted in the message).
    examples: dict[DateFormat, str] = {}
    for index, formats in shown:
        for fmt in formats:
            examples.setdefault(fmt, cells[index].strip())
    # A stray US date in a long European file is a typo, failing alone; a tenth of the dates is the file's format.
    dates = sum(1 for v in values if v is not None) + len(bad)
    if not examples or sum(1 for _, formats in shown if formats) * 10 < dates:
        return []
    out = []
    for index, value in enumerate(values):
        if value is None:
            continue
        for fmt in sorted(examples, key=lambda f: f.value):
            other = date_in(cells[index], fmt)
            if other is not None and other != value:
                values[index] = None
                example = examples[fmt]
                message = _(
                    "'{text}' could be {one} or {other}: other dates of this column ({example}) are written as "
                    "{written}, not {format}. Import the file with the date format {written}"
                )
                assert isinstance(value, dt.date)
                out.append(
                    (index, message.format(text=cells[index].strip(), one=spoken_date(value), other=spoken_date(other),
                                           example=example, written=fmt.shown, format=options.date_format.shown))
                )  # fmt: skip
                break
    return out


def _cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A cell the fast path did not parse because its text is the stored value's own (see services.unchanged): never a
# cell's value (the reader refuses NUL characters), never compared, never written.
UNPARSED: Value = "\x00unparsed"


def parse_table(
    table: RawTable,
    headers: HeaderMap,
    catalogue: Catalogue,
    options: ParseOptions,
    keys: RowKeys | None = None,
    *,
    cells: FieldCells | None = None,
    only: Sequence[Sequence[int] | None] | None = None,
    ready: Mapping[int, tuple[list[Value], list[tuple[int, str]]]] | None = None,
) -> ParsedTable:
    """`keys`: each row's Customer ID found another way (generated, matched), with the rows that could not get one.
    `only`: per field (in `cells` order), the rows whose cell to parse (None: every row); the others hold UNPARSED.
    `ready`: fields whose whole column was parsed already (values, problems), by the same column parser.
    A date column with a failing cell is parsed whole, so that the rule about dates written the other way counts
    every date of the column, as without `only`."""
    got = cells if cells is not None else FieldCells(table, headers, keys)
    fields = got.fields
    width = len(table.header)
    rows = table.rows
    problems: dict[int, list[Issue]] = defaultdict(list)  # row index -> its errors, in column order
    warnings: list[Issue] = list(headers.warnings)
    if keys is not None:
        warnings.extend(keys.warnings)
        for index, issue in keys.issues.items():
            problems[index].append(issue)

    # Most files have every row as wide as the header: told at once (lengths counted in C), no loop needed.
    uneven = set(map(len, (r.cells for r in rows))) - {width}
    for index, raw in enumerate(rows if uneven else ()):
        count = len(raw.cells)
        if count > width and any(c.strip() for c in raw.cells[width:]):
            problems[index].append(
                Issue(
                    raw.number,
                    None,
                    None,
                    ngettext(
                        "This row has {count} cells but the header has {width} column. "
                        "Check for a missing quote or an extra delimiter in this row",
                        "This row has {count} cells but the header has {width} columns. "
                        "Check for a missing quote or an extra delimiter in this row",
                        width,
                    ).format(count=count, width=width),
                )
            )
        elif count < width:
            warnings.append(
                Issue(
                    raw.number,
                    None,
                    None,
                    ngettext(
                        "This row has {count} cell for {width} columns; the missing ones were read as blank",
                        "This row has {count} cells for {width} columns; the missing ones were read as blank",
                        count,
                    ).format(count=count, width=width),
                    Severity.WARNING,
                )
            )

    columns: list[list[Value]] = []
    for j, fid in enumerate(fields):
        parse = column_parser(catalogue[fid], options, neutralised=got.by_label[j])
        wanted = None if only is None else only[j]
        if ready is not None and j in ready:  # parsed already, whole (the fast path does it while the store works)
            values, bad = list(ready[j][0]), list(ready[j][1])
        elif wanted is None or len(wanted) == got.count:
            values, bad = parse(got.column(j))
        else:
            # Only these rows' cells: taken straight from the rows (the column is never built).
            some, bad = parse(got.cells_at(j, wanted))
            bad = [(wanted[i], message) for i, message in bad]
            values = [UNPARSED] * got.count
            for i, value in zip(wanted, some):
                values[i] = value
        if bad and catalogue[fid].type is FieldType.DATE:
            if wanted is not None and len(wanted) != got.count:
                values, bad = parse(got.column(j))
            bad = [*bad, *_read_the_other_way(got.column(j), values, bad, options)]
        for index, message in bad:
            problems[index].append(Issue(rows[index].number, fid, _cut(got.cells_at(j, (index,))[0]), message))
        columns.append(values)

    # The form has one customer and no rows: its words are about typing (issue 18).
    empty = (
        _("The Customer ID is empty. Type the new customer's ID")
        if options.typed
        else _("The Customer ID is empty. Give every row its ID")
    )
    for index, cid in enumerate(columns[0]):
        if cid is None and index not in problems:
            problems[index].append(Issue(rows[index].number, "CUSTOMERID", "", empty))
    failed = {rows[index].number for index in problems}
    # The rows that passed, built by map (no Python frame per row: a big file has 25,000 of them).
    numbers = [r.number for r in rows]
    parsed = [row for row in map(ParsedRow, numbers, zip(*columns)) if not failed or row.number not in failed]
    errors = [issue for index in sorted(problems) for issue in problems[index]]

    # The same ID twice: neither row can be trusted to be the one meant. (Told at once, in C, when there is none.)
    passed_ids = columns[0] if not failed else [row.values[0] for row in parsed]
    dupes: dict[str, list[int]] = {}
    if len(set(passed_ids)) != len(passed_ids):
        by_id: dict[str, list[int]] = defaultdict(list)
        for row in parsed:
            by_id[row.customer_id].append(row.number)
        dupes = {cid: nums for cid, nums in by_id.items() if len(nums) > 1}
    if dupes:
        for cid, nums in dupes.items():
            listed = ", ".join(str(n) for n in nums)
            for n in nums:
                message = _("Customer ID {id} appears on rows {rows}. Keep one row per customer")
                errors.append(Issue(n, "CUSTOMERID", cid, message.format(id=cid, rows=listed)))
                failed.add(n)
        parsed = [r for r in parsed if r.number not in failed]
    return ParsedTable(
        fields=fields,
        rows=tuple(parsed),
        row_count=len(table.rows),
        errors=tuple(sorted(errors, key=lambda i: i.row or 0)),
        warnings=tuple(warnings),
        failed=frozenset(failed),
        headers=got.names,
    )
