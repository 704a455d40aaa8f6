"""The failed-rows file: the rows an import left out, with their original columns plus an error column.

The user fixes the cells named in the error column and imports the file again as it is: the importer recognises
this error column by its name and ignores it. Text a spreadsheet would run as a formula (`=HYPERLINK(...)`, `+1
206...`) gets a leading apostrophe, as the plain CSV export does: the file goes by e-mail to people who open it in
a spreadsheet. The importer takes the apostrophe off again in a file with the error column, whatever the column.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Mapping

from core.columns import FORMULA_START
from core.table import Issue, RawTable

ERROR_COLUMN = "Import errors (custbook ignores this column when you import the file again)"


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
            where = f"{names.get(issue.column, issue.column)}: " if issue.column else ""
            by_row[issue.row].append(where + issue.message)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=raw.delimiter or ",", lineterminator="\r\n")
    writer.writerow([*raw.header, ERROR_COLUMN])
    width = len(raw.header)
    for row in raw.rows:
        if row.number in failed:
            cells = list(row.cells[:width]) + [""] * max(0, width - len(row.cells))
            note = f"Row {row.number}: " + " | ".join(by_row.get(row.number, ["failed"]))
            writer.writerow([*map(neutralised, cells), neutralised(note)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
