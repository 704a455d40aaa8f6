"""The plan's fast path (issue 13): a cell whose text is the stored value's own text needs no parsing.

A file exported from custbook and edited in a spreadsheet is mostly unchanged. Once each row's customer is known
(after the mapping and --match), the stored rows are fetched once as text, written as this import reads them
(`store.base.PlanReader.stored_text`: its date format, its decimal mark), and compared with the file's cells: a row
whose text is the stored row's is unchanged by construction (parse(render(v)) == v, which the round-trip property
tests prove), and of the other rows only the cells that differ are parsed. Those are compared with the stored
values (the stored text parsed the same way) to tell what changes, which is the store's staged diff done for the
few cells that need it. Cells that differ only in writing (1234.5 for 1234.50, true for TRUE) are parsed and come
out unchanged, as before. Everything else (the file-only checks, permissions, parents, the plan itself) is the
full path's, on the same parsed table, so the plan is the same: tests/services/test_fast_path.py compares both.

When it cannot be sure (a stored value holds the separator, or a stored value that today's rules refuse), or when
most cells differ (MOST_CELLS: then the staged diff is cheaper), it says so (None) and the plan goes the full way.
`fast_path` is the whole stage, called by services.planning. May import core and the store's interface.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import compress
from operator import eq, ne
from typing import TYPE_CHECKING, cast

from core.catalogue import Catalogue, FieldType
from core.cells import UNIT_SEPARATOR, FieldCells
from core.columns import column_parser
from core.headers import HeaderMap
from core.keys import RowKeys
from core.table import RawTable
from core.validate import ParsedTable, parse_table
from core.values import ParseOptions, Value
from store.records import StoreFacts

if TYPE_CHECKING:  # the store's interface is for the type checker: a one-shot command need not load it
    from store.base import PlanReader, ReadAhead

Stored = Mapping[str, tuple[int, str | None, str]]  # ID -> (version, owner, the stored row as text)


@dataclass(frozen=True)
class Comparison:
    """Per row index: its stored customer's (version, owner), or None for a new row; the stored texts of the rows
    whose text differs from the stored row's (the others are unchanged), in `FieldCells.text_fields` order, with
    `at[j]` the place of field j among them; per field, the rows whose cell must be parsed (None: all of them) and
    the stored rows whose cell differs from its stored text."""

    stored: list[tuple[int, str | None] | None]
    old: dict[int, list[str]]
    at: dict[int, int]
    only: list[list[int] | None]
    differing: list[list[int]]


ALWAYS_PARSED = frozenset({"PARENTID"})  # besides the ID: every row's parent is checked by the planner


def fast_path(
    table: RawTable,
    headers: HeaderMap,
    keys: RowKeys | None,
    cells: FieldCells,
    catalogue: Catalogue,
    options: ParseOptions,
    reader: PlanReader,
    ahead: ReadAhead | None = None,
) -> tuple[ParsedTable | None, StoreFacts | None]:
    """The fast path (services.planning's `parse` stage): the stored rows as text, the cells that differ parsed,
    the diff of those; (None, None) when it cannot be sure or is not worth it, and the full path runs. `ahead`: the
    stored rows read while the file was (services.ahead)."""
    stripped = list(map(str.strip, cells.column(0)))  # as the Customer ID parser reads them
    ids = list(filter(None, stripped))
    # The parents the file names, as the parser reads them (a cell trimmed): which of them are stored, and the
    # store's parent links, for the planner's parent checks.
    parent_at = cells.fields.index("PARENTID") if "PARENTID" in cells.fields else None
    parents = None if parent_at is None else sorted({p for c in cells.column(parent_at) if (p := c.strip())})
    # The store fetches the stored rows while Python joins the file's rows and parses the columns always parsed.
    stored = reader.stored_text_later([cells.fields[j] for j in cells.text_fields], ids, options, parents, ahead)
    texts = cells.row_texts()
    ready = {
        j: column_parser(catalogue[fid], options, neutralised=cells.by_label[j])(cells.column(j))
        for j, fid in enumerate(cells.fields)
        if j == 0 or fid in ALWAYS_PARSED
    }
    stored_rows, known, links = stored()
    if differing_share(cells, stored_rows, stripped) > MOST_CELLS:
        return None, None  # the staged diff is cheaper
    comparison = compare(cells, stored_rows, texts=texts, ids=stripped)
    if comparison is None:
        return None, None
    parsed = parse_table(table, headers, catalogue, options, keys, cells=cells, only=comparison.only, ready=ready)
    found = facts(table, parsed, comparison, catalogue, options, known, links)
    return (parsed, found) if found is not None else (None, None)


# Where most of the stored customers' cells differ from their stored text, the fast path parses each of them and then
# its stored text, and the store's staged diff is cheaper. Measured (25,000 rows of 1,000,000 customers, in-process
# plans, quiet machine): 15 of 37 fields changed in every row, fast 1.66 s, full 1.68 s; 20 of 37 (54 % of the
# cells), 2.02 against 2.13 s; those 20 and most others written otherwise (1234.5, true, spaces: about 80 %),
# 2.35 against 1.99 s. Told from a sample before comparing (comparing every row and then going the full way cost
# 0.5 s more than either path).
MOST_CELLS = 2 / 3


def compare(
    cells: FieldCells,
    stored: Stored,
    always: frozenset[str] = ALWAYS_PARSED,
    texts: list[str] | None = None,
    ids: list[str] | None = None,
) -> Comparison | None:
    """Which cells need parsing: those of new rows, and those that differ from the stored text. CUSTOMERID and the
    fields in `always` are parsed whole (the planner checks every row's parent). `stored`: the stored rows as text,
    of the fields `cells.text_fields` names, in that order. None: go the full way.

    Written as maps and comprehensions over whole columns (about a million cells in a big file): the comparisons
    run in C, the Python loop over the rows cost as much as the parsing it saves. `texts`, `ids`: each row's text
    and trimmed ID, when the caller has them already."""
    order = cells.text_fields
    if ids is None:
        ids = list(map(str.strip, cells.column(0)))  # as the Customer ID parser reads them
    got = list(map(stored.get, ids))
    if not any(got):
        return None  # nothing stored to compare with: every cell is parsed anyway
    texts = cells.row_texts() if texts is None else texts
    stored_texts = [g[2] if g is not None else None for g in got]
    same = list(map(eq, texts, stored_texts))
    new = [i for i, g in enumerate(got) if g is None]
    odd = [i for i, (g, e) in enumerate(zip(got, same)) if g is not None and not e]
    olds = [cast(str, stored_texts[i]).split(UNIT_SEPARATOR) for i in odd]
    if any(len(o) != len(order) for o in olds):
        return None  # a stored value holds the separator itself
    # Which cells of those rows differ, a column at a time, the comparisons in C (map, compress).
    stored_columns = list(zip(*olds)) if olds else [() for _ in order]
    file_columns = list(zip(*cells.text_cells(odd))) if odd else [() for _ in order]
    differing: list[list[int]] = [[] for _ in cells.fields]
    for j, column, old_column in zip(order, file_columns, stored_columns):
        # Most columns of an edited file are the same in every row (a tuple comparison, in C, says so at once);
        # only the others are compared cell by cell.
        if column != old_column:
            differing[j] = list(compress(odd, map(ne, column, old_column)))
    only: list[list[int] | None] = [
        None if j == 0 or fid in always else sorted((*differing[j], *new)) for j, fid in enumerate(cells.fields)
    ]
    differing[0] = []  # the ID is the row's key, never one of its changes
    versions = [None if g is None else (g[0], g[1]) for g in got]
    return Comparison(versions, dict(zip(odd, olds)), {j: k for k, j in enumerate(order)}, only, differing)


def differing_share(cells: FieldCells, stored: Stored, ids: list[str], sample: int = 256) -> float:
    """About which share of the stored customers' cells differ from their stored text (0 to 1), from `sample` of
    them spread over the file: whether the fast path is worth taking (MOST_CELLS). `ids`: each
    row's trimmed ID."""
    rows = [i for i, cid in enumerate(ids) if cid in stored]
    if not rows or not cells.text_fields:
        return 0.0
    picked = rows[:: max(1, len(rows) // sample)][:sample]
    olds = [stored[ids[i]][2].split(UNIT_SEPARATOR) for i in picked]
    differ: int = sum(map(ne, (c for row in cells.text_cells(picked) for c in row), (c for old in olds for c in old)))
    return differ / (len(picked) * len(cells.text_fields))


def facts(
    table: RawTable,
    parsed: ParsedTable,
    comparison: Comparison,
    catalogue: Catalogue,
    options: ParseOptions,
    known: set[str],
    links: dict[str, str],
) -> StoreFacts | None:
    """What the staged diff would have found (store.diff.store_facts), from the comparison: the stored rows of the
    parsed rows, and per row the (field, stored value) of each field whose new value differs. `known`: the parents
    named by the file that are stored; `links`: the store's parent links. None when a stored text does not read
    back under today's rules: the full way then says what that means."""
    numbers = [r.number for r in table.rows]
    values_of = {r.number: r.values for r in parsed.rows}  # rows that passed the file's checks
    fields = parsed.fields
    existing = {n: v for n, v in zip(numbers, comparison.stored) if v is not None and n in values_of}
    changed: dict[int, list[tuple[str, Value]]] = {}
    # Only the cells whose text differs from the stored text can change a value: a field at a time (so that each
    # row's changes come in the file's order, as the staged diff lists them), the stored text parsed as the cell.
    for j, rows in enumerate(comparison.differing):
        k = comparison.at[j] if rows else 0
        items = [(numbers[i], v[j], comparison.old[i][k]) for i in rows if (v := values_of.get(numbers[i]))]
        if not items:
            continue
        field = catalogue[fields[j]]
        stored_values, problems = column_parser(field, options)([text for _, _, text in items])
        if problems:
            return None
        blank_unticks = field.type is FieldType.BOOL  # what an update writes (core.plan.update_writer)
        for (number, value, _), stored_value in zip(items, stored_values):
            if value is None and blank_unticks:
                value = False
            if value != stored_value or type(value) is not type(stored_value):
                changed.setdefault(number, []).append((fields[j], stored_value))
    return StoreFacts(existing, changed, links, frozenset(known))
