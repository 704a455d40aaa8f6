"""The list as a newcomer's review of issue 18 found it: each case here failed before its fix (the cursor following
its customer through a save, the sorted and current columns shown whole, the frozen ID and name, stable widths,
the filters' values as the list writes them)."""

from __future__ import annotations

from form_helpers import type_into
from tui_helpers import make_app, settle

from tui.screens.customer_form import CustomerForm
from tui.screens.customer_list import CustomerListScreen
from tui.widgets.grid import CustomerGrid


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
