"""The import preview's tabs as a plan is shown: their titles with their counts and the Erased tab's banner, each
tab's table filled when first shown with the lines `tui/import_rows.py` makes of the plan, the line under it
("… and 23 more, not listed here", "Nothing here."), the sentence of each line for the line under the tabs, and the
Errors and Warnings tabs' messages wrapped to the width there is (`tui/widgets/wrapped_table.py`), laid out again
when the width changes.

Makes no widget: `tui.screens.import_preview` composes the tabs, hands them (or a tab's table, its line and the room
there is) to these, and decides when to fill and when to lay out again (its handlers).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Static, TabbedContent

from core.i18n import _, group_digits, ngettext
from core.plan import ImportPlan
from tui.import_rows import TabRows, tab_title
from tui.plan_words import blanked_banner
from tui.widgets.wrapped_table import fill_wrapped, wrapped_widths

# Tabs of sentences: the message takes the width the other columns leave and wraps, so that it is read whole at 80
# columns (a French one often runs past the line). The field's label and the value wrap past these widths.
WRAPPED = {"errors": {1: 22, 2: 16}, "warnings": {1: 22}}


def show_titles(tabs: TabbedContent, plan: ImportPlan, sizes: dict[str, int]) -> None:
    """Each tab's title with how many lines it has (⚠ before the Erased tab's when it has any), and the Erased
    tab's banner (hidden when nothing is erased)."""
    for pane, n in sizes.items():
        title = f"{tab_title(pane, plan)} {group_digits(n)}"
        tabs.get_tab(pane).label = Text(f"⚠ {title}" if pane == "blanked" and n else title)
    if "blanked" in sizes:
        banner = tabs.query_one("#blanked-warning", Static)
        banner.set_class(not plan.blanked, "none")
        banner.update(Text(blanked_banner(plan)))


def _room(table: DataTable, width: int) -> int:
    """The cells a tab's table has for its columns: the screen's `width` (the tabs take it all), less a scroll bar."""
    return max(width - table.styles.scrollbar_size_vertical, 0)


def more_line(pane: str, more: int) -> Text:
    """Under a tab that lists only its first lines: how many more there are, and where they go."""
    if pane == "errors":
        text = ngettext(
            "… and {count} more, not listed here: all of them go into the failed-rows file.",
            "… and {count} more, not listed here: all of them go into the failed-rows file.",
            more,
        )
    else:
        text = ngettext(
            "… and {count} more, not listed here: the commit includes them.",
            "… and {count} more, not listed here: the commit includes them.",
            more,
        )
    return Text(text.format(count=group_digits(more)), style="italic")


class FilledTabs:
    """The tabs filled so far, for one plan: each one's sentences, and the WRAPPED ones' lines and widths."""

    def __init__(self) -> None:
        self.details: dict[str, list[str]] = {}  # per filled tab, the sentence of each line
        self.wrapped: dict[str, tuple[tuple[str, ...], list[tuple[object, ...]]]] = {}  # WRAPPED tabs filled
        self.widths: dict[str, list[int]] = {}

    def empty(self, tabs: TabbedContent, panes: dict[str, int]) -> None:
        """Another plan: the tabs `panes` emptied, each to be filled again when shown."""
        self.details.clear()
        self.wrapped.clear()
        for pane in panes:
            tabs.query_one(f"#{pane}-table", DataTable).clear(columns=True)
            tabs.query_one(f"#{pane} .more", Static).update("")

    def fill(self, pane: str, rows: TabRows, table: DataTable, more: Static, width: int) -> None:
        """Fill tab `pane`'s `table` with `rows` (`width`: the screen's) and its line `more`."""
        self.details[pane] = rows.details
        if pane in WRAPPED:
            self.wrapped[pane] = (rows.columns, rows.rows)
            room = _room(table, width)
            self.widths[pane] = fill_wrapped(table, rows.columns, rows.rows, room, caps=WRAPPED[pane])
        else:
            table.add_columns(*rows.columns)
            table.add_rows(rows.rows)
        more.display = bool(rows.more or not rows.total)
        if rows.more:
            more.update(more_line(pane, rows.more))
        elif not rows.total:
            more.update(Text(_("Nothing here."), style="dim"))

    def refit(self, pane: str, table: DataTable, width: int) -> None:
        """Lay a WRAPPED tab filled out again for the screen's `width`: other lines (only if the widths change)."""
        columns, lines = self.wrapped[pane]
        room, caps = _room(table, width), WRAPPED[pane]
        widths = wrapped_widths(columns, lines, room, padding=table.cell_padding, caps=caps)
        if widths != self.widths[pane]:
            self.widths[pane] = fill_wrapped(table, columns, lines, room, caps=caps)

    def detail(self, pane: str, row: int) -> str:
        """The sentence of line `row` of tab `pane` ("" when there is none)."""
        details = self.details.get(pane, [])
        return details[row] if 0 <= row < len(details) else ""
