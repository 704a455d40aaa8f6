"""CustomerGrid: a scrolling window over a query of any size, fetching only the pages it shows.

The grid asks a narrow `RowSource` for rows by index (in a worker thread) and renders only the visible lines with
the line API, so a million customers scroll as smoothly as ten. Its height is the row count; pages of rows are
cached, and a page not fetched yet shows a placeholder until it arrives. The grid knows nothing of the store: the
screen hands it a source. Cell text is shown as text, never as markup, and control characters (an escape
sequence in a customer's name) are replaced so they cannot move or recolour the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from core.catalogue import Field, FieldType
from core.i18n import N_, _
from core.regional import screen_region
from core.values import DateFormat, Value
from formats.csv.for_import import display_formatter

PAGE = 100
KEEP_PAGES = 60  # about 6,000 rows in memory at most
GAP = 2
MIN_WIDTH, MAX_WIDTH = 4, 40
NAME_MIN = 12  # the fewest cells a frozen name is shown in; with less room only the ID stays in view
CHOSEN_MAX = 200  # a column the user widens may show a long comment whole

# Control characters would reach the terminal as commands: show them as harmless symbols instead.
_SAFE = {i: "·" for i in (*range(32), *range(127, 160))} | {9: " ", 10: "⏎", 13: ""}
# Invisible format characters would reorder or hide what follows (U+202E reverses the rest of the line): shown too.
_SAFE |= {i: "·" for i in (0x061C, *range(0x200B, 0x2010), *range(0x2028, 0x202F), *range(0x2060, 0x206A), 0xFEFF)}


def safe_text(text: str) -> str:
    return text.translate(_SAFE) if not text.isprintable() else text


class RowSource(Protocol):
    """What the grid shows: its columns, how many rows, and a way to read rows (called in a worker thread)."""

    # Read-only: the grid never sets them, so a source may offer them as attributes or properties.
    @property
    def columns(self) -> tuple[Field, ...]: ...

    @property
    def total(self) -> int: ...

    def rows(self, offset: int, limit: int) -> Sequence[tuple[Value, ...]]: ...


@dataclass
class _Shown:
    source: RowSource
    generation: int
    widths: list[int]
    formatters: list[Callable[[Value], str]]


class CustomerGrid(ScrollView, can_focus=True):
    """Keys: arrows or j/k move, PageUp/PageDown, Home/End (g/G), Enter opens the row."""

    COMPONENT_CLASSES = {"grid--header", "grid--cursor", "grid--cursor-cell", "grid--stripe", "grid--waiting"}
    DEFAULT_CSS = """
    CustomerGrid { height: 1fr; }
    CustomerGrid > .grid--header { text-style: bold; background: $panel; color: $text; }
    CustomerGrid > .grid--cursor { background: $accent 30%; }
    CustomerGrid > .grid--cursor-cell { background: $accent; color: $text; text-style: bold; }
    CustomerGrid > .grid--stripe { background: $boost; }
    CustomerGrid > .grid--waiting { color: $text-muted; }
    """
    BINDINGS = [
        Binding("up,k", "move(-1)", N_("Up"), show=False),
        Binding("down,j", "move(1)", N_("Down"), show=False),
        Binding("pageup", "page(-1)", N_("Page up"), show=False),
        Binding("pagedown", "page(1)", N_("Page down"), show=False),
        Binding("home,g", "first", N_("First"), show=False),
        Binding("end,G", "last", N_("Last"), show=False),
        # Arrows only: h is the list's History key (the key map), l stays free.
        Binding("left", "column(-1)", N_("Left"), show=False),
        Binding("right", "column(1)", N_("Right"), show=False),
        Binding("enter", "select", N_("Open"), show=False),
        Binding("less_than_sign", "width(-2)", N_("Narrower"), show=False),
        Binding("greater_than_sign", "width(2)", N_("Wider"), show=False),
    ]

    cursor_row: reactive[int] = reactive(0)
    cursor_col: reactive[int] = reactive(0)

    class Selected(Message):
        """Enter (or a double click) on a row: the first column's value, the customer ID."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class HeaderClicked(Message):
        def __init__(self, column: int) -> None:
            super().__init__()
            self.column = column

    @dataclass
    class PageLoaded(Message):
        generation: int
        page: int
        rows: Sequence[tuple[Value, ...]]

    def __init__(self, *, date_format: DateFormat = DateFormat.DMY_SLASH, id: str | None = None) -> None:
        super().__init__(id=id)
        self.date_format = date_format
        self._shown: _Shown | None = None
        self._pages: dict[int, Sequence[tuple[Value, ...]]] = {}
        self._pending: set[int] = set()
        self._generation = 0
        self.sort_marks: dict[int, str] = {}  # column -> "▲" or "▼", drawn in the header
        # Widths the user chose with < and >, by field ID: kept across refreshes, sorts and other views.
        self._chosen: dict[str, int] = {}
        self._refused: int | None = None  # the column < was last refused on (said once)

    # --- what is shown -------------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._shown.source.total if self._shown else 0

    @property
    def columns(self) -> tuple[Field, ...]:
        return self._shown.source.columns if self._shown else ()

    def show(
        self,
        source: RowSource,
        first_page: Sequence[tuple[Value, ...]] = (),
        *,
        keep_place: bool = False,
        row: int | None = None,
    ) -> None:
        """Show a new source (a new query); `first_page` saves a round trip when the caller already has it.
        `keep_place`: the same query again (a refresh, after a save): the cursor and the scroll stay where they
        are, so the customer under the cursor stays under it (the next `e` must not edit another one); `row`: where
        that customer is now, when the save moved it within the sort (None: the cursor stays at its row)."""
        self._generation += 1
        new_columns = [c.id for c in source.columns] != [c.id for c in self.columns]
        # Amounts and dates as the user's region writes them (500 000,00 in France), Yes/No in their language:
        # chosen here, once per query, so that a language switched meanwhile shows at the next query.
        region = screen_region()
        formatters = [display_formatter(c.type, self.date_format, region=region) for c in source.columns]
        widths = []
        for i, column in enumerate(source.columns):
            sample = [cell_len(safe_text(formatters[i](row[i]))) for row in first_page[:PAGE]]
            measured = max(MIN_WIDTH, min(MAX_WIDTH, max([cell_len(column.shown_label) + 2, *sample])))
            widths.append(self._chosen.get(column.id, measured))
        if keep_place and not new_columns and self._shown is not None:
            # The same query again: the columns keep their widths. Measured anew from the first page, a save that
            # shortened its longest e-mail shrank the column and brought another into view (issue 18).
            widths = [self._chosen.get(c.id, w) for c, w in zip(source.columns, self._shown.widths)]
        self._shown = _Shown(source, self._generation, widths, formatters)
        self._pages = {0: first_page} if first_page else {}
        self._pending.clear()
        self._sync_virtual_size()
        if keep_place and row is not None:
            self.cursor_row = row
        self.cursor_row = min(self.cursor_row, max(0, source.total - 1))
        self.cursor_col = 0 if new_columns else min(self.cursor_col, max(0, len(widths) - 1))
        if keep_place and not new_columns:
            # The widths follow the rows on screen: the column under the cursor (the one just sorted, say) must
            # still show whole, not cut at the edge because a column left of it widened.
            self.call_after_refresh(self._bring_into_view, self.cursor_col)
            self.refresh()
            return
        # Other columns (another view): start at the left, where the ID and the name are.
        self.scroll_to(x=0 if new_columns else None, y=0, animate=False)
        self.cursor_row = 0
        self.call_after_refresh(self._bring_into_view, self.cursor_col)  # and the sorted column whole
        self.refresh()

    def row_at(self, index: int) -> tuple[Value, ...] | None:
        page = self._pages.get(index // PAGE)
        if page is None or index % PAGE >= len(page):
            return None
        return page[index % PAGE]

    @property
    def current_key(self) -> str | None:
        row = self.row_at(self.cursor_row)
        return None if row is None or row[0] is None else str(row[0])

    # --- fetching ------------------------------------------------------------------------------------------

    def _want(self, page: int) -> None:
        if page not in self._pages and page not in self._pending:
            self._pending.add(page)
            self.call_later(self._fetch, page, self._generation)

    @work(thread=True, group="grid-pages")
    def _fetch(self, page: int, generation: int) -> None:
        shown = self._shown
        if shown is None or generation != shown.generation:
            return
        rows = shown.source.rows(page * PAGE, PAGE)
        self.post_message(self.PageLoaded(generation, page, rows))

    def on_customer_grid_page_loaded(self, message: PageLoaded) -> None:
        message.stop()
        self._pending.discard(message.page)
        if self._shown is None or message.generation != self._shown.generation:
            return  # an answer to a query the user has moved on from
        self._pages[message.page] = message.rows
        if len(self._pages) > KEEP_PAGES:
            here = self.cursor_row // PAGE
            for far in sorted(self._pages, key=lambda p: -abs(p - here))[: len(self._pages) - KEEP_PAGES]:
                del self._pages[far]
        self.refresh()

    # --- drawing -------------------------------------------------------------------------------------------

    def _cell(self, text: str, width: int, style: Style, numeric: bool, mark: str = "") -> list[Segment]:
        """One cell, `width` cells and the gap after it; `mark`: the header's sort mark, kept when the label is cut."""
        text = safe_text(text)
        if mark:
            room = max(1, width - 2)
            label = set_cell_size(text, room - 1) + "…" if cell_len(text) > room else text
            text = f"{label} {mark}"
        if cell_len(text) > width:
            # A cut value says so; a cut number would read as another (500000.00 as 5000…): it shows only "…".
            text = "…".rjust(width) if numeric else set_cell_size(text, width - 1) + "…"
        elif numeric and cell_len(text) < width:
            text = " " * (width - cell_len(text)) + text
        return [Segment(set_cell_size(text, width), style), Segment(" " * GAP, style)]

    @property
    def _frozen(self) -> int:
        """How many columns on the left stay in view when scrolling right: the ID, and the name beside it when
        the screen has room for a readable part of it (a row must always say whose it is; README)."""
        if not self._shown or len(self._shown.widths) < 2:
            return 0
        if len(self._shown.widths) == 2 or self._name_room() < NAME_MIN:
            return 1
        return 2

    def _name_room(self) -> int:
        """The cells the frozen name may take once the list is scrolled right: the frozen part keeps to half the
        screen, so that the column under the cursor has room beside it (at 80 columns, an e-mail)."""
        assert self._shown is not None
        return self._width // 2 - (self._shown.widths[0] + GAP) - GAP

    @property
    def _width(self) -> int:
        """The columns the rows are seen in: the widget's width less the vertical scroll bar, which is drawn over
        the last ones (a value ending there would read cut without saying so)."""
        return self.scrollable_content_region.width

    def _starts(self) -> list[int]:
        """Where each column after the frozen ones starts in the scrolled part, unscrolled (and where the last ends)."""
        assert self._shown is not None
        starts, x = [], 0
        for w in self._shown.widths[self._frozen :]:
            starts.append(x)
            x += w + GAP
        return [*starts, x]

    def _first(self) -> int:
        """The first column shown right of the frozen ones. The list scrolls by whole columns: every column in view
        starts at its header, so no value shows without its header, none is cut on the left."""
        frozen, starts = self._frozen, self._starts()
        x = int(self.scroll_offset.x)
        for i in range(len(starts) - 2, -1, -1):
            if starts[i] <= x:
                return frozen + i
        return frozen

    def _frozen_widths(self, first: int) -> list[int]:
        """The frozen columns' widths: the name narrowed (cut with "…") once the list is scrolled right."""
        assert self._shown is not None
        widths = self._shown.widths[: self._frozen]
        if self._frozen == 2 and first > 2:
            widths = [widths[0], min(widths[1], self._name_room())]
        return widths

    def _frozen_width(self, first: int | None = None) -> int:
        if not self._shown:
            return 0
        return sum(w + GAP for w in self._frozen_widths(self._first() if first is None else first))

    def _placed(self, first: int | None = None) -> list[tuple[int | None, int]]:
        """The columns on screen, left to right, each with the cells it is shown in: the frozen ones, then those
        from `first` on while they fit (the last one cut by the screen's edge). None: cells left blank."""
        if not self._shown:
            return []
        first = self._first() if first is None else first
        frozen = self._frozen_widths(first)
        placed: list[tuple[int | None, int]] = [(i, w) for i, w in enumerate(frozen)]
        room = self._width - sum(w + GAP for w in frozen)
        for i in range(first, len(self._shown.widths)):
            if room <= 0:
                break
            w = self._shown.widths[i]
            # The sorted column shows whole or not at all: cut, its header lost the sort mark and its amounts read
            # "…" (issue 18, bug 5).
            placed.append((None if w > room and i in self.sort_marks else i, min(w, room)))
            room -= w + GAP
        return placed

    def _sync_virtual_size(self) -> None:
        """Room to scroll as far as the list needs: until the last columns show whole (by whole columns), no more,
        so that a list whose columns all fit has no horizontal scroll bar."""
        if self._shown is None:
            return
        frozen, starts, last = self._frozen, self._starts(), len(self._shown.widths) - 1
        first = frozen
        while first < last and not self._whole(last, first):
            first += 1
        width = self._frozen_width(frozen) + starts[-1] if first == frozen else starts[first - frozen] + self._width
        self.virtual_size = Size(width, self._shown.source.total + 1)

    def on_resize(self) -> None:
        self._fit_width()

    def watch_show_vertical_scrollbar(self) -> None:
        # The vertical scroll bar takes the last column of the rows: how far to scroll, and what is in view, change.
        self.call_after_refresh(self._fit_width)

    def _fit_width(self) -> None:
        self._sync_virtual_size()
        if self._shown is not None:
            self._bring_into_view(self.cursor_col)

    def render_line(self, y: int) -> Strip:
        width = self._width
        base = self.rich_style
        if self._shown is None:
            return Strip.blank(width, base)
        shown = self._shown
        placed = self._placed()
        cells: list[list[Segment]] = []
        if y == 0:
            style = base + self.get_component_rich_style("grid--header")
            for i, w in placed:
                if i is None:
                    cells.append([Segment(" " * (w + GAP), base)])
                    continue
                cells.append(
                    self._cell(shown.source.columns[i].shown_label, w, style, False, self.sort_marks.get(i, ""))
                )
        else:
            index = int(self.scroll_offset.y) + y - 1
            if index >= shown.source.total:
                return Strip.blank(width, base)
            row = self.row_at(index)
            stripe = base + self.get_component_rich_style("grid--stripe") if index % 2 else base
            if row is None:
                self._want(index // PAGE)
                waiting = stripe + self.get_component_rich_style("grid--waiting")
                return Strip([Segment(set_cell_size("…", width), waiting)])
            on_cursor = index == self.cursor_row
            line = stripe + self.get_component_rich_style("grid--cursor") if on_cursor else stripe
            cursor_cell = line + self.get_component_rich_style("grid--cursor-cell")
            for i, w in placed:
                if i is None:
                    cells.append([Segment(" " * (w + GAP), line)])
                    continue
                value = row[i]
                numeric = shown.source.columns[i].type in (FieldType.DECIMAL, FieldType.INTEGER)
                style = cursor_cell if on_cursor and i == self.cursor_col and self.has_focus else line
                text = shown.formatters[i](value)
                if numeric and value is not None and w < shown.widths[i]:
                    # A number cut by the screen's edge would read as another number (500000.00 as 5000): a
                    # partly shown amount shows only that it is there.
                    text = "…"
                cells.append(self._cell(text, w, style, numeric and w == shown.widths[i]))
        strip = Strip([seg for cell in cells for seg in cell])
        return strip.extend_cell_length(width, base).crop(0, width)

    # --- moving --------------------------------------------------------------------------------------------

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the header, and the scroll bar below

    def watch_cursor_row(self, old: int, new: int) -> None:
        top = int(self.scroll_offset.y)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + self._visible_rows():
            self.scroll_to(y=new - self._visible_rows() + 1, animate=False)
        self.refresh()

    def watch_cursor_col(self, old: int, new: int) -> None:
        self._refused = None
        self._bring_into_view(new)
        self.refresh()

    def _bring_into_view(self, column: int) -> None:
        """Scroll sideways, by whole columns, so that `column` shows whole (its start, when it is wider than the
        screen)."""
        if not self._shown or column >= len(self._shown.widths):
            return
        first = self._first()
        if column >= self._frozen:  # the frozen columns are always in view
            if column < first:
                first = column
            while first < column and not self._whole(column, first):
                first += 1
        # The sorted column too shows whole where it can beside the current one (issue 18, bug 5): where it would
        # be cut or out of view on the right, the list scrolls on to show it whole, as far as the current column
        # stays whole (`_placed` leaves it out rather than cut it).
        for sorted_column in self.sort_marks:
            if sorted_column >= self._frozen and sorted_column > first and not self._whole(sorted_column, first):
                last_first = min(sorted_column, column) if column >= self._frozen else sorted_column
                for later in range(first + 1, last_first + 1):
                    if self._whole(sorted_column, later) and (column < self._frozen or self._whole(column, later)):
                        first = later
                        break
        self._scroll_to_column(first)

    def _whole(self, column: int, first: int) -> bool:
        """Whether `column` shows whole when the scrolled part starts at `first`."""
        assert self._shown is not None
        return any(i == column and w == self._shown.widths[column] for i, w in self._placed(first))

    def _scroll_to_column(self, first: int) -> None:
        x = self._starts()[first - self._frozen] if first >= self._frozen else 0
        if x != int(self.scroll_offset.x):
            self.scroll_to(x=x, animate=False)

    def _go(self, row: int) -> None:
        self.cursor_row = max(0, min(row, self.total - 1))

    def action_move(self, delta: int) -> None:
        """Move the cursor up or down."""
        self._go(self.cursor_row + delta)

    def action_page(self, delta: int) -> None:
        """Move a screenful up or down."""
        self._go(self.cursor_row + delta * self._visible_rows())

    def action_first(self) -> None:
        """Go to the first customer."""
        self._go(0)

    def action_last(self) -> None:
        """Go to the last customer."""
        self._go(self.total - 1)

    def action_column(self, delta: int) -> None:
        """Move to the column on the left or right."""
        self.cursor_col = max(0, min(self.cursor_col + delta, len(self.columns) - 1))

    def action_width(self, delta: int) -> None:
        """Make the current column narrower or wider (< >, as in VisiData): the widths measured on the first page
        cut long values; this one stays as chosen for the rest of the session."""
        if not self._shown or not self._shown.widths:
            return
        col = self.cursor_col
        least = self._narrowest(col)
        if delta < 0 and self._shown.widths[col] <= least:
            label = self._shown.source.columns[col].shown_label
            said = _("The {column} column cannot be narrower and still be read").format(column=label)
            if self._refused != col:  # said once, not a pile of the same toast for each press
                self.notify(said, markup=False)
            self._refused = col
            return
        self._refused = None
        width = max(least, min(CHOSEN_MAX, self._shown.widths[col] + delta))
        self._shown.widths[col] = width
        self._chosen[self._shown.source.columns[col].id] = width
        self._sync_virtual_size()
        self._bring_into_view(col)
        self.refresh()

    def _narrowest(self, col: int) -> int:
        """How narrow `col` may be made: a few characters; an amount's widest value on the pages read (a cut
        number reads as another); a sorted column's sort mark beside the start of its label ("Cre… ▼")."""
        assert self._shown is not None
        least = MIN_WIDTH
        if self._shown.source.columns[col].type in (FieldType.DECIMAL, FieldType.INTEGER):
            fmt = self._shown.formatters[col]
            values = [row[col] for page in self._pages.values() for row in page]
            least = max([least, *(cell_len(fmt(v)) for v in values if v is not None)])
        if col in self.sort_marks:
            least = max(least, min(cell_len(self._shown.source.columns[col].shown_label), 3) + 3)
        return least

    def action_select(self) -> None:
        """Open the customer under the cursor."""
        key = self.current_key
        if key is not None:
            self.post_message(self.Selected(key))

    def _column_at(self, x: int) -> int | None:
        """The column at screen column `x`: one of the frozen columns, or one in the scrolled part."""
        left = 0
        for i, w in self._placed():
            if left <= x < left + w + GAP:
                return i
            left += w + GAP
        return None

    def on_click(self, event: events.Click) -> None:
        column = self._column_at(event.x)
        if event.y == 0:
            if column is not None:
                self.post_message(self.HeaderClicked(column))
            return
        self._go(int(self.scroll_offset.y) + event.y - 1)
        if column is not None:
            self.cursor_col = column
        if event.chain >= 2:
            self.action_select()
