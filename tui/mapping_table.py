"""The column-mapping step's widgets as a proposal fills them: its table of columns (a row a file column, its
columns as wide as the screen allows, How only on a wide one), built again for other columns or another width, or
only its Feeds and How cells changed; and whether the keys row puts "Match by" under "Generate IDs".

Widgets only, no words of its own (the table's headings and cells are `tui/mapping_rows.py`'s); the screen
(`tui/screens/import_mapping.py`) decides when: on mount, on a resize and on each change of the proposal.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget
from textual.widgets import DataTable

from core.i18n import _
from services.mapping_columns import StepColumn
from services.mapping_step import MappingProposal
from tui.mapping_rows import COLUMNS, Widths, cells

SELECT_CHROME = 4  # a compact Select's cells around its value (padding and ▼)


def fill_table(table: DataTable[Text], p: MappingProposal, widths: Widths) -> None:
    """Every column of `p` as a row of `table`, in the columns `widths` shows; the cursor stays on its row."""
    row = table.cursor_row
    table.clear(columns=True)
    for (key, label), width in zip(COLUMNS, widths):
        if width:
            table.add_column(_(label), width=width, key=key)
    for position, column in enumerate(p.columns):
        table.add_row(*shown_cells(p, column, widths), key=str(position))
    if p.columns:
        table.move_cursor(row=min(max(row, 0), len(p.columns) - 1))


def shown_cells(p: MappingProposal, column: StepColumn, widths: Widths) -> tuple[Text, ...]:
    """The row's cells for the columns shown (How only on a wide screen)."""
    return tuple(c for c, width in zip(cells(p, column, widths), widths) if width)


def update_feeds(table: DataTable[Text], p: MappingProposal, widths: Widths) -> None:
    """The Feeds (and, shown, How) cells of every row, for a proposal with the same columns as the table's."""
    for position, column in enumerate(p.columns):
        _column, _values, feeds, how = cells(p, column, widths)
        table.update_cell(str(position), "feeds", feeds)
        if widths[3]:
            table.update_cell(str(position), "how", how)


def keys_stacked(keys: Widget, tick: Widget, label: Widget, options: list[tuple[str, str]], width: int) -> bool:
    """Whether "Match by" (`label`, then a Select of `options`) goes under "Generate IDs" (`tick`): the keys row
    (`keys`, `width` cells) is too short for both and its longest choice (French, at 80 columns: "(aucun
    rapprochement)" was cut to "(aucun")."""
    longest = max((cell_len(text) for text, _value in options), default=0)
    beside = tick.outer_size.width + label.outer_size.width + label.styles.margin.width + longest + SELECT_CHROME
    return beside + keys.styles.padding.width > width
