"""F1 works on every screen and shows that screen's own keys, with the store, the user and the level (issue 18);
`?` does too, except in a text box, where it types a question mark."""

from __future__ import annotations

import pytest
from tui_helpers import make_app, settle, widget_text

from tui.screens.customer_detail import CustomerDetailScreen
from tui.screens.customer_form import CustomerForm
from tui.screens.customer_list import CustomerListScreen
from tui.screens.export_dialog import ExportDialog
from tui.screens.help import HelpScreen
from tui.screens.history import HistoryScreen
from tui.screens.import_screen import ImportScreen
from tui.screens.jobs import JobsScreen
from tui.screens.level_picker import LevelPicker
from tui.screens.view_builder import ViewBuilder
from tui.screens.view_picker import ViewPicker

# How to reach each screen from the list, and a key of its own its help must name.
_SLOW = pytest.mark.slow  # the everyday loop keeps three screens; the full run walks them all
SCREENS = [
    ((), CustomerListScreen, "Keys", "quick filter"),
    (("enter",), CustomerDetailScreen, "Keys of a customer's page", "edit this customer", _SLOW),
    (("e",), CustomerForm, "Keys of the customer form", "Ctrl+D", _SLOW),
    (("h",), HistoryScreen, "Keys of the history", "undo the batch", _SLOW),
    (("i",), ImportScreen, "Keys of the import", "F5  Ctrl+R"),
    (("o",), JobsScreen, "Keys of the jobs", "the job's result", _SLOW),
    (("v",), ViewPicker, "Keys of the views", "delete the view", _SLOW),
    (("v", "n"), ViewBuilder, "Keys of the view builder", "F2 F3 F4", _SLOW),
    (("x",), ExportDialog, "Keys of the export", "CSV for import", _SLOW),
    (("l",), LevelPicker, "Keys of the levels", "inside an entity", _SLOW),
]
CASES = [pytest.param(*s[:4], marks=s[4:], id=s[1].__name__) for s in SCREENS]


@pytest.mark.parametrize(("keys", "screen", "title", "own_key"), CASES)
async def test_f1_shows_the_keys_of_the_screen_it_is_pressed_on(demo_db, keys, screen, title, own_key):
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, screen), app.screen
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(widget_text(w) for w in app.screen.query("Static"))
        assert title in text and own_key in text, text
        # Wrapped at the frame, where a long path may be cut anywhere (".../demo.duckd" then "b", when pytest's
        # temporary folder number grows by a digit): compared without the white space.
        assert "".join(f"Store {demo_db} · user alice · top level".split()) in "".join(text.split())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, screen)


@pytest.mark.slow  # a longer journey: in the full run (README); quicker tests of it stay in the loop
async def test_a_question_mark_in_a_text_box_is_typed_not_help(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "a", "question_mark")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        assert app.screen.query_one("#quick").value == "a?"
        await pilot.press("escape", "question_mark")  # out of the box: ? is help again
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_the_status_line_names_the_store_where_there_is_room(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert widget_text(app.screen.query_one("#status")).endswith(f"· {demo_db.name}")
        await pilot.resize_terminal(70, 30)
        await settle(pilot)
        status = widget_text(app.screen.query_one("#status"))
        # The view's kind and the word "user" give way to the store's name first (issue 18's re-walk at 80x24).
        assert status.rstrip().endswith(f"· alice · {demo_db.name}"), status
        await pilot.resize_terminal(60, 30)
        await settle(pilot)
        status = widget_text(app.screen.query_one("#status"))
        assert demo_db.name not in status and "alice" in status  # the user is never the part cut off
