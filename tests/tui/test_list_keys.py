"""The list's keys open each screen (issue key map: e edit, n new, x export, i import, h history, v views,
o jobs), and keys the user's permissions forbid are dimmed with the reason on the status line."""

from __future__ import annotations

import pytest
from tui_helpers import make_app, settle, widget_text

from store.db import Store
from store.users import Permission, UserType, add_user, resolve_user
from tui.screens.customer_form import CustomerForm
from tui.screens.customer_list import CustomerListScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.history import HistoryScreen
from tui.screens.import_screen import ImportScreen
from tui.screens.jobs import JobsScreen
from tui.screens.view_picker import ViewPicker


@pytest.mark.parametrize(
    ("key", "screen"),
    [("e", CustomerForm), ("n", CustomerForm), ("x", ExportDialog), ("i", ImportScreen), ("h", HistoryScreen),
     ("v", ViewPicker), ("o", JobsScreen)],
)  # fmt: skip
async def test_each_key_opens_its_screen(demo_db, key, screen):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down", key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        if key == "e":
            assert app.screen.customer_id == "C0000002"
        if key == "n":
            assert app.screen.customer_id is None
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)


async def test_forbidden_actions_are_dimmed_with_the_reason(demo_db):
    store = Store(demo_db)
    add_user(store, "viewer", UserType.EMPLOYEE, frozenset({Permission.LIST}), by=resolve_user(store, "alice"))
    app = make_app(demo_db, user="viewer")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert [screen.check_action(a, ()) for a in ("edit", "new", "import", "export")] == [None, None, None, True]
        assert "read-only here: no Add or Edit permission" in widget_text(screen.query_one("#status"))
        await pilot.press("e", "n", "i")
        await settle(pilot)
        assert app.screen is screen


async def test_every_action_is_in_the_command_palette(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        commands = {c.title for c in app.get_system_commands(app.screen)}
        for title in ("Export (x)", "Import (i)", "History (h)", "Edit (e)", "New (n)", "Views (v)", "Sort (s)"):
            assert title in commands
        await pilot.press("ctrl+p", *"export")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
