"""The column-mapping step's columns as first proposed (issue 14, item 3): the file's columns named, their first
values, and the field(s) each is proposed to feed and why (`Origin`): the preselected mapping's word first, then the
heading's own name, then custbook's suggestion; a column with data but no heading named by its letter ("column B")
so that it can be mapped or skipped like the others. `services.mapping_step` builds its `MappingProposal` from them
and owns everything after (the user's changes, whether the mapping works, the words saying so).

Pure: reads a `RawTable` and the catalogue, no store and no words for the user. May import core; never textual.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from core.builtin_mappings import known_fields
from core.catalogue import Catalogue
from core.failed_rows import is_error_column
from core.headers import column_letter
from core.mapping import ColumnMapping, header_key, resolve_mapping
from core.suggest import suggestions
from core.table import RawTable

SAMPLES = 3  # first non-blank values shown per column


class Origin(StrEnum):
    """Why a column feeds what it feeds (or nothing)."""

    BY_NAME = "by name"  # its heading names the field (fields.md)
    MAPPING = "mapping"  # the preselected mapping says so
    SUGGESTED = "suggested"  # custbook's guess (core.suggest)
    CHOSEN = "your choice"


@dataclass(frozen=True)
class StepColumn:
    """One column of the file: `index` its position, `heading` as the file heads it (a second column of the same
    name is "Phone#2", as mappings write it), its first non-blank values, and the fields it feeds (() = not
    imported)."""

    index: int
    heading: str
    name: str  # how a mapping names it: the heading, "Phone#2" for the second column of that name
    samples: tuple[str, ...]
    fields: tuple[str, ...]
    origin: Origin
    untitled: bool = False  # the file gives it no heading: `heading` and `name` are its letter, "column B"

    @property
    def shown(self) -> str:
        """The column as people read it (a column without a heading by its letter, "column B")."""
        return self.name


def lettered(table: RawTable) -> RawTable:
    """`table` with its columns that have data but no heading named by their letter ("column B"), so that they
    can be mapped or skipped like the others. Columns past the header's last heading count when at least half the
    rows fill them (a title row's blank cells were cut off); a stray cell in a row or two stays an error of its
    row (a missing quote)."""
    header = list(table.header)
    rows = table.rows
    widest = max((len(r.cells) for r in rows), default=0)
    for index in range(len(header), widest):
        filled = sum(1 for r in rows if index < len(r.cells) and r.cells[index].strip())
        if filled and filled * 2 >= len(rows):
            header.extend([""] * (index + 1 - len(header)))
    named = [
        f"column {column_letter(i)}" if not h.strip() and not is_error_column(h) and has_data(table, i) else h
        for i, h in enumerate(header)
    ]
    return table if tuple(named) == table.header else replace(table, header=tuple(named))


def proposed_columns(table: RawTable, catalogue: Catalogue, mapping: ColumnMapping | None) -> list[StepColumn]:
    """Each column with what it feeds: the mapping's word first, then the heading's own name, then a suggestion
    (none for the columns a mapping leaves out)."""
    mapped, joins = resolve_mapping(mapping, catalogue) if mapping is not None else ({}, {})
    joined: dict[str, list[str]] = {}
    for fid, keys in joins.items():
        for key, _occurrence in keys:
            joined.setdefault(key, []).append(fid)
    samples = _samples(table)
    untitled = _untitled(table)
    slots: list[tuple[int, str, str, int]] = []  # (index, heading, key, occurrence)
    seen: dict[str, int] = {}
    for index, heading in enumerate(table.header):
        name = heading.strip()
        if is_error_column(name) or (not name and not samples[index]):
            continue  # not data: our own error column, an empty column without a heading
        base = header_key(name)
        seen[base] = seen.get(base, 0) + 1
        nth = seen[base]
        slots.append((index, name, base if nth == 1 else f"{base}#{nth}", nth))
    decided: dict[int, tuple[tuple[str, ...], Origin]] = {}
    taken: set[str] = set()
    for index, _heading, key, _nth in slots:  # the mapping says
        if key in mapped or key in joined:
            fields = mapped.get(key, ()) + tuple(joined.get(key, ()))
            decided[index] = (tuple(dict.fromkeys(fields)), Origin.MAPPING)
            taken.update(fields)
    for index, heading, _key, nth in slots:  # the heading names a field
        if index in decided or not heading or nth > 1 or index in untitled:
            continue
        field = catalogue.lookup(heading)
        if field is not None:
            free = field.importable and field.id not in taken
            decided[index] = ((field.id,) if free else (), Origin.BY_NAME)
            taken.add(field.id)
    for index, heading, _key, _nth in slots:  # left out by the mapping, or custbook's guess
        if index in decided:
            continue
        if mapping is not None and mapping.others_ignored:
            decided[index] = ((), Origin.MAPPING)
            continue
        # What the built-in mappings know a heading to feed, whole ("Company" feeds the name and the print-as),
        # else custbook's best suggestion.
        if index in untitled:  # its letter says nothing of what it holds
            decided[index] = ((), Origin.SUGGESTED)
            continue
        known = [f for f in known_fields(heading) if f in catalogue and catalogue[f].importable and f not in taken]
        guess = known or (suggestions(heading, catalogue, taken, n=1) if heading else [])
        decided[index] = (tuple(guess), Origin.SUGGESTED)
        taken.update(guess)
    columns = [
        StepColumn(i, h, h if n == 1 else f"{h}#{n}", samples[i], *decided[i], untitled=i in untitled)
        for i, h, _, n in slots
    ]
    return _name_and_print_as(columns) if mapping is None else columns


def _name_and_print_as(columns: list[StepColumn]) -> list[StepColumn]:
    """Every new customer needs a name and a "print as": when one column feeds one of them and none the other,
    it feeds both (the company name printed as it is), as the built-in mappings do."""
    feeding = {fid: [i for i, c in enumerate(columns) if fid in c.fields] for fid in ("NAME", "PRINTAS")}
    for have, lack in (("NAME", "PRINTAS"), ("PRINTAS", "NAME")):
        if len(feeding[have]) == 1 and not feeding[lack]:
            at = feeding[have][0]
            column = columns[at]
            columns[at] = replace(column, fields=(*column.fields, lack), origin=Origin.SUGGESTED)
            break
    return columns


def _samples(table: RawTable) -> list[tuple[str, ...]]:
    """The first non-blank values of every column (read until each column has its share, or the rows end)."""
    width = len(table.header)
    found: list[list[str]] = [[] for _ in range(width)]
    missing = width
    for row in table.rows:
        for index, cell in enumerate(row.cells[:width]):
            values = found[index]
            if len(values) < SAMPLES and cell.strip():
                values.append(cell.strip())
                if len(values) == SAMPLES:
                    missing -= 1
        if not missing:
            break
    return [tuple(v) for v in found]


def _untitled(table: RawTable) -> set[int]:
    """The columns `lettered` named: headed "column B" at their own letter."""
    return {i for i, h in enumerate(table.header) if h == f"column {column_letter(i)}"}


def has_data(table: RawTable, index: int) -> bool:
    """Whether a row has a value in the column at `index`."""
    return any(index < len(r.cells) and r.cells[index].strip() for r in table.rows)
