"""The customer list as a user drives it: opening, quick filter, sort, views, the customer's fields, help."""

from __future__ import annotations

import csv
import io

import pytest
from tui_helpers import make_app, settle, widget_text

from core.folding import fold
from core.viewdef import Filter, Op, SortKey, View
from services.views import save_view
from store.duck import DuckStore as Store
from store.users import resolve_user
from tui.screens.customer_detail import CustomerDetailScreen
from tui.screens.customer_list import CustomerListScreen
from tui.screens.error_dialog import ErrorDialog
from tui.screens.help import HelpScreen
from tui.screens.view_picker import ViewPicker
from tui.widgets.grid import CustomerGrid


def status(app) -> str:
    return widget_text(app.screen.query_one("#status"))


def rows(grid: CustomerGrid, n: int) -> list[tuple]:
    return [grid.row_at(i) for i in range(min(n, grid.total))]


async def test_list_opens_on_all_customers_with_counts_level_and_user(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        text = status(app)
        assert "All customers" in text and "top level" in text and "user alice" in text
        grid = app.screen.query_one(CustomerGrid)
        assert f"{grid.total:,} customers" in text and 200 < grid.total < 300  # entity records are not shown
        assert [c.id for c in grid.columns][:2] == ["CUSTOMERID", "NAME"]
        assert grid.row_at(0)[0] == "C0000001"


async def test_quick_filter_narrows_as_you_type_and_escape_clears_it(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        everyone = grid.total
        await pilot.press("slash", *"paris")
        await settle(pilot)
        assert 0 < grid.total < everyone
        assert f"{grid.total:,} of {everyone:,} customers" in status(app)
        shown = rows(grid, grid.total)
        assert all(any("paris" in str(v).lower() for v in row) or row[0] for row in shown)
        await pilot.press("escape")
        await settle(pilot)
        assert grid.total == everyone


async def test_an_empty_list_says_why_and_the_way_out(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        empty = app.screen.query_one("#empty")
        assert not empty.has_class("shown")
        await pilot.press("slash", *"zzqx")
        await settle(pilot)
        assert app.screen.query_one(CustomerGrid).total == 0
        assert empty.has_class("shown")
        assert widget_text(empty).strip() == "No customer matches “zzqx” · Escape clears the filter"
        await pilot.press("escape")
        await settle(pilot)
        assert not empty.has_class("shown")


def reading_order(name: str) -> str:
    """How people read names in order: accents and case aside (Émile beside Eve, Łódź beside Lyon, Ærø as AE)."""
    return fold(name)


async def test_sort_by_current_column_cycles_ascending_descending_off(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        await pilot.press("right", "s")  # the name column, ascending
        await settle(pilot)
        names = [r[1] for r in rows(grid, 50)]
        assert names == sorted(names, key=reading_order)  # without regard to case or accents
        assert grid.sort_marks == {1: "▲"}
        await pilot.press("s")
        await settle(pilot)
        names = [r[1] for r in rows(grid, 50)]
        assert names == sorted(names, key=reading_order, reverse=True)
        await pilot.press("s")
        await settle(pilot)
        assert grid.row_at(0)[0] == "C0000001" and grid.sort_marks == {}


async def test_end_jumps_to_the_last_customer(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        await pilot.press("end")
        await settle(pilot)
        assert grid.cursor_row == grid.total - 1
        assert grid.current_key is not None
        await pilot.press("home")
        assert grid.cursor_row == 0


async def test_enter_shows_every_field_of_the_customer(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == "C0000002"
        shown = widget_text(app.screen.query_one("#fields"))
        for label in ("Customer name", "Credit limit", "Segment", "Record number", "Created"):
            assert label in shown
        await pilot.press("escape")
        assert isinstance(app.screen, CustomerListScreen)


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_view_picker_switches_to_a_saved_view(demo_db):
    store = Store(demo_db)
    alice = resolve_user(store, "alice")
    save_view(
        store,
        alice,
        View(
            "Germans by credit",
            columns=("NAME", "CITY", "CREDITLIMIT"),
            filters=(Filter("COUNTRY", Op.EQ, "germany"),),
            sort=(SortKey("CREDITLIMIT", True),),
        ),
    )
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ViewPicker)
        await pilot.press("down", "enter")
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        assert "Germans by credit" in status(app)
        assert [c.id for c in grid.columns] == ["CUSTOMERID", "NAME", "CITY", "CREDITLIMIT"]
        limits = [r[3] for r in rows(grid, grid.total)]
        assert limits == sorted(limits, key=lambda v: (v is None, -(v or 0)))


async def test_help_lists_the_keys(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, CustomerListScreen)


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_help_on_a_small_terminal_says_there_is_more_and_j_scrolls_to_it(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        dialog = app.screen.query_one("#dialog")
        assert dialog.max_scroll_y > 0 and "more below" in str(dialog.border_subtitle)
        for _ in range(dialog.max_scroll_y):
            await pilot.press("j")
        assert dialog.scroll_y == dialog.max_scroll_y and str(dialog.border_subtitle) == "Esc closes"
        await pilot.press("k")
        assert dialog.scroll_y == dialog.max_scroll_y - 1 and "more below" in str(dialog.border_subtitle)
        await pilot.press("pagedown")
        await pilot.pause()
        assert str(dialog.border_subtitle) == "Esc closes"


async def test_a_store_that_cannot_be_opened_shows_the_reason(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"not a database" * 100)
    app = make_app(bad)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog)
        assert "not a custbook store" in widget_text(app.screen.query_one("#message")).replace("\n", " ")


async def test_escape_sequences_in_a_name_cannot_drive_the_terminal(demo_db, tmp_path):
    from cli.main import main

    path = tmp_path / "evil.csv"
    out = io.StringIO()
    csv.writer(out).writerows([["CUSTOMERID", "NAME", "PRINTAS", "SEGMENT"], ["AAA", "\x1b[31mRED\x1b[2J", "x", "SMB"]])
    path.write_text(out.getvalue())
    assert main(["--db", str(demo_db), "--user", "alice", "import", str(path)]) == 0
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        assert grid.row_at(0)[1] == "\x1b[31mRED\x1b[2J"  # stored exactly
        line = "".join(segment.text for segment in grid.render_line(1))
        assert "\x1b" not in line and "·[31mRED·[2J" in line


async def test_another_view_starts_at_the_left_where_the_id_and_name_are(demo_db):
    store = Store(demo_db)
    view = save_view(
        store, resolve_user(store, "alice"), View("Limits", columns=("CUSTOMERID", "NAME", "CREDITLIMIT"))
    ).view
    app = make_app(
        demo_db,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        await pilot.press(*["right"] * 7)
        await settle(pilot)
        assert grid.cursor_col == 7 and grid.scroll_offset.x > 0
        app.screen.view = view
        app.screen.reload()
        await settle(pilot)
        assert [c.id for c in grid.columns] == ["CUSTOMERID", "NAME", "CREDITLIMIT"]
        assert grid.cursor_col == 0 and grid.scroll_offset.x == 0
        assert "Customer ID" in widget_text(grid).splitlines()[0]


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_the_id_and_the_name_stay_in_view_when_scrolling_right(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        await pilot.press(*["right"] * (len(grid.columns) - 1))  # to the last column
        await settle(pilot)
        assert grid.scroll_offset.x > 0
        lines = widget_text(grid).splitlines()
        assert lines[0].startswith("Customer ID") and "Customer name" in lines[0]
        assert grid.columns[-1].label in lines[0]  # the last column is in view beside them
        assert lines[1].startswith("C0000001") and "Seattle Medical Supply" in lines[1]
        # A click on a header in the scrolled part sorts by that column, not by the one under it unscrolled.
        x = lines[0].index(grid.columns[-1].label)
        await pilot.click(CustomerGrid, offset=(x + 1, 0))
        await settle(pilot)
        assert grid.sort_marks == {len(grid.columns) - 1: "▲"}


@pytest.mark.slow  # a long interface journey: in the full run (README), not the everyday loop
async def test_the_cursor_stays_on_its_customer_after_a_save_and_a_refresh(demo_db):
    """Issue 18, item 1: after j x30, e, a change and Ctrl+S, the cursor jumped to C0000001 and the next e edited
    the wrong customer; the same after r. It stays on the customer it was on."""
    from form_helpers import type_into

    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        await pilot.press(*["j"] * 30)
        await settle(pilot)
        key = grid.current_key
        assert grid.cursor_row == 30 and key is not None
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, "CITY", "Lyon")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        assert (grid.cursor_row, grid.current_key) == (30, key)
        await pilot.press("r")
        await settle(pilot)
        assert (grid.cursor_row, grid.current_key) == (30, key)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.customer_id == key  # the next edit is of the same customer


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_the_sorted_column_shows_whole_and_cut_text_says_it_is_cut(demo_db):
    """Issue 18, item 5: sorting re-measures the columns from the new first page; a column left of the cursor that
    widened used to push the sorted one off the edge (its header "Credit li", its amounts "…"). Now the column under
    the cursor is brought back into view whole, and text cut by either edge of the screen ends in "…" (a cut
    e-mail no longer looks complete); the list scrolls by whole columns, so no column is cut on the left."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        limit = next(i for i, c in enumerate(grid.columns) if c.id == "CREDITLIMIT")
        await pilot.press(*["right"] * limit)
        for _ in range(2):  # ascending, then descending: each first page measures the columns again
            await pilot.press("s")
            await settle(pilot)
            header = widget_text(grid).splitlines()[0]
            assert "Credit limit" in header, header
            row = widget_text(grid).splitlines()[1]
            amount = grid.row_at(0)[limit]
            assert f"{amount:,.2f}" in row, row  # the amount itself (grouped, issue 16), not "…"
        # Walking right from the first column, the list scrolls by whole columns: the first column right of the
        # frozen ones starts at the edge with its header, never cut on the left (a cut label or e-mail read whole).
        await pilot.press(*["left"] * limit)
        for _ in range(len(grid.columns) - 1):
            await pilot.press("right")
            await settle(pilot)
            edge, first = grid._frozen_width(), grid._first()
            header = widget_text(grid).splitlines()[0]
            assert header[edge:].startswith(grid.columns[first].label), header


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_nothing_hides_under_the_scroll_bars(demo_db):
    """The scroll bars are drawn over the grid's last column and last line: the cursor never goes to a row hidden
    under the horizontal bar, and the text cut at the right edge is marked where it can be seen, left of the
    vertical bar."""
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        seen = grid.scrollable_content_region
        assert seen.height < grid.size.height and seen.width < grid.size.width  # both bars are there
        rows_seen = seen.height - 1  # less the header
        await pilot.press(*["down"] * rows_seen)  # to the first row that would sit under the horizontal bar
        await settle(pilot)
        assert grid.cursor_row == rows_seen and grid.scroll_offset.y == 1
        header = grid.render_line(0).text
        assert len(header) == seen.width and header.endswith("…"), header


async def test_the_status_line_says_the_views_filters_where_there_is_room(demo_db):
    """Issue 18: which customers a view shows is the first thing to know about the list: its filters follow the
    counts, whole when they fit, cut with "…" when not, and the user is never the part cut off."""
    store = Store(demo_db)
    alice = resolve_user(store, "alice")
    filters = (Filter("COUNTRY", Op.EQ, "Germany"), Filter("CITY", Op.NE, "Berlin"))
    save_view(store, alice, View(name="Germans", filters=filters))
    app = make_app(demo_db)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ViewPicker)
        await pilot.press("down", "enter")
        await settle(pilot)
        line = status(app)
        assert "Germans (private)" in line and "Country is “Germany”; City is not “Berlin”" in line, line
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        line = status(app)
        assert "Country is" in line and "…" in line, line
        assert line.rstrip().endswith("user alice · demo.duckdb"), line  # the store's name before the filters


@pytest.mark.slow  # a longer case: in the full run (README), not the everyday loop
async def test_lt_and_gt_narrow_and_widen_the_current_column_and_the_width_stays(demo_db):
    """Issue 18: widths come from the first page, so a long e-mail further down is cut. > widens the current column
    (< narrows it), and the chosen width stays after a refresh and a sort."""
    app = make_app(demo_db)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        email = next(i for i, c in enumerate(grid.columns) if c.id == "EMAIL1")
        await pilot.press(*["right"] * email)
        before = grid._shown.widths[email]
        await pilot.press(*["greater_than_sign"] * 5)
        assert grid._shown.widths[email] == before + 10
        await pilot.press("less_than_sign")
        assert grid._shown.widths[email] == before + 8
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert grid._shown.widths[email] == before + 8  # kept across the refresh and the sort
        await pilot.press(*["less_than_sign"] * ((grid._shown.widths[email] - 4) // 2 + 2))
        assert grid._shown.widths[email] == 6  # sorted: never narrower than its label's start and mark ("E-m… ▲")
