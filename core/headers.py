"""Mapping the file's header row to fields: the "map columns" stage of the import.

Owns the header rules of fields.md: IDs, English and French labels and aliases, compared tolerantly; two columns
naming one field and unknown columns are file errors (with "did you mean"); read-only fields are ignored with a
warning; CUSTOMERID is mandatory. Pure: takes a RawTable and a Catalogue, returns a HeaderMap or raises
FileRejected.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalogue import Catalogue
from core.errors import FileRejected
from core.failed_rows import ERROR_COLUMN
from core.table import Issue, RawTable, Severity


@dataclass(frozen=True)
class HeaderMap:
    """For each importable column of the file, its position and field ID, in file order."""

    positions: tuple[int, ...]
    fields: tuple[str, ...]
    warnings: tuple[Issue, ...] = ()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _unknown_text(header: str, catalogue: Catalogue, named: set[str]) -> str:
    # Suggest only fields the file does not already have: those are the ones the user may have meant.
    close = [f for f in catalogue.closest(header, n=6) if f.id not in named][:3]
    hint = " or ".join(f"{f.id} ({f.label})" for f in close)
    return f"'{header.strip()}'" + (f" (did you mean {hint}?)" if hint else "")


SHOWN_UNKNOWN = 10  # unknown columns named in the message; the others are counted


def map_headers(table: RawTable, catalogue: Catalogue) -> HeaderMap:
    positions: list[int] = []
    fields: list[str] = []
    warnings: list[Issue] = []
    seen: dict[str, str] = {}
    unknown: list[str] = []
    bad: list[str] = []
    for index, header in enumerate(table.header):
        if header.strip() == ERROR_COLUMN:
            # Our own failed-rows file, fixed and imported again: its error column is not data.
            warnings.append(Issue(None, None, None, f"The column '{ERROR_COLUMN}' was ignored", Severity.WARNING))
            continue
        if not header.strip():
            if any(index < len(r.cells) and r.cells[index].strip() for r in table.rows):
                unknown.append(f"column {_column_letter(index)} has no name in the header row")
            continue
        field = catalogue.lookup(header)
        if field is None:
            bad.append(header)
            continue
        if field.id in seen:
            raise FileRejected(
                f"The columns '{seen[field.id]}' and '{header.strip()}' both name the field {field.id}",
                "Keep one of them and delete the other from the file",
            )
        seen[field.id] = header.strip()
        if not field.importable:
            warnings.append(
                Issue(
                    None,
                    field.id,
                    None,
                    f"The column '{header.strip()}' is read-only and was ignored",
                    Severity.WARNING,
                )
            )
            continue
        positions.append(index)
        fields.append(field.id)
    if bad or unknown:
        total = len(bad) + len(unknown)
        # Suggestions are computed for the columns named only: a file of a thousand unknown columns is told about
        # its first ones, in a sentence of bounded length, at once.
        named = [_unknown_text(h, catalogue, set(seen)) for h in bad[:SHOWN_UNKNOWN]]
        named += unknown[: SHOWN_UNKNOWN - len(named)]
        more = f"; and {total - len(named):,} more" if total > len(named) else ""
        what = "Unknown column" if total == 1 else f"{total:,} unknown columns"
        raise FileRejected(
            f"{what}: {'; '.join(named)}{more}",
            "Rename the column to a field ID or label (see `custbook fields list`) or delete it",
        )
    if "CUSTOMERID" not in fields:
        raise FileRejected(
            "The file has no Customer ID column (CUSTOMERID)",
            "Add a column headed CUSTOMERID or 'Customer ID' holding each customer's ID",
        )
    return HeaderMap(tuple(positions), tuple(fields), tuple(warnings))
