"""The list as a newcomer's review of issue 18 found it: each case here failed before its fix (the cursor following
its customer through a save, the sorted and current columns shown whole, the frozen ID and name, stable widths,
the filters' values as the list writes them)."""

from __future__ import annotations

from form_helpers import type_into
from tui_helpers import make_app, settle, widget_text

from cli.main import main
from core.viewdef import Filter, Op, SortKey, View
from services.views import save_view
from store.duck import DuckStore as Store
from store.users import resolve_user
from tui.screens.customer_form import CustomerForm
from tui.screens.customer_list import CustomerListScreen
from tui.widgets.grid import CustomerGrid


def lines(grid: CustomerGrid) -> list[str]:
    return widget_text(grid).splitlines()


async def test_the_cursor_follows_its_customer_when_a_save_moves_it_within_the_sort(demo_db):
    """Sorted by name, a customer renamed "ZZZ…" moves to the end: the cursor goes with it, and the next `e` edits
    it, not the neighbour that took its row. A customer that leaves the view leaves the cursor on the neighbour."""
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        await pilot.press("right", "s")  # by name
        await settle(pilot)
        await pilot.press(*["j"] * 10)
        key, neighbour = grid.current_key, grid.row_at(11)[0]
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CustomerForm) and app.screen.customer_id == key
        await type_into(pilot, "NAME", "ZZZ Moved To The End")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        assert grid.current_key == key and grid.cursor_row > 10, (grid.cursor_row, grid.current_key)
        assert grid.row_at(grid.cursor_row)[1] == "ZZZ Moved To The End"
        assert grid.row_at(10)[0] == neighbour  # the row it left: the next customer, which the old `e` edited
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.customer_id == key  # the same customer, not the neighbour
        await pilot.press("escape")
        await settle(pilot)
        # A customer that a save takes out of the view (its city no longer matches the quick filter): the cursor
        # stays at its row, on the customer after it.
        await pilot.press("slash", *"paris", "enter")
        await settle(pilot)
        await pilot.press("j")
        key, after = grid.current_key, grid.row_at(2)[0]
        before = grid.total
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, "CITY", "Lyon")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert grid.total == before - 1 and (grid.cursor_row, grid.current_key) == (1, after)


async def test_the_id_and_the_name_stay_in_view_at_80_columns_each_header_over_its_values(demo_db, tmp_path):
    """The README promises the ID and the name stay in view when scrolling right. At 80 columns only the ID stayed,
    the name scrolled away cut from the left ("…l SAS" under a header "…"), and a column whose header had scrolled
    off showed cut e-mails without one. Now the name stays too (narrowed, cut with "…", once the list is scrolled)
    and the list scrolls by whole columns: each column in view starts with its header over its values."""
    long = tmp_path / "long.csv"  # a long name on the first page: the name column as wide as a column goes
    long.write_text("CUSTOMERID,NAME\nC0000003,Johnson Family Farms and Ranches Cooperative SAS\n", encoding="utf-8")
    assert main(["--db", str(demo_db), "--user", "alice", "import", str(long)]) == 0
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        name = str(grid.row_at(0)[1])
        for step in range(1, len(grid.columns)):
            await pilot.press("right")
            await settle(pilot)
            header, first_row = lines(grid)[:2]
            assert header.startswith("Customer ID") and "Customer name" in header, (step, header)
            assert first_row.startswith("C0000001") and name[:12] in first_row, (step, first_row)
            assert grid.columns[grid.cursor_col].label in header  # the current column, whole
        await pilot.press("home", *["left"] * len(grid.columns))
        for step in range(1, len(grid.columns)):
            await pilot.press("right")
            await settle(pilot)
            header = lines(grid)[0]
            x = 0
            for column, width in grid._placed():
                assert column is not None
                label = grid.columns[column].label
                assert header[x:].startswith(label[: width - 1]), (step, label, header)  # the header over its values
                for row in lines(grid)[1:]:
                    assert not row[x:].startswith("…"), (step, label, row)  # nothing cut on the left
                x += width + 2


async def test_the_sorted_column_shows_whole_wherever_the_cursor_is(demo_db):
    """Bug 5 (issue 18): at 120 columns, sorted by credit limit then back to the first column, the header read
    "Credit…" and every row "…", the ▲ gone; a view sorted by -CREDITLIMIT opened with "Cre…" over "…". The sorted
    column now shows whole (its mark and its amounts) or not at all."""
    store = Store(demo_db)
    view = View("Limits", columns=("NAME", "CITY", "CREDITLIMIT"), sort=(SortKey("CREDITLIMIT", True),))
    save_view(store, resolve_user(store, "alice"), view)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        limit = next(i for i, c in enumerate(grid.columns) if c.id == "CREDITLIMIT")
        await pilot.press(*["right"] * limit, "s", *["left"] * (limit + 1))
        await settle(pilot)
        assert grid.cursor_col == 0 and grid.sort_marks == {limit: "▲"}
        shown = lines(grid)
        assert "Credit limit ▲" in shown[0], shown[0]
        assert f"{grid.row_at(0)[limit]:,.2f}" in shown[1], shown[1]
        assert not any(line.rstrip().endswith(" …") for line in shown[1:]), shown
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("down", "enter")  # the saved view, sorted by -CREDITLIMIT
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        assert grid.sort_marks == {3: "▼"} and grid.cursor_col == 0
        shown = lines(grid)
        assert "Credit limit ▼" in shown[0], shown[0]
        assert f"{grid.row_at(0)[3]:,.2f}" in shown[1], shown[1]


async def test_lt_never_narrows_the_sorted_column_past_its_mark_and_its_amounts(demo_db):
    """`<` on the current, sorted column narrowed it to "Cre…" over "500…" and dropped the ▼; it now stops where
    the header still shows the mark and every amount shows whole, and says so."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        limit = next(i for i, c in enumerate(grid.columns) if c.id == "CREDITLIMIT")
        await pilot.press(*["right"] * limit, "s", "s")  # descending: the widest amounts first
        await settle(pilot)
        await pilot.press(*["less_than_sign"] * 10)
        await settle(pilot)
        shown = lines(grid)
        assert "▼" in shown[0] and "Cr" in shown[0], shown[0]
        for index in range(5):
            assert f"{grid.row_at(index)[limit]:,.2f}" in shown[index + 1], shown[index + 1]
        said = [str(n.message) for n in app._notifications]
        assert said.count("The Credit limit column cannot be narrower and still be read") == 1  # once, not a pile


async def test_column_widths_stay_when_a_save_changes_the_longest_value(demo_db, tmp_path):
    """On a big store a save shrank the Email column (its longest address on the first page was the one edited)
    and brought Phone into view: the same view again keeps its widths."""
    from rich.cells import cell_len

    from store.records import builtin_view

    store = Store(demo_db)
    alice = resolve_user(store, "alice")
    query = store.customers.compile(builtin_view(), store.fields.catalogue(), user=alice)
    ids = [row[0] for row in store.customers.page(query, 0, 100)]
    emails = tmp_path / "emails.csv"  # short addresses on the first page, one longer than the others
    emails.write_text(
        "CUSTOMERID,EMAIL1\n"
        + "".join(f"{c},{'the.longest.one' if i == 5 else 'x'}@ex.example\n" for i, c in enumerate(ids)),
        encoding="utf-8",
    )
    assert main(["--db", str(demo_db), "--user", "alice", "import", str(emails)]) == 0
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        email = next(i for i, c in enumerate(grid.columns) if c.id == "EMAIL1")
        longest = max(range(min(grid.total, 100)), key=lambda i: cell_len(str(grid.row_at(i)[email] or "")))
        before = list(grid._shown.widths)
        await pilot.press(*["j"] * longest, "e")
        await settle(pilot)
        await type_into(pilot, "EMAIL1", "a@b.example")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen) and grid.row_at(longest)[email] == "a@b.example"
        assert grid._shown.widths == before
        await pilot.press("r")
        await settle(pilot)
        assert grid._shown.widths == before


async def test_the_status_line_writes_a_filters_numbers_and_dates_as_the_list_does(demo_db):
    """The status line said 'Credit limit is greater than “10000”' above a column of "10,000.00": a filter's
    number is written as the list writes amounts (the region's grouping), its date as the list writes dates."""
    import datetime as dt
    from decimal import Decimal

    from core.regional import screen_region

    store = Store(demo_db)
    filters = (
        Filter("CREDITLIMIT", Op.GT, "10000"),
        Filter("RECORDNO", Op.LT, "1000000"),
        Filter("LAST_INVOICEDATE", Op.LT, "2030-04-01"),
    )
    save_view(store, resolve_user(store, "alice"), View("Big ones", filters=filters))
    app = make_app(demo_db)
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        line = widget_text(app.screen.query_one("#status"))
        region = screen_region()  # "10,000.00" where the environment names no region, "10 000,00" in France
        assert f"Credit limit is greater than “{region.amount(Decimal(10000))}”" in line, line
        million = f"1{region.group}000{region.group}000"
        assert f"Record number is less than “{million}”" in line, line
        assert f"Last invoice date is before {region.date(dt.date(2030, 4, 1))}" in line, line


async def test_at_80_columns_the_stores_name_survives_a_views_filters(demo_db):
    """At 80 columns the status line dropped the store's file name as soon as a view with filters was shown; the
    filters' text now gives way to it (cut with "…"), and the user still shows whole."""
    store = Store(demo_db)
    filters = (Filter("COUNTRY", Op.EQ, "France"), Filter("CITY", Op.NE, "Paris"))
    save_view(store, resolve_user(store, "alice"), View("Big FR", filters=filters))
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        line = widget_text(app.screen.query_one("#status")).strip()
        assert line.startswith("Big FR") and "Country is" in line and "…" in line, line
        assert line.endswith(" · top level · user alice · demo.duckdb"), line


async def test_rows_in_other_alphabets_keep_their_cells_at_120_columns(demo_db):
    """Issue 18 said rows with Cyrillic names ended early at 120 columns ("+7 343 101-98-8", no Credit limit cell).
    The grid and the terminal agree on every character of the demo's names (Cyrillic, Greek and accented Latin
    letters are East Asian "ambiguous", one cell to Rich and to tmux; Chinese and Japanese two to both): rows in
    tmux align. What cuts them is a terminal set to draw ambiguous characters double (a CJK option), or a capture
    measured in bytes (`cut -c` counts each Cyrillic letter twice). This pins the grid's side: each row is as wide
    as the screen, and each amount ends where its header does."""
    from rich.cells import cell_len

    store = Store(demo_db)
    others = tuple(Filter("CURRENCY", Op.NE, c) for c in ("USD", "EUR", "GBP", "DKK", "CHF", "PLN"))
    save_view(store, resolve_user(store, "alice"), View("Abroad", filters=others))  # roubles and yens
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        grid = app.screen.query_one(CustomerGrid)
        limit = next(i for i, c in enumerate(grid.columns) if c.id == "CREDITLIMIT")
        await pilot.press(*["right"] * limit)
        await settle(pilot)
        header = "".join(s.text for s in grid.render_line(0))
        end = cell_len(header[: header.index("Credit limit")]) + grid._shown.widths[limit]  # amounts align right
        scripts = set()
        for y in range(1, min(grid._visible_rows(), grid.total) + 1):
            strip = grid.render_line(y)
            text = "".join(s.text for s in strip)
            assert strip.cell_length == grid.scrollable_content_region.width
            amount = f"{grid.row_at(y - 1 + int(grid.scroll_offset.y))[limit]:,.2f}"
            assert cell_len(text[: text.index(amount) + len(amount)]) == end, text
            scripts |= {"cyrillic" for ch in text if "\u0400" <= ch <= "\u04ff"}
            scripts |= {"wide" for ch in text if cell_len(ch) == 2}
        assert scripts == {"cyrillic", "wide"}, scripts  # the rows checked hold both kinds


async def test_at_80_columns_the_stores_name_shows_on_the_plain_list_too(demo_db):
    """The re-walk's first screen at 80x24, the built-in list without filters: 'All customers (built in) · 4,561
    customers · top level · user root' and no store name, so a mistyped --db could pass for the real store. The
    view's kind gives way to the store's name."""
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = widget_text(app.screen.query_one("#status")).strip()
        assert line.endswith(" · top level · user alice · demo.duckdb"), line
        assert line.startswith("All customers · "), line
