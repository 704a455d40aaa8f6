"""The failed-rows file: the rows an import left out, with their original columns plus an error column.

The user fixes the cells named in the error column and imports the file again as it is: the importer recognises
this error column by its name and ignores it. Text a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+1
206...`) gets a leading apostrophe, as the plain CSV export does: the file goes by e-mail to people who open it in
a spreadsheet. The importer takes the apostrophe off again in a file with the error column, whatever the column.

The file is for people: its error column is headed, and its messages written, in the user's language; the importer
recognises the heading in every language custbook speaks (`is_error_column`), whoever fixed the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Mapping
from functools import cache

from core.columns import FORMULA_START
from core.i18n import LANGUAGES, _, using_language
from core.table import Issue, RawTable

# The heading in English (and in files written before custbook spoke French); `error_column()` is the user's.
ERROR_COLUMN = "Import errors (custbook ignores this column when you import the file again)"


def error_column() -> str:
    """The error column's heading in the user's language."""
    return _("Import errors (custbook ignores this column when you import the file again)")


def is_error_column(header: str) -> bool:
    """True for the error column of a failed-rows file, headed in any language custbook speaks. Other headers are
    told apart by one search for "custbook", so an import never loads a catalogue for this."""
    name = header.strip()
    return name == ERROR_COLUMN or ("custbook" in name and name in _error_columns())


@cache
def _error_columns() -> frozenset[str]:
    names = set()
    for language in LANGUAGES:
        with using_language(language):
            names.add(error_column())
    return frozenset(names)


_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")  # a negative amount is a number, not a formula: it stays


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it without running it: an apostrophe before a formula-like start."""
    if text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def failed_rows_csv(
    raw: RawTable, errors: tuple[Issue, ...], failed: frozenset[int], names: Mapping[str, str] | None = None
) -> bytes:
    """UTF-8 (with BOM, so Excel shows accents) CSV of the failed rows; same delimiter as the original file.
    `names`: field ID -> the column's heading in the file, so that the error column names the columns as the user
    knows them ("Limite de crédit: ..." rather than "CREDITLIMIT: ...")."""
    names = names or {}
    by_row: dict[int, list[str]] = defaultdict(list)
    for issue in errors:
        if issue.row is not None:
            if issue.column:
                column = names.get(issue.column, issue.column)
                by_row[issue.row].append(_("{column}: {message}").format(column=column, message=issue.message))
            else:
                by_row[issue.row].append(issue.message)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=raw.delimiter or ",", lineterminator="\r\n")
    writer.writerow([*raw.header, error_column()])
    width = len(raw.header)
    for row in raw.rows:
        if row.number in failed:
            cells = list(row.cells[:width]) + [""] * max(0, width - len(row.cells))
            problems = " | ".join(by_row.get(row.number, [_("failed")]))
            note = _("Row {row}: {problems}").format(row=row.number, problems=problems)
            writer.writerow([*map(neutralised, cells), neutralised(note)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
