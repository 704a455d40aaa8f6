"""Tables of sentences: a DataTable whose last column takes the room the others leave and wraps, each row as tall
as its longest cell, so that a message is read whole on screen without scrolling sideways (the import preview's
Errors and Warnings tabs, where a French sentence is often longer than an 80-column line).

The other columns are as wide as their content, a few of them at most a given width (a value, a field's label),
wrapping beyond it. Widths depend on the room there is: the owner fills the table again when it is resized
(`wrapped_widths` says whether the widths changed). Cells are shown as text, never markup.

May import: textual and rich.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.widgets import DataTable

MIN_LAST = 24  # below this the last column stops shrinking: the table scrolls sideways instead


def _width(cell: object) -> int:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((cell_len(line) for line in text.split("\n")), default=0)


def _lines(text: Text, width: int, console: Console) -> int:
    """The lines `text` takes wrapped to `width` cells."""
    if "\n" not in text.plain and text.cell_len <= width:
        return 1
    return max(len(text.wrap(console, max(width, 1))), 1)


def wrapped_widths(
    columns: Sequence[str], rows: Sequence[Sequence[object]], room: int, *, padding: int = 1,
    caps: Mapping[int, int] | None = None,
) -> list[int]:  # fmt: skip
    """Each column's width (without its padding) in `room` cells: the content's, at most `caps[i]` for column i
    (never narrower than its heading), and for the last column what is left (at least MIN_LAST)."""
    caps = caps or {}
    widths = []
    for i, heading in enumerate(columns[:-1]):
        natural = max([_width(heading), *(_width(row[i]) for row in rows if i < len(row))])
        cap = caps.get(i)
        widths.append(natural if cap is None else max(min(natural, cap), _width(heading)))
    used = sum(w + 2 * padding for w in widths) + 2 * padding
    return [*widths, max(room - used, MIN_LAST)]


def fill_wrapped(
    table: DataTable, columns: Sequence[str], rows: Sequence[Sequence[object]], room: int, *,
    caps: Mapping[int, int] | None = None,
) -> list[int]:  # fmt: skip
    """Fill `table` (emptied first, columns included) with `rows` under `columns`, fitted to `room` cells: the cursor
    stays on the same line. Returns the widths used."""
    widths = wrapped_widths(columns, rows, room, padding=table.cell_padding, caps=caps)
    row = table.cursor_row
    table.clear(columns=True)
    for heading, width in zip(columns, widths):
        table.add_column(Text(heading), width=width)
    console = table.app.console
    for cells in rows:
        # A str cell would be read as markup by DataTable: every cell is given as Text.
        texts = [c if isinstance(c, Text) else Text(str(c)) for c in cells]
        # Each row's height is counted here rather than by DataTable (height=None), which draws every cell of every
        # row to measure it: seconds for 2,000 rows, at each resize.
        height = max((_lines(t, w, console) for t, w in zip(texts, widths)), default=1)
        table.add_row(*texts, height=height)
    if rows:
        table.move_cursor(row=min(max(row, 0), len(rows) - 1))
    return widths


def room_for(table: DataTable, fallback: int) -> int:
    """The cells a table's columns may take: its width less its vertical scroll bar (kept aside whether shown or
    not, so that a long list does not make the table scroll sideways)."""
    width = table.size.width or fallback
    return max(width - table.styles.scrollbar_size_vertical, 0)
